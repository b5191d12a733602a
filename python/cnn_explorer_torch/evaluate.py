"""Loss, accuracy, per-class accuracy and the confusion matrix of the model over a whole split
(src/engine/training/evaluate.ts). Sums stay on the device and are read once at the end."""
import math

import torch

from .batches import Batcher, DeviceSplit
from .loss import cross_entropy

# Evaluation keeps no activations for a backward pass, so it takes larger batches than training.
EVAL_BATCH_FACTOR = 2


def evaluate_split(model, split: DeviceSplit, batcher: Batcher, classes: int, kind: str, batch_size: int, should_stop):
    """The metrics as a dict, or None when `should_stop` said stop between two batches."""
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
            for start in range(0, split.count, size):
                index = torch.arange(start, min(start + size, split.count), device=device)
                labels = split.labels[index]
                out = model(batcher.batch(split, index, train=False))
                loss_sum += cross_entropy(out, labels, kind, reduction='sum').to(loss_sum.dtype)
                pairs = labels * classes + out.argmax(dim=1)
                confusion += torch.bincount(pairs.to(confusion.device), minlength=classes * classes)
                if should_stop():
                    return None
    finally:
        model.train(was_training)
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
