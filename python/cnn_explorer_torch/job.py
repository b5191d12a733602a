"""A training job exported by `cnn-explorer export --format pytorch --with-training` (docs/export.md):
its train.py calls run_job, which does what CNN Explorer's starter does before a torch run (the
run folder runs/<run id>/ with run.json, an empty metrics.jsonl, checkpoints/, model.py and
spec.json, from the templates in job.json), then becomes the torch engine's trainer on it, exactly
`python -m cnn_explorer_torch <run>/spec.json`: the same process (exec), so signals, stdin,
stdout's protocol lines and the exit code are the trainer's own. Under torchrun each rank does so;
only rank 0 makes the run folder, the other ranks' spec is an unnamed file."""
import argparse
import json
import os
import platform
import secrets
import socket
import string
import subprocess
import sys
import tempfile
import time

from . import jsonfmt
from .runfiles import write_json_atomic

JOB_FORMAT = 'cnn-explorer.training-job/1'

# Keys of the training block whose values went into data.safetensors when the job was exported.
DATA_KEYS = ('dataset', 'validationSplit', 'permutePixels', 'normalize')

_ID_CHARS = string.ascii_lowercase + string.digits


class JobError(Exception):
    """A job that cannot start: the message is one line for the user."""


def read_job(job_dir: str) -> dict:
    file = os.path.join(job_dir, 'job.json')
    try:
        with open(file, encoding='utf-8') as f:
            job = json.load(f)
    except OSError as err:
        raise JobError(f'{file}: cannot be read ({err.strerror or err})') from err
    except ValueError as err:
        raise JobError(f'{file}: not valid JSON ({err})') from err
    if not isinstance(job, dict) or job.get('format') != JOB_FORMAT:
        raise JobError(f"{file}: not a CNN Explorer training job (format {JOB_FORMAT!r} expected)")
    return job


def _positive_int(config: dict, key: str) -> None:
    value = config.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise JobError(f'TRAINING[{key!r}] must be a positive integer, got {value!r}')


def check_training(exported: dict, training: dict) -> dict:
    """train.py's TRAINING, refused in one line where it asks for what the prepared data cannot give."""
    if not isinstance(training, dict):
        raise JobError('TRAINING must be a dict (the training block)')
    for key in DATA_KEYS:
        if training.get(key) != exported.get(key):
            raise JobError(f'TRAINING[{key!r}] is {training.get(key)!r}, but data.safetensors was prepared with '
                           f'{exported.get(key)!r}: export the job again to change it')
    if exported.get('validationSplit') and training.get('seed') != exported.get('seed'):
        raise JobError(f"TRAINING['seed'] drew the validation split of data.safetensors ({exported.get('seed')!r}): "
                       'export the job again to change it')
    if training.get('initFrom') != exported.get('initFrom'):
        raise JobError("TRAINING['initFrom'] was set at export (initFrom.safetensors): export the job again to change it")
    _positive_int(training, 'epochs')
    _positive_int(training, 'batchSize')
    if isinstance(training.get('seed'), bool) or not isinstance(training.get('seed'), int):
        raise JobError(f"TRAINING['seed'] must be an integer, got {training.get('seed')!r}")
    lr = (training.get('optimizer') or {}).get('lr')
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise JobError(f"TRAINING['optimizer']['lr'] must be a positive number, got {lr!r}")
    return training


def new_run_id(stem: str) -> str:
    """src/runs/store.ts's run id: the local start time, the model's part, a random suffix."""
    suffix = ''.join(secrets.choice(_ID_CHARS) for _ in range(4))
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{stem}-{suffix}"


def _cpu_model() -> str:
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown'


def _memory_bytes() -> int:
    try:
        return os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES')
    except (AttributeError, ValueError, OSError):
        return 0


def machine_info() -> dict:
    """run.json's machine, as store.ts's machineInfo names things (Node's arch names; `node` is the Python here)."""
    arch = platform.machine().lower()
    return {
        'os': f'{platform.system()} {platform.release()}',
        'arch': {'x86_64': 'x64', 'amd64': 'x64', 'aarch64': 'arm64', 'i386': 'ia32', 'i686': 'ia32'}.get(arch, arch),
        'cpus': os.cpu_count() or 1, 'cpuModel': _cpu_model(), 'memoryBytes': _memory_bytes(),
        'node': f'python {platform.python_version()}', 'hostname': socket.gethostname(),
    }


