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


def save_checkpoint(model: nn.Module, directory: str, meta: dict) -> None:
    tmp = _sibling(directory, 'tmp')
    os.makedirs(tmp)
    try:
        save_file(state_tensors(model), os.path.join(tmp, WEIGHTS), {'format': FORMAT})
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


def _counted(key: str) -> bool:
    # BatchNorm's integer step counter is no weight: src/interop/parameters.ts leaves it out.
    return not key.endswith('num_batches_tracked')


def copy_matching_weights(model: nn.Module, path: str, name: str):
    """initFrom (src/engine/training/initFrom.ts): every state tensor whose key and shape agree is
    copied from the safetensors file; the others keep their initialisation. Returns the copied
    keys and the (key, reason) of the kept ones."""
    try:
        source = load_file(path)
    except Exception as err:
        raise TrainerError('config-invalid', f'initFrom {name}: cannot read {path} ({one_line(err)})') from err
    copied, skipped = [], []
    with torch.no_grad():
        for key, tensor in model.state_dict().items():
            found = source.get(key)
            if found is None:
                if _counted(key):
                    skipped.append((key, 'not in the checkpoint'))
            elif tuple(found.shape) != tuple(tensor.shape):
                if _counted(key):
                    skipped.append((key, f"shape [{', '.join(map(str, found.shape))}] there, [{', '.join(map(str, tensor.shape))}] here"))
            else:
                tensor.copy_(found)
                if _counted(key):
                    copied.append(key)
    return copied, skipped
