"""Checkpoints (docs/run-folder.md, docs/torch-engine.md): `weights.safetensors` with the model's
state_dict (PyTorch's keys and layouts, which both engines read) and `checkpoint.json`, written
complete in a temporary folder beside the target and swapped in, as the tfjs engine's
src/engine/training/checkpoints.ts does, so that a reader never sees weights of two epochs."""
import os
import secrets
import shutil

import torch
from torch import nn

from . import jsonfmt
from .errors import TrainerError, one_line
from .safetensors import load_file, save_file

WEIGHTS = 'weights.safetensors'
META = 'checkpoint.json'
FORMAT = 'cnn-explorer.checkpoint/1'


def _sibling(directory: str, tag: str) -> str:
    return f'{directory}.{tag}-{os.getpid()}-{secrets.token_hex(3)}'


def state_tensors(model: nn.Module) -> dict:
    """The state_dict on the CPU, each tensor its own contiguous storage (as safetensors stores it)."""
    return {k: v.detach().to('cpu').contiguous() for k, v in model.state_dict().items()}


def save_checkpoint(model: nn.Module, directory: str, meta: dict, model_name: str) -> None:
    tmp = _sibling(directory, 'tmp')
    os.makedirs(tmp)
    try:
        save_file(state_tensors(model), os.path.join(tmp, WEIGHTS), {'format': FORMAT, 'model': model_name, 'epoch': str(meta['epoch'])})
        with open(os.path.join(tmp, META), 'w', encoding='utf-8') as f:
            f.write(jsonfmt.pretty(meta))
        # Swap: the old folder moves aside, the new one takes its name, the old one goes.
        old = _sibling(directory, 'old')
        had_old = os.path.exists(directory)
        if had_old:
            os.rename(directory, old)
        os.rename(tmp, directory)
        if had_old:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


_ROLES = ('weight', 'bias', 'running_mean', 'running_var')


def _role(key: str) -> str:
    return key[key.rfind('.') + 1:]


def _shape(shape) -> str:
    return f"[{','.join(map(str, shape))}]"


def match_state_dict(targets: list, source: dict):
    """Which source tensor goes to which model tensor, as src/weights/stateDict.ts matchStateDict
    (partial) decides for the tfjs engine: by key when the source has every key of the model;
    else by position when the tensors line up one for one (the same architecture under other
    names, e.g. torchvision's); else by key where key and shape agree, keeping the rest; else by
    position where the roles line up one for one, keeping the tensors whose shapes differ
    (torchvision's ImageNet weights under a new head or first layer). Returns
    ({model key: source tensor}, [(model key, why kept)]); raises ValueError when nothing fits.
    BatchNorm's integer counter num_batches_tracked is no weight, and is not counted."""
    entries = [(k, v) for k, v in source.items() if _role(k) != 'num_batches_tracked']
    if all(k in source for k, _ in targets):
        pairs, skipped = {}, []
        for key, t in targets:
            if tuple(source[key].shape) == tuple(t.shape):
                pairs[key] = source[key]
            else:
                skipped.append((key, f'shape {_shape(source[key].shape)} there, {_shape(t.shape)} here'))
        return pairs, skipped
    mismatch = _first_mismatch(targets, entries)
    if mismatch is None:
        return {key: entries[i][1] for i, (key, _) in enumerate(targets)}, []
    if any(k in source and tuple(source[k].shape) == tuple(t.shape) for k, t in targets):
        pairs, skipped = {}, []
        for key, t in targets:
            s = source.get(key)
            if s is None:
                skipped.append((key, 'not in the source'))
            elif tuple(s.shape) != tuple(t.shape):
                skipped.append((key, f'shape {_shape(s.shape)} there, {_shape(t.shape)} here'))
            else:
                pairs[key] = s
        return pairs, skipped
    if len(targets) == len(entries) and all(_role(k) not in _ROLES or _role(k) == _role(tkey) for (tkey, _), (k, _) in zip(targets, entries)):
        pairs, skipped = {}, []
        for (tkey, t), (key, s) in zip(targets, entries):
            if tuple(s.shape) == tuple(t.shape):
                pairs[tkey] = s
            else:
                skipped.append((tkey, f'shape {_shape(s.shape)} there ({key}), {_shape(t.shape)} here'))
        if pairs:
            return pairs, skipped
    raise ValueError(mismatch)


def _first_mismatch(targets: list, entries: list):
    n = min(len(targets), len(entries))
    for (tkey, t), (key, s) in zip(targets[:n], entries[:n]):
        role = _role(key)
        if (role in _ROLES and role != _role(tkey)) or tuple(s.shape) != tuple(t.shape):
            return f'model {tkey} {_shape(t.shape)} ≠ file {key} {_shape(s.shape)}'
    if len(targets) == len(entries):
        return None
    if len(targets) > len(entries):
        extra = f"the first without a match is the model's {targets[n][0]} {_shape(targets[n][1].shape)}"
    else:
        extra = f"the first without a match is the file's {entries[n][0]} {_shape(entries[n][1].shape)}"
    return f'the model has {len(targets)} tensors, the file {len(entries)} (num_batches_tracked not counted); {extra}'


def copy_matching_weights(model: nn.Module, path: str, name: str):
    """initFrom: the safetensors file's tensors copied into the model where they fit
    (match_state_dict); the others keep their initialisation. Returns the copied keys and the
    (key, reason) of the kept ones."""
    try:
        source = load_file(path)
    except Exception as err:
        raise TrainerError('config-invalid', f'initFrom {name}: cannot read {path} ({one_line(err)})') from err
    state = model.state_dict()
    targets = [(k, v) for k, v in state.items() if _role(k) != 'num_batches_tracked']
    try:
        pairs, skipped = match_state_dict(targets, source)
    except ValueError as err:
        raise TrainerError('config-invalid', f'initFrom {name}: {err}') from err
    with torch.no_grad():
        for key, tensor in pairs.items():
            state[key].copy_(tensor)
    return list(pairs), skipped