def distributed_from_env(sync_batchnorm: bool):
    """spec.json's torch.distributed (docs/distributed.md) from what torchrun told this rank; None on one process."""
    if 'RANK' not in os.environ or 'WORLD_SIZE' not in os.environ or 'LOCAL_RANK' not in os.environ:
        return None
    world = int(os.environ['WORLD_SIZE'])
    per_node = int(os.environ.get('LOCAL_WORLD_SIZE', world))
    return {
        'nprocPerNode': per_node,
        'nnodes': int(os.environ.get('GROUP_WORLD_SIZE', max(1, world // max(1, per_node)))),
        'nodeRank': int(os.environ.get('GROUP_RANK', 0)),
        'masterAddr': os.environ.get('MASTER_ADDR', '127.0.0.1'),
        'masterPort': int(os.environ.get('MASTER_PORT', 29500)),
        'syncBatchNorm': sync_batchnorm,
    }


def _make_run_dir(runs_dir: str, stem: str):
    """Created exclusively, as store.ts's createRun does: two jobs never share a run id."""
    os.makedirs(runs_dir, exist_ok=True)
    for _ in range(20):
        run_id = new_run_id(stem)
        run_dir = os.path.join(runs_dir, run_id)
        try:
            os.mkdir(run_dir)
            return run_id, run_dir
        except FileExistsError:
            continue
    raise JobError(f'cannot make a new run folder in {runs_dir}')


def prepare_run(job_dir: str, training: dict, sync_batchnorm: bool = False) -> str:
    """Makes this process's run folder and spec.json from job.json; returns spec.json's path."""
    job_dir = os.path.abspath(job_dir)
    job = read_job(job_dir)
    config = check_training(job['config'], training)
    distributed = distributed_from_env(sync_batchnorm)
    rank = int(os.environ.get('RANK', '0')) if distributed else 0
    runs_dir = os.path.join(job_dir, 'runs')
    cpus = os.cpu_count() or 1
    torch_spec = dict(job['spec']['torch'], python=sys.executable, module=os.path.join(job_dir, 'model.py'),
                      data=os.path.join(job_dir, 'data.safetensors'),
                      threads=max(1, cpus // distributed['nprocPerNode']) if distributed else cpus)
    if torch_spec.get('initFrom'):
        torch_spec['initFrom'] = os.path.join(job_dir, torch_spec['initFrom'])
    if distributed:
        torch_spec['distributed'] = distributed
    if rank != 0:
        # Other ranks write nothing (docs/distributed.md): no run folder, and rank 0's run id is
        # not theirs to know. Their spec names a folder that is never made.
        run_id = new_run_id(job['idStem'])
        spec = dict(job['spec'], runId=run_id, runDir=os.path.join(runs_dir, run_id), runsDir=runs_dir, config=config, torch=torch_spec)
        return _unnamed_spec_file(spec)
    run_id, run_dir = _make_run_dir(runs_dir, job['idStem'])
    os.makedirs(os.path.join(run_dir, 'checkpoints'), exist_ok=True)
    with open(os.path.join(run_dir, 'metrics.jsonl'), 'w', encoding='utf-8'):
        pass
    record = dict(job['run'], id=run_id, config=config, machine=machine_info(), pid=None, startedAt=jsonfmt.iso_now())
    write_json_atomic(os.path.join(run_dir, 'run.json'), record)

    # The run keeps the module it trained, as a run of the engine does (the job's may be edited later).
    module = os.path.join(run_dir, 'model.py')
    with open(torch_spec['module'], encoding='utf-8') as src, open(module, 'w', encoding='utf-8') as dst:
        dst.write(src.read())
    torch_spec['module'] = module
    spec = dict(job['spec'], runId=run_id, runDir=run_dir, runsDir=runs_dir, config=config, torch=torch_spec)
    spec_path = os.path.join(run_dir, 'spec.json')
    write_json_atomic(spec_path, spec)
    return spec_path


# Open until this process becomes the trainer, which reads them by their descriptor.
_SPEC_FILES = []


def _unnamed_spec_file(spec: dict) -> str:
    """spec.json for a rank that writes no run folder: a file with no name (nothing to clean up),
    which the trainer this process becomes opens as /dev/fd/N; a named temporary file where exec
    does not keep descriptors (Windows)."""
    if os.name != 'posix':
        fd, path = tempfile.mkstemp(prefix='cnn-explorer-spec-', suffix='.json')
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            json.dump(spec, f)
        return path
    f = tempfile.TemporaryFile('w+', encoding='utf-8')
    json.dump(spec, f)
    f.flush()
    f.seek(0)
    os.set_inheritable(f.fileno(), True)
    _SPEC_FILES.append(f)
    return f'/dev/fd/{f.fileno()}'


def _parse_args(argv: list):
    parser = argparse.ArgumentParser(prog='train.py', description='Trains the exported model with the torch engine of CNN Explorer.')
    parser.add_argument('--sync-batchnorm', action='store_true',
                        help='under torchrun: BatchNorm statistics over the global batch (CUDA only)')
    return parser.parse_args(argv)


def run_job(job_dir: str, training: dict, argv: list) -> None:
    """train.py's main: the run folder, then the trainer in this process's place. Does not return."""
    args = _parse_args(argv)
    try:
        spec_path = prepare_run(job_dir, training, args.sync_batchnorm)
    except (JobError, OSError) as err:
        sys.stderr.write(f'train.py: {err}\n')
        sys.exit(1)
    env = dict(os.environ)
    root = os.path.abspath(job_dir)
    env['PYTHONPATH'] = os.pathsep.join(p for p in (root, env.get('PYTHONPATH')) if p)
    env['PYTHONUNBUFFERED'] = '1'
    command = [sys.executable, '-m', 'cnn_explorer_torch', spec_path]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == 'posix':
        os.execve(sys.executable, command, env)
    # Where exec is not a process's replacement (Windows), the trainer is a child we wait for.
    sys.exit(subprocess.call(command, env=env))
