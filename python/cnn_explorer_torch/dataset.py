"""The prepared dataset (docs/torch-engine.md): one safetensors file the starter wrote, with the
splits as uint8 NHWC images and int64 labels, and what run.json records in its metadata.
Everything in it is checked here, so that a damaged cache file is `dataset-corrupt` with one
line naming the file, never a shape error deep in a training step."""
import json
import os
from dataclasses import dataclass
from typing import Optional

import torch

from .errors import TrainerError, one_line
from .safetensors import SafetensorsError, load_file, load_metadata

FORMAT = 'cnn-explorer.dataset/1'


@dataclass
class Split:
    images: torch.Tensor  # uint8 [N, H, W, C]
    labels: torch.Tensor  # int64 [N]

    @property
    def count(self) -> int:
        return int(self.labels.shape[0])


@dataclass
class PreparedDataset:
    classes: list
    image_shape: tuple  # (H, W, C)
    train: Split
    val: Optional[Split]
    test: Split
    mean: Optional[list]  # per channel, 0–1 pixel units; None to feed [0, 1] values
    std: Optional[list]
    description: str
    record: dict  # run.json's `dataset`


_AGAIN = 'remove it and train again to prepare the dataset anew'


def _corrupt(path: str, why: str) -> TrainerError:
    return TrainerError('dataset-corrupt', f'{path}: {why}; {_AGAIN}')


def _json(meta: dict, key: str, path: str):
    if key not in meta:
        raise _corrupt(path, f'its metadata has no {key!r}')
    try:
        return json.loads(meta[key])
    except ValueError as err:
        raise _corrupt(path, f'its metadata {key!r} is not JSON ({err})') from err


def load_prepared(path: str) -> PreparedDataset:
    if not os.path.isfile(path):
        raise TrainerError('dataset-missing', f'{path}: not found: the prepared dataset is gone from the cache; train again to prepare it')
    try:
        meta = load_metadata(path) or {}
        tensors = load_file(path)
    except SafetensorsError as err:  # names the file and the damage
        raise TrainerError('dataset-corrupt', f'{one_line(err)}; {_AGAIN}') from err
    except OSError as err:
        raise _corrupt(path, f'cannot be read ({err.strerror or one_line(err)})') from err
    if meta.get('format') != FORMAT:
        raise _corrupt(path, f"not a prepared dataset (metadata format {meta.get('format')!r}, expected {FORMAT!r})")
    classes = _json(meta, 'classes', path)
    if not (isinstance(classes, list) and classes and all(isinstance(c, str) for c in classes)):
        raise _corrupt(path, 'its metadata classes is not a list of class names')
    normalize = _json(meta, 'normalize', path)
    record = _json(meta, 'dataset', path)
    if not isinstance(record, dict):
        raise _corrupt(path, 'its metadata dataset is not an object')
    description = meta.get('description') or ''

    def split(name: str, required: bool) -> Optional[Split]:
        images, labels = tensors.get(f'{name}.images'), tensors.get(f'{name}.labels')
        if images is None and labels is None and not required:
            return None
        if images is None or labels is None:
            raise _corrupt(path, f'it has no {name}.{"images" if images is None else "labels"}')
        if images.dtype != torch.uint8 or images.dim() != 4:
            raise _corrupt(path, f'{name}.images must be U8 [N, H, W, C], got {images.dtype} {list(images.shape)}')
        if labels.dtype != torch.int64 or labels.dim() != 1 or labels.shape[0] != images.shape[0]:
            raise _corrupt(path, f'{name}.labels must be I64 [{images.shape[0]}], got {labels.dtype} {list(labels.shape)}')
        if labels.numel() and (int(labels.min()) < 0 or int(labels.max()) >= len(classes)):
            raise _corrupt(path, f'{name}.labels has labels outside 0…{len(classes) - 1}')
        return Split(images, labels)

    train, val, test = split('train', True), split('val', False), split('test', True)
    shape = tuple(train.images.shape[1:])
    for name, s in (('val', val), ('test', test)):
        if s is not None and tuple(s.images.shape[1:]) != shape:
            raise _corrupt(path, f'{name}.images are {list(s.images.shape[1:])}, train.images {list(shape)}')
    if train.count == 0:
        raise _corrupt(path, 'it has no training images')
    mean = std = None
    if normalize is not None:
        try:
            mean = [float(v) for v in normalize['mean']]
            std = [float(v) for v in normalize['std']]
        except (TypeError, KeyError, ValueError) as err:
            raise _corrupt(path, 'its metadata normalize is not { "mean": number[], "std": number[] }') from err
        if len(mean) != shape[2] or len(std) != shape[2]:
            raise _corrupt(path, f'its metadata normalize has {len(mean)} means and {len(std)} stds for {shape[2]} channels')
    # The counts are the tensors' (what is trained on); the rest is the starter's record.
    record = {**record, 'classNames': classes, 'imageShape': list(shape), 'trainCount': train.count,
              'validationCount': val.count if val else 0, 'testCount': test.count,
              'normalization': record.get('normalization', {'mean': mean, 'std': std} if mean is not None else None)}
    return PreparedDataset(classes, shape, train, val, test, mean, std, description, record)
