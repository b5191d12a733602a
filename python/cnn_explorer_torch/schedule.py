"""Learning rate per epoch, as src/engine/training/schedule.ts gives it (PyTorch's schedulers
stepped once per epoch). Epochs are 0-based here."""
import math

# Relative improvement that counts for plateau detection (PyTorch's threshold, mode 'rel').
PLATEAU_THRESHOLD = 1e-4


class LrSchedule:
    def __init__(self, spec, epochs: int):
        self.spec = spec
        self.epochs = epochs
        self.plateau_factor = 1.0
        self.best = math.inf
        self.bad = 0

    def lr_at(self, e: int, base: float) -> float:
        """The learning rate for epoch `e` given the base rate in force then."""
        s = self.spec
        if not s:
            return base
        kind = s['type']
        if kind == 'step':
            return base * s['gamma'] ** (e // s['stepSize'])
        if kind == 'multistep':
            # Milestones count epochs done: [2] means epochs 0 and 1 at the base rate, then decayed.
            return base * s['gamma'] ** sum(1 for m in s['milestones'] if m <= e)
        if kind == 'plateau':
            return base * self.plateau_factor
        if kind == 'cosine':
            warmup = s.get('warmupEpochs') or 0
            if e < warmup:
                return base * (e + 1) / warmup
            span = self.epochs - warmup
            return base * (1 + math.cos(math.pi * (e - warmup) / span)) / 2
        raise ValueError(f'unknown schedule {kind!r}')

    def observe(self, loss: float) -> bool:
        """The monitored loss after an epoch (plateau only); true when the rate was reduced."""
        s = self.spec
        if not s or s['type'] != 'plateau' or not math.isfinite(loss):
            return False
        if loss < self.best * (1 - PLATEAU_THRESHOLD):
            self.best = loss
            self.bad = 0
            return False
        self.bad += 1
        if self.bad > s['patience']:
            self.plateau_factor *= s['factor']
            self.bad = 0
            return True
        return False
