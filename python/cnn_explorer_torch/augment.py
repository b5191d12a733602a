"""Training-time augmentation of a batch, on the device, with the semantics of the tfjs engine's
src/engine/data/augment.ts: per image, a random crop from a zero-padded image, a horizontal flip
with probability 1/2, a rotation by a uniform angle in [-rotation, +rotation] degrees (bilinear,
zeros outside), composed into one sampling; then colour jitter (brightness, contrast,
saturation, hue: torchvision's definitions, in that order) on values in [0, 1]. The random
numbers come from the run's generator, so a seed gives the same batches again."""
import math

import torch
import torch.nn.functional as F


def is_augmenting(spec) -> bool:
    if not spec:
        return False
    j = spec.get('colorJitter') or {}
    return ((spec.get('randomCrop') or {}).get('padding', 0) > 0 or spec.get('horizontalFlip') is True
            or (spec.get('rotation') or 0) > 0 or any((j.get(k) or 0) > 0 for k in ('brightness', 'contrast', 'saturation', 'hue')))


class Random:
    """Uniform draws for a batch, from a generator on the device where PyTorch has one there."""

    def __init__(self, seed: int, device: torch.device):
        self.device = device
        try:
            self.generator = torch.Generator(device=device)
            self.on_device = True
        except (RuntimeError, TypeError):  # no generator on this device in this PyTorch
            self.generator = torch.Generator()
            self.on_device = False
        self.generator.manual_seed(seed)

    def uniform(self, n: int) -> torch.Tensor:
        if self.on_device:
            return torch.rand(n, generator=self.generator, device=self.device)
        return torch.rand(n, generator=self.generator).to(self.device)

    def integers(self, low: int, high: int, n: int) -> torch.Tensor:
        """Integers in [low, high], both included."""
        if self.on_device:
            return torch.randint(low, high + 1, (n,), generator=self.generator, device=self.device)
        return torch.randint(low, high + 1, (n,), generator=self.generator).to(self.device)


def shift_flip(x: torch.Tensor, dy: torch.Tensor, dx: torch.Tensor, flip: torch.Tensor) -> torch.Tensor:
    """Crop offsets and flips, whole pixels, on uint8 NHWC: output (y, x) is input (y + dy, x' + dx),
    x' = w - 1 - x when flipped; zero outside. One gather, on the bytes, before anything is float."""
    n, h, w, _ = x.shape
    rows = torch.arange(h, device=x.device)[None, :] + dy[:, None]
    cols = torch.arange(w, device=x.device)[None, :].expand(n, w)
    cols = torch.where(flip[:, None], w - 1 - cols, cols) + dx[:, None]
    inside = ((rows >= 0) & (rows < h))[:, :, None] & ((cols >= 0) & (cols < w))[:, None, :]
    batch = torch.arange(n, device=x.device)[:, None, None]
    out = x[batch, rows.clamp(0, h - 1)[:, :, None], cols.clamp(0, w - 1)[:, None, :]]
    return out * inside[..., None].to(out.dtype)


def rotate_shift_flip(x: torch.Tensor, dy: torch.Tensor, dx: torch.Tensor, flip: torch.Tensor, degrees: torch.Tensor) -> torch.Tensor:
    """The whole geometric step as one bilinear sampling of float NCHW. augment.ts maps output
    (y, x) to rotate-back-about-the-centre, then unflip, then uncrop; in affine_grid's coordinates
    (-1…1 from first to last pixel centre, align_corners) that is one 2×3 matrix per image."""
    n, c, h, w = x.shape
    a = (w - 1) / 2 or 1.0  # half the width and height in pixels: the normalised unit
    b = (h - 1) / 2 or 1.0
    theta = degrees.to(x.dtype) * (math.pi / 180)
    cos, sin = torch.cos(theta), torch.sin(theta)
    sign = 1 - 2 * flip.to(x.dtype)
    row_x = torch.stack([sign * cos, sign * (b / a) * sin, dx.to(x.dtype) / a], dim=1)
    row_y = torch.stack([-(a / b) * sin, cos, dy.to(x.dtype) / b], dim=1)
    grid = F.affine_grid(torch.stack([row_x, row_y], dim=1), [n, c, h, w], align_corners=True)
    return F.grid_sample(x, grid, mode='bilinear', padding_mode='zeros', align_corners=True)


