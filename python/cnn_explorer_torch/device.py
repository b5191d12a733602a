"""The device the run trains on (spec.torch.device) and how the `backend` message names it."""
import torch

from .errors import TrainerError


def _mps_available() -> bool:
    mps = getattr(torch.backends, 'mps', None)
    return mps is not None and mps.is_available()


def select_device(requested: str, threads) -> torch.device:
    if isinstance(threads, int) and threads > 0:
        # PyTorch may start with one thread where the machine has more (docs/torch-engine.md).
        torch.set_num_threads(threads)
    if requested == 'auto':
        if torch.cuda.is_available():
            return torch.device('cuda')
        return torch.device('mps') if _mps_available() else torch.device('cpu')
    if requested == 'cuda' and not torch.cuda.is_available():
        raise TrainerError('backend-unavailable', f'device cuda: PyTorch {torch.__version__} here sees no CUDA GPU (torch.cuda.is_available() is false)')
    if requested == 'mps' and not _mps_available():
        raise TrainerError('backend-unavailable', f'device mps: PyTorch {torch.__version__} here has no MPS device (torch.backends.mps.is_available() is false)')
    if requested not in ('cuda', 'mps', 'cpu'):
        raise TrainerError('backend-unavailable', f"spec.json: torch.device must be 'cuda', 'mps', 'cpu' or 'auto', got {requested!r}")
    return torch.device(requested)


def describe_device(device: torch.device) -> str:
    """The `backend` message's detail: `cuda: NVIDIA H200, torch 2.4.0`, `cpu, 2 threads, torch 1.13.1`."""
    version = f'torch {torch.__version__}'
    if device.type == 'cuda':
        return f'cuda: {torch.cuda.get_device_name(device)}, {version}'
    if device.type == 'cpu':
        n = torch.get_num_threads()
        return f"cpu, {n} thread{'' if n == 1 else 's'}, {version}"
    return f'{device.type}, {version}'


def device_label(device: torch.device) -> str:
    """The device in messages: `cuda (NVIDIA H200)`, `cpu`, `mps`."""
    return f'cuda ({torch.cuda.get_device_name(device)})' if device.type == 'cuda' else device.type
