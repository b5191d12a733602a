"""Cross-entropy over the model's output, read the way its last layer makes it (model.output_kind),
as src/engine/training/loss.ts: logits, probabilities (clipped to [1e-7, 1] before the log) or
log-probabilities."""
import torch
import torch.nn.functional as F


def cross_entropy(out: torch.Tensor, labels: torch.Tensor, kind: str, reduction: str = 'mean') -> torch.Tensor:
    if kind == 'logits':
        return F.cross_entropy(out, labels, reduction=reduction)
    if kind == 'probabilities':
        return F.nll_loss(out.clamp(1e-7, 1).log(), labels, reduction=reduction)
    return F.nll_loss(out, labels, reduction=reduction)
