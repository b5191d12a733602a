"""Loss, accuracy, per-class accuracy and the confusion matrix of the model over a whole split
(src/engine/training/evaluate.ts). Sums stay on the device and are read once at the end.

DDP: with a process group each rank evaluates its consecutive part of the split (the ranks'
parts differ by at most one image, so their batch counts may differ: no collective runs between
batches, and the model given is the unwrapped module, whose forward makes none), then the loss
sum and the confusion matrix are summed over the ranks: every rank gets the record one process
computes, so the best epoch, the plateau and early stopping decide alike everywhere."""
import math

import torch

from .batches import Batcher, DeviceSplit
from .loss import cross_entropy

# Evaluation keeps no activations for a backward pass, so it takes larger batches than training.
EVAL_BATCH_FACTOR = 2


def evaluate_split(model, split: DeviceSplit, batcher: Batcher, classes: int, kind: str, batch_size: int, should_stop, group=None):
    """The metrics as a dict, or None when `should_stop` said stop between two batches (never
    asked with a `group`: the ranks agree on a stop before evaluating instead)."""
    device = split.labels.device
    # MPS has no float64 and, in some versions, no bincount: its sums are kept as it allows.
    mps = device.type == 'mps'
    loss_sum = torch.zeros((), dtype=torch.float32 if mps else torch.float64, device=device)
    confusion = torch.zeros(classes * classes, dtype=torch.long, device='cpu' if mps else device)
    size = batch_size * EVAL_BATCH_FACTOR
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            first, end = group.part(split.count) if group is not None else (0, split.count)
            for start in range(first, end, size):
                index = torch.arange(start, min(start + size, end), device=device)
                labels = split.labels[index]
                out = model(batcher.batch(split, index, train=False))
                loss_sum += cross_entropy(out, labels, kind, reduction='sum').to(loss_sum.dtype)
                pairs = labels * classes + out.argmax(dim=1)
                confusion += torch.bincount(pairs.to(confusion.device), minlength=classes * classes)
                if group is None and should_stop():
                    return None
    finally:
        model.train(was_training)
    if group is not None:
        group.sum_(loss_sum)
        group.sum_(confusion)
    count = split.count
    matrix = confusion.view(classes, classes).tolist()
    correct = sum(matrix[i][i] for i in range(classes))
    return {
        'loss': float(loss_sum) / count if count else math.nan,
        'accuracy': correct / count if count else math.nan,
        'count': count,
        'perClassAccuracy': [row[i] / sum(row) if sum(row) else math.nan for i, row in enumerate(matrix)],
        'confusionMatrix': matrix,
    }