def _factor(rng: Random, n: int, strength: float) -> torch.Tensor:
    """A jitter factor per image as torchvision draws it: uniform in [max(0, 1 - s), 1 + s]."""
    low = max(0.0, 1 - strength)
    return (low + rng.uniform(n) * (1 + strength - low))[:, None, None, None]


def _luma(x: torch.Tensor) -> torch.Tensor:
    return 0.299 * x[:, 0:1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3]


# YIQ and back, with augment.ts's coefficients: a hue shift rotates the chroma plane (I, Q).
_TO_YIQ = ((0.299, 0.587, 0.114), (0.596, -0.274, -0.322), (0.211, -0.523, 0.312))
_FROM_YIQ = ((1.0, 0.956, 0.621), (1.0, -0.272, -0.647), (1.0, -1.106, 1.703))


_YIQ_ON_DEVICE = {}


def _yiq(dtype, device):
    """The two matrices on the device, made once: a copy from the host per batch would wait for
    the device's queue to drain."""
    key = (dtype, str(device))
    if key not in _YIQ_ON_DEVICE:
        _YIQ_ON_DEVICE[key] = (torch.tensor(_TO_YIQ, dtype=dtype, device=device), torch.tensor(_FROM_YIQ, dtype=dtype, device=device))
    return _YIQ_ON_DEVICE[key]


def color_jitter(x: torch.Tensor, j: dict, rng: Random) -> torch.Tensor:
    """Brightness, contrast, saturation, hue on float NCHW in [0, 1], a factor per image."""
    n, c = x.shape[0], x.shape[1]
    if (j.get('brightness') or 0) > 0:
        x = (x * _factor(rng, n, j['brightness'])).clamp_(0, 1)
    if (j.get('contrast') or 0) > 0:
        f = _factor(rng, n, j['contrast'])
        gray = _luma(x) if c == 3 else x[:, 0:1]
        mean = gray.mean(dim=(1, 2, 3), keepdim=True)
        x = (mean + f * (x - mean)).clamp_(0, 1)
    if c != 3:
        return x  # saturation and hue mean nothing without colour
    if (j.get('saturation') or 0) > 0:
        f = _factor(rng, n, j['saturation'])
        g = _luma(x)
        x = (g + f * (x - g)).clamp_(0, 1)
    if (j.get('hue') or 0) > 0:
        turn = (rng.uniform(n) * 2 - 1) * (min(j['hue'], 0.5) * 2 * math.pi)
        cos, sin = torch.cos(turn), torch.sin(turn)
        zero, one = torch.zeros_like(cos), torch.ones_like(cos)
        rotate = torch.stack([torch.stack([one, zero, zero], 1), torch.stack([zero, cos, -sin], 1), torch.stack([zero, sin, cos], 1)], 1)
        to_yiq, from_yiq = _yiq(x.dtype, x.device)
        m = from_yiq @ rotate.to(x.dtype) @ to_yiq  # [n, 3, 3]: rgb → rgb per image
        x = torch.einsum('nij,njhw->nihw', m, x).clamp_(0, 1)
    return x


def augment(x: torch.Tensor, spec: dict, rng: Random) -> torch.Tensor:
    """uint8 NHWC in, float NCHW in [0, 1] out, augmented."""
    n = x.shape[0]
    device = x.device
    padding = (spec.get('randomCrop') or {}).get('padding', 0) or 0
    max_angle = spec.get('rotation') or 0
    zeros = torch.zeros(n, dtype=torch.long, device=device)
    dy = rng.integers(-padding, padding, n) if padding > 0 else zeros
    dx = rng.integers(-padding, padding, n) if padding > 0 else zeros
    flip = rng.uniform(n) < 0.5 if spec.get('horizontalFlip') is True else torch.zeros(n, dtype=torch.bool, device=device)
    if max_angle > 0:
        degrees = (rng.uniform(n) * 2 - 1) * max_angle
        out = rotate_shift_flip(x.permute(0, 3, 1, 2).float().div_(255), dy, dx, flip, degrees)
    else:
        if padding > 0 or spec.get('horizontalFlip') is True:
            x = shift_flip(x, dy, dx, flip)
        out = x.permute(0, 3, 1, 2).float().div_(255)
    j = spec.get('colorJitter')
    return color_jitter(out, j, rng) if j else out
