"""One rank of a DDP run under torchrun (docs/distributed.md, "Each rank"): where this process
is in the job (from torchrun's environment), its process group, and the few collectives the
trainer needs: the rank's part of a global batch, sums over ranks, the agreed stop, the ranks'
hosts and devices for run.json, and telling a peer's death apart from the rank's own failure.

DDP, the choices made here:
- Placement reads only the environment and the spec, and this module imports torch inside the
  functions that need it: __main__ asks it before `hello`, which must not wait for torch.
- Collectives run on the training device (NCCL takes CUDA tensors only; gloo runs on the CPU).
- A rank's part of a step is `torch.tensor_split(global index, world)[rank]`: consecutive,
  sizes differ by at most one, and rank 0's is never empty. A rank whose part is empty (the
  last batch smaller than the world) still runs DDP's forward and backward, on zero images:
  PyTorch's modules take an empty batch, and the summed loss of no image is a zero whose
  gradients are zeros, so the rank joins DDP's allreduce without changing the sum.
- A rank's own failure is written for torchrun to $TORCHELASTIC_ERROR_FILE as torchelastic's
  own error files are (a message and a timestamp), and exits 1; a collective that failed
  because a peer went away raises PeerLost, which exits 3 and writes nothing: the rank that
  died (or torchrun) has the story, and the launcher ends the run from it.
"""
import json
import os
import re
import socket
import time
from dataclasses import dataclass
from typing import Optional

from .errors import TrainerError

# The exit code of a rank that stopped only because another rank went away (docs/distributed.md).
PEER_LOST_EXIT = 3

# How often the ranks agree on a stop during an epoch. Each step's metrics allreduce carries
# every rank's own stop flag already; reading the agreed flag is what costs, since the host
# then waits for the device to finish every step queued before it. Every 8 steps keeps the
# device fed between reads, and a stop still lands within a few steps.
STOP_AGREE_STEPS = 8

# What gloo and NCCL say when the other end of a collective went away.
_PEER_LOST = re.compile(r'Connection closed by peer|Connection reset by peer|Broken pipe|communicator was aborted'
                        r'|remote process exited|ncclRemoteError|NCCL communicator.*abort', re.IGNORECASE)


class PeerLost(Exception):
    """A collective failed because another rank of the job went away: not this rank's failure."""


@dataclass(frozen=True)
class Placement:
    rank: int
    world: int
    local_rank: int
    nproc_per_node: int
    nnodes: int
    sync_batchnorm: bool

    @property
    def writes(self) -> bool:
        """Only rank 0 speaks the protocol and writes the run folder."""
        return self.rank == 0

    def label(self) -> str:
        return f'rank {self.rank} of {self.world}'


