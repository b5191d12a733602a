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


def select_rank_device(requested: str, local_rank: int, nproc_per_node: int, threads) -> torch.device:
    """A DDP rank's device (docs/distributed.md): GPU LOCAL_RANK when the node has CUDA, else the
    CPU with `threads` threads (the spec's share of the cores for one rank); never MPS, which has
    no backend for the ranks to talk over."""
    if requested == 'mps':
        raise TrainerError('config-invalid', 'a DDP run trains on CUDA GPUs or the CPU, not on mps')
    if requested not in ('auto', 'cuda', 'cpu'):
        raise TrainerError('backend-unavailable', f"spec.json: torch.device must be 'cuda', 'mps', 'cpu' or 'auto', got {requested!r}")
    if requested != 'cpu' and torch.cuda.is_available():
        count = torch.cuda.device_count()
        # Every rank checks the node's count, not only its own index: all fail alike, at once.
        if max(local_rank + 1, nproc_per_node) > count:
            raise TrainerError('config-invalid', f"--nproc-per-node {nproc_per_node} but this node has {count} CUDA device{'' if count == 1 else 's'}")
        return torch.device('cuda', local_rank)
    if requested == 'cuda':
        raise TrainerError('backend-unavailable', f'device cuda: PyTorch {torch.__version__} here sees no CUDA GPU (torch.cuda.is_available() is false)')
    if isinstance(threads, int) and threads > 0:
        torch.set_num_threads(threads)
    return torch.device('cpu')


def rank_device_label(device: torch.device) -> str:
    """A rank's device in run.json: `cpu`, `cuda:0 (NVIDIA H100 80GB HBM3)`."""
    return f'cuda:{device.index} ({torch.cuda.get_device_name(device)})' if device.type == 'cuda' else device.type


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
