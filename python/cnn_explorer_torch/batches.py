"""Batches as the model's input, made on the device: the splits are uploaded once as uint8 NHWC
(four times smaller than floats), and each batch is gathered by index, augmented (training
only), scaled to [0, 1], normalized and laid out as the model takes it, all there."""
from dataclasses import dataclass
from typing import Optional

import torch

from .augment import Random, augment, is_augmenting
from .dataset import PreparedDataset, Split


@dataclass
class DeviceSplit:
    images: torch.Tensor  # uint8 [N, H, W, C] on the device
    labels: torch.Tensor  # int64 [N] on the device

    @property
    def count(self) -> int:
        return int(self.labels.shape[0])


def to_device(split: Optional[Split], device: torch.device) -> Optional[DeviceSplit]:
    if split is None:
        return None
    return DeviceSplit(split.images.to(device).contiguous(), split.labels.to(device))


class Batcher:
    def __init__(self, data: PreparedDataset, input_shape: list, device: torch.device, augment_spec, rng: Random):
        h, w, c = data.image_shape
        # A flat input ([features]) takes each image flattened in H, W, C order, as the tfjs
        # engine feeds it: the first dense layer's weights then mean the same on both engines.
        self.flat = len(input_shape) == 1
        self.channels = c
        self.augment_spec = augment_spec if is_augmenting(augment_spec) else None
        self.rng = rng
        if data.mean is not None:
            mean = torch.tensor(data.mean, dtype=torch.float32, device=device)
            std = torch.tensor(data.std, dtype=torch.float32, device=device)
        else:
            mean = torch.zeros(c, device=device)
            std = torch.ones(c, device=device)
        # (x / 255 - mean) / std as one multiply-add, x * scale + offset, on bytes; and on [0, 1]
        # values (after augmentation) x * inv_std + offset.
        self.scale = (1 / (255 * std)).view(1, c, 1, 1)
        self.inv_std = (1 / std).view(1, c, 1, 1)
        self.offset = (-mean / std).view(1, c, 1, 1)

    def batch(self, split: DeviceSplit, index: torch.Tensor, train: bool) -> torch.Tensor:
        # A DDP rank's part of a step may hold no image: nothing to augment (affine_grid refuses
        # an empty batch), and flatten(1), not reshape(n, -1), which cannot size an empty one.
        x = split.images[index]
        if train and self.augment_spec is not None and x.shape[0] > 0:
            x = torch.addcmul(self.offset, augment(x, self.augment_spec, self.rng), self.inv_std)
            return x.permute(0, 2, 3, 1).flatten(1) if self.flat else x.contiguous()
        if self.flat:
            c = self.channels
            return torch.addcmul(self.offset.view(c), x.float(), self.scale.view(c)).flatten(1)
        # NCHW by shape, channels-last in memory (the bytes' own order, no copy): PyTorch then
        # runs the whole network channels-last, which its CPU convolutions do faster.
        return torch.addcmul(self.offset, x.permute(0, 3, 1, 2).float(), self.scale)
