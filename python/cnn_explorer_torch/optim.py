"""The optimizers of the training block, as torch.optim's, chosen so that each update is the
formula src/engine/training/optimizers.ts gives the tfjs engine: weightDecay is L2 added to the
gradient for sgd, adam and rmsprop (torch's `weight_decay`), and decoupled for adamw (the
weights shrink by lr·wd before the Adam step: torch.optim.AdamW); RMSprop with α = 0.99;
ε = 1e-8 throughout."""
import torch

from .errors import TrainerError

EPSILON = 1e-8


def make_optimizer(spec: dict, params: list) -> torch.optim.Optimizer:
    kind, lr, wd = spec['type'], spec['lr'], spec.get('weightDecay', 0) or 0
    if kind == 'sgd':
        momentum = spec.get('momentum', 0) or 0
        # Nesterov without momentum is plain SGD there; torch refuses the combination.
        return torch.optim.SGD(params, lr=lr, momentum=momentum, nesterov=bool(spec.get('nesterov')) and momentum > 0, weight_decay=wd)
    if kind == 'adam':
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=EPSILON, weight_decay=wd)
    if kind == 'adamw':
        return torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.999), eps=EPSILON, weight_decay=wd)
    if kind == 'rmsprop':
        return torch.optim.RMSprop(params, lr=lr, alpha=0.99, eps=EPSILON, weight_decay=wd, momentum=0)
    raise TrainerError('config-invalid', f"optimizer.type: unknown optimizer '{kind}' (sgd, adam, adamw, rmsprop)")


def set_learning_rate(optimizer: torch.optim.Optimizer, lr: float) -> None:
    for group in optimizer.param_groups:
        group['lr'] = lr