def placement(spec) -> Optional[Placement]:
    """This process's place in a DDP run, or None when it is not one (no torchrun environment,
    or a spec without torch.distributed): then the trainer runs as one process, as before."""
    torch_spec = spec.get('torch') if isinstance(spec, dict) else None
    wanted = torch_spec.get('distributed') if isinstance(torch_spec, dict) else None
    env = [os.environ.get(k) for k in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK')]
    if not isinstance(wanted, dict) or any(v is None or v == '' for v in env):
        return None
    rank, world, local_rank = (int(v) for v in env)
    nproc = int(os.environ.get('LOCAL_WORLD_SIZE') or wanted.get('nprocPerNode') or world)
    return Placement(rank, world, local_rank, nproc, max(1, world // max(1, nproc)), bool(wanted.get('syncBatchNorm')))


def write_error_file(code: str, message: str) -> None:
    """The rank's own failure, where torchrun reads it for its failure report (no file when not under torchrun)."""
    path = os.environ.get('TORCHELASTIC_ERROR_FILE')
    if not path:
        return
    try:
        with open(path, 'w', encoding='utf-8') as f:
            json.dump({'message': f'{code}: {message}', 'timestamp': int(time.time())}, f)
    except OSError:
        pass  # torchrun then reports the exit code alone


def is_peer_lost(err: BaseException) -> bool:
    return isinstance(err, PeerLost) or (isinstance(err, RuntimeError) and bool(_PEER_LOST.search(str(err))))


def rank_seed(seed: int, rank: int) -> int:
    """A rank's seed for its own random numbers: rank 0 keeps the run's (one process's draws)."""
    return seed if rank == 0 else (seed * 1_000_003 + rank) % (1 << 63)


def per_rank_batch(batch_size: int, world: int) -> int:
    return -(-batch_size // world)


class Group:
    """The process group of this run, and the collectives the trainer makes over it."""

    def __init__(self, where: Placement, device):
        import torch
        import torch.distributed as dist
        self.where = where
        self.rank, self.world = where.rank, where.world
        self.device = device
        self.backend = 'nccl' if device.type == 'cuda' else 'gloo'
        available = dist.is_available() and (dist.is_nccl_available() if self.backend == 'nccl' else dist.is_gloo_available())
        if not available:
            raise TrainerError('backend-unavailable', f'PyTorch {torch.__version__} here was built without torch.distributed {self.backend}: it cannot run a DDP job on {device.type}')
        if device.type == 'cuda':
            torch.cuda.set_device(device)  # NCCL's object collectives use the current device
        dist.init_process_group(self.backend)
        # The two values of a rank's own stop flag, made once: one from the host per step would
        # wait for the device's queue.
        self._flags = (torch.zeros(1, dtype=torch.float64, device=device), torch.ones(1, dtype=torch.float64, device=device))

    def shard(self, index):
        """This rank's consecutive part of a global batch's index."""
        import torch
        return torch.tensor_split(index, self.world)[self.rank]

    def part(self, count: int):
        """[first, end) of this rank's part of `count` items, split as shard() splits an index."""
        size, extra = divmod(count, self.world)
        first = self.rank * size + min(self.rank, extra)
        return first, first + size + (1 if self.rank < extra else 0)

    def step_sums(self, loss_sum, correct, own_stop: bool):
        """[loss sum, correct, ranks wanting to stop] of one step, summed over ranks (stays on the device)."""
        import torch
        import torch.distributed as dist
        stats = torch.cat([torch.stack([loss_sum.detach().to(torch.float64), correct.to(torch.float64)]), self._flags[bool(own_stop)]])
        dist.all_reduce(stats)
        return stats

    def sum_(self, tensor):
        """The tensor summed over ranks, in place."""
        import torch.distributed as dist
        dist.all_reduce(tensor)
        return tensor

    def agree_stop(self, own: bool) -> bool:
        """True on every rank when any rank wants to stop."""
        import torch.distributed as dist
        flag = self._flags[bool(own)].clone()
        dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return bool(flag.item() > 0)

    def broadcast_buffers(self, module) -> None:
        """Rank 0's buffers (BatchNorm's running statistics) on every rank, as its checkpoint has them."""
        import torch.distributed as dist
        for buffer in module.buffers():
            dist.broadcast(buffer, 0)

    def wrap(self, module):
        from torch.nn.parallel import DistributedDataParallel
        if self.device.type == 'cuda':
            return DistributedDataParallel(module, device_ids=[self.device.index], output_device=self.device.index)
        return DistributedDataParallel(module)

    def gather_ranks(self, device_text: str) -> list:
        """Every rank's host, pid and device, in rank order (run.json's `distributed.ranks`)."""
        import torch.distributed as dist
        mine = {'rank': self.rank, 'host': socket.gethostname(), 'pid': os.getpid(), 'device': device_text}
        ranks = [None] * self.world
        dist.all_gather_object(ranks, mine)
        return ranks

    def finish(self) -> None:
        """A normal end: every rank waits for the others (rank 0 writes last), then leaves the group."""
        import torch.distributed as dist
        try:
            dist.barrier()
        except RuntimeError:
            pass  # the run has ended and said so; a peer leaving now changes nothing
        dist.destroy_process_group()


def record(group: Group, batch_size: int, ranks: list) -> dict:
    """run.json's `distributed` (DistributedRecord in src/runs/types.ts)."""
    w = group.where
    return {'worldSize': w.world, 'nnodes': w.nnodes, 'nprocPerNode': w.nproc_per_node, 'backend': group.backend,
            'perRankBatch': per_rank_batch(batch_size, w.world), 'syncBatchNorm': w.sync_batchnorm, 'ranks': ranks}


def describe(group: Group, batch_size: int) -> str:
    """The backend message's detail: `cpu ×2 on 1 node, DDP (gloo), 32 per rank, 1 thread each, torch 1.13.1`,
    `cuda ×4 on 1 node (NVIDIA H100 80GB HBM3), DDP (nccl), 64 per rank, torch 2.4.0`."""
    import torch
    w = group.where
    nodes = f"{w.nnodes} node{'' if w.nnodes == 1 else 's'}"
    per_rank = f'{per_rank_batch(batch_size, w.world)} per rank'
    version = f'torch {torch.__version__}'
    if group.device.type == 'cuda':
        return f'cuda ×{w.world} on {nodes} ({torch.cuda.get_device_name(group.device)}), DDP ({group.backend}), {per_rank}, {version}'
    n = torch.get_num_threads()
    return f"cpu ×{w.world} on {nodes}, DDP ({group.backend}), {per_rank}, {n} thread{'' if n == 1 else 's'} each, {version}"
