"""Run folders for the tests, made as the TypeScript starter makes them (docs/torch-engine.md): a
prepared dataset, a model.py with build_model(), spec.json with its torch section, and run.json,
metrics.jsonl and checkpoints/ as the starter leaves them for the trainer."""
import contextlib
import copy
import io
import json
import os
import socket
import subprocess
import sys
import tempfile

import torch

from cnn_explorer_torch.safetensors import save_file
from cnn_explorer_torch.trainer import TrainerIO, run_trainer

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The device the tests train on: the CPU, or on a machine with a GPU `cuda` (or `mps`) to check it there.
DEVICE = os.environ.get('CNN_EXPLORER_TORCH_TEST_DEVICE', 'cpu')
CLASSES = ['a', 'b', 'c', 'd']


def free_port() -> int:
    """A loopback port free now (bound, then let go): the master port of a torchrun job."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def make_images(count: int, size: int, channels: int, generator: torch.Generator):
    """Images whose class is the quadrant that is bright, under noise: a few epochs learn it."""
    labels = torch.randint(0, len(CLASSES), (count,), generator=generator)
    images = torch.randint(0, 80, (count, size, size, channels), generator=generator, dtype=torch.int64)
    half = size // 2
    for i, k in enumerate(labels.tolist()):
        y, x = (k // 2) * half, (k % 2) * half
        images[i, y:y + half, x:x + half, :] += 150
    return images.clamp(0, 255).to(torch.uint8), labels


def write_dataset(path: str, train=256, val=0, test=64, size=8, channels=1, normalize=True, seed=0):
    g = torch.Generator()
    g.manual_seed(seed)
    tensors = {}
    for name, count in (('train', train), ('val', val), ('test', test)):
        if count:
            tensors[f'{name}.images'], tensors[f'{name}.labels'] = make_images(count, size, channels, g)
    norm = {'mean': [0.3] * channels, 'std': [0.25] * channels} if normalize else None
    record = {'id': 'synthetic', 'source': 'the tests', 'classNames': CLASSES, 'imageShape': [size, size, channels],
              'trainCount': train, 'validationCount': val, 'testCount': test, 'normalization': norm}
    save_file(tensors, path, {
        'format': 'cnn-explorer.dataset/1', 'classes': json.dumps(CLASSES), 'normalize': json.dumps(norm),
        'description': f'synthetic: {train} training, {val} validation, {test} test images from the tests',
        'dataset': json.dumps(record),
    })


# A small CNN laid out as the PyTorch export lays it out (src/interop/torchNames.ts): a block
# `features` as a submodule attribute, each layer an attribute of its block.
CNN_PY = '''
import torch
from torch import nn
import torch.nn.functional as F


class Features(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv2d_1 = nn.Conv2d(CHANNELS, 4, 3, padding=1)
        self.batchNorm_1 = nn.BatchNorm2d(4)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.batchNorm_1(self.conv2d_1(x))), 2)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = Features()
        self.dense_1 = nn.Linear(4 * (SIZE // 2) ** 2, OUTPUTS)

    def forward(self, x):
        return LAST(self.dense_1(torch.flatten(self.features(x), 1)))


def build_model():
    return Model()
'''

# A flat input ([features]) and one dense layer: no batch norm, so lr 0 changes nothing at all.
MLP_PY = '''
from torch import nn


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense_1 = nn.Linear(FEATURES, OUTPUTS)

    def forward(self, x):
        return self.dense_1(x)


def build_model():
    return Model()
'''

def _node(node_id, op, inputs, groups=(), name=None):
    return {'id': node_id, 'name': name or node_id.split('/')[-1], 'path': node_id, 'op': op, 'inputs': list(inputs),
            'groups': list(groups), 'source': {'file': '/models/test.cnn.ts', 'line': 3, 'column': 1, 'endLine': 3, 'endColumn': 9}}


def cnn_ir(size=8, channels=1, last=None):
    conv = {'type': 'conv2d', 'filters': 4, 'kernel': [3, 3], 'stride': [1, 1], 'padding': [1, 1], 'dilation': [1, 1],
            'groups': 1, 'bias': True, 'activation': None}
    nodes = [
        _node('features/conv2d_1', conv, ['@input'], ['g1']),
        _node('features/batchNorm_1', {'type': 'batchNorm', 'epsilon': 1e-5, 'momentum': 0.1}, ['features/conv2d_1'], ['g1']),
        _node('features/relu_1', {'type': 'relu'}, ['features/batchNorm_1'], ['g1']),
        _node('features/maxPool2d_1', {'type': 'maxPool2d', 'kernel': [2, 2], 'stride': [2, 2], 'padding': [0, 0], 'ceilMode': False},
              ['features/relu_1'], ['g1']),
        _node('flatten_1', {'type': 'flatten'}, ['features/maxPool2d_1']),
        _node('dense_1', {'type': 'dense', 'units': 4, 'bias': True, 'activation': last}, ['flatten_1']),
    ]
    return {'kind': 'cnn-explorer.model', 'name': 'Tiny', 'inputShape': [size, size, channels], 'nodes': nodes,
            'groups': [{'id': 'g1', 'name': 'features', 'kind': 'block', 'parent': None, 'source': None}],
            'output': 'dense_1', 'source': {'file': '/models/test.cnn.ts', 'line': 1, 'column': 1, 'endLine': 9, 'endColumn': 2}}


CNN_MODULE_NAMES = {'features/conv2d_1': 'features.conv2d_1', 'features/batchNorm_1': 'features.batchNorm_1', 'dense_1': 'dense_1'}


def mlp_ir(features):
    return {'kind': 'cnn-explorer.model', 'name': 'Flat', 'inputShape': [features], 'groups': [], 'output': 'dense_1', 'source': None,
            'nodes': [_node('dense_1', {'type': 'dense', 'units': 4, 'bias': True, 'activation': None}, ['@input'])]}


def default_config(**changes):
    config = {
        'dataset': 'synthetic', 'epochs': 1, 'batchSize': 32, 'seed': 7,
        'optimizer': {'type': 'adam', 'lr': 0.01, 'weightDecay': 0},
        'schedule': None, 'augment': None, 'normalize': None, 'validationSplit': 0, 'earlyStopping': None,
        'permutePixels': None, 'initFrom': None, 'freeze': None,
    }
    config.update(copy.deepcopy(changes))
    return config


class RunFolder:
    """A run folder as the starter leaves it, in a temporary folder removed with `cleanup()`."""

    def __init__(self, config=None, model='cnn', size=8, channels=1, outputs=4, last=None, dataset=None, init_from=None):
        self.tmp = tempfile.TemporaryDirectory(prefix='cnn-torch-test-')
        root = self.tmp.name
        self.runs_dir = os.path.join(root, 'runs')
        self.run_id = '20261205-030000-tiny-abcd'
        self.dir = os.path.join(self.runs_dir, self.run_id)
        os.makedirs(os.path.join(self.dir, 'checkpoints'))
        self.data = os.path.join(root, 'dataset.safetensors')
        write_dataset(self.data, **(dataset or {'size': size, 'channels': channels}))
        self.module = os.path.join(self.dir, 'model.py')
        final = {None: '', 'softmax': 'F.softmax', 'logSoftmax': 'F.log_softmax'}[last]
        if model == 'cnn':
            text = CNN_PY.replace('CHANNELS', str(channels)).replace('SIZE', str(size)).replace('OUTPUTS', str(outputs))
            text = text.replace('LAST(self.dense_1(torch.flatten(self.features(x), 1)))',
                                f'{final}(self.dense_1(torch.flatten(self.features(x), 1)){", dim=1" if final else ""})')
            ir, names = cnn_ir(size, channels, last), CNN_MODULE_NAMES
        else:
            text = MLP_PY.replace('FEATURES', str(size * size * channels)).replace('OUTPUTS', str(outputs))
            ir, names = mlp_ir(size * size * channels), {'dense_1': 'dense_1'}
        with open(self.module, 'w') as f:
            f.write(text)
        self.config = config or default_config()
        self.spec = {
            'version': 1, 'runId': self.run_id, 'runDir': self.dir, 'runsDir': self.runs_dir,
            'model': {'file': '/models/test.cnn.ts', 'exportName': 'default', 'name': ir['name'], 'ir': ir},
            'config': self.config, 'overrides': [], 'data': {'baseDir': root}, 'backend': 'torch',
            'torch': {'python': sys.executable, 'module': self.module, 'data': self.data, 'initFrom': init_from,
                      # One thread: on a machine shared with other test runs, more threads spin-wait.
                      'threads': 1, 'device': DEVICE, 'moduleNames': names},
        }
        self.spec_path = os.path.join(self.dir, 'spec.json')
        with open(self.spec_path, 'w') as f:
            json.dump(self.spec, f)
        record = {
            'version': 1, 'id': self.run_id, 'status': 'running', 'error': None, 'errorCode': None,
            'model': {'name': ir['name'], 'export': 'default'}, 'source': {'file': '/models/test.cnn.ts', 'text': '', 'sha256': ''},
            'config': self.config, 'dataset': None, 'backend': None,
            'machine': {'os': 'Linux', 'arch': 'x64', 'cpus': 2, 'cpuModel': 'test', 'memoryBytes': 1, 'node': 'v22', 'hostname': 'test'},
            'pid': None, 'startedAt': '2026-12-05T03:00:00.000Z', 'endedAt': None, 'epochsCompleted': 0, 'monitor': None,
            'bestEpoch': None, 'best': None, 'trainImagesPerSecond': None, 'wallSeconds': None, 'endedEarly': None, 'initFrom': None,
        }
        with open(os.path.join(self.dir, 'run.json'), 'w') as f:
            json.dump(record, f, indent=2)
        open(os.path.join(self.dir, 'metrics.jsonl'), 'w').close()

    def write_spec(self) -> None:
        with open(self.spec_path, 'w') as f:
            json.dump(self.spec, f)

    def run_in_process(self):
        """Runs the trainer here (no process of its own): the result and the messages sent to stdout."""
        sent = []
        # A failure's stack goes to stderr (the trainer.log of a real run): kept out of the test output.
        with contextlib.redirect_stderr(io.StringIO()) as log:
            result = run_trainer(self.spec, TrainerIO(send=sent.append, should_stop=lambda: False))
        self.stderr = log.getvalue()
        return result, [json.loads(line) for line in sent]

    def start(self) -> subprocess.Popen:
        """The trainer as its own process, as the starter runs it (trainer.log as its stderr)."""
        env = {**os.environ, 'PYTHONPATH': PYTHON_DIR, 'PYTHONDONTWRITEBYTECODE': '1'}
        log = open(os.path.join(self.dir, 'trainer.log'), 'ab')
        try:
            return subprocess.Popen([sys.executable, '-m', 'cnn_explorer_torch', self.spec_path], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=log, env=env, cwd=self.dir)
        finally:
            log.close()

    def start_torchrun(self, nproc: int, sync_batchnorm=False) -> subprocess.Popen:
        """The trainer as a DDP job, started as the launcher starts it (docs/distributed.md): the
        spec gets torch.distributed, torchrun runs `nproc` ranks on this machine. torchrun's own
        files go to the run's temporary folder; it leads its own process group, so that a test
        can end every process of the job."""
        port = free_port()
        self.spec['torch']['distributed'] = {'nprocPerNode': nproc, 'nnodes': 1, 'nodeRank': 0, 'masterAddr': '127.0.0.1',
                                             'masterPort': port, 'syncBatchNorm': sync_batchnorm}
        self.write_spec()
        env = {**os.environ, 'PYTHONPATH': PYTHON_DIR, 'PYTHONDONTWRITEBYTECODE': '1', 'OMP_NUM_THREADS': '1', 'TMPDIR': self.tmp.name}
        command = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', str(nproc), '--nnodes', '1', '--node_rank', '0',
                   '--master_addr', '127.0.0.1', '--master_port', str(port), '--max_restarts', '0', '--monitor_interval', '1',
                   '--redirects', '2', '--tee', '2', '-m', 'cnn_explorer_torch', self.spec_path]
        log = open(os.path.join(self.dir, 'trainer.log'), 'ab')
        try:
            return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env, cwd=self.dir,
                                    start_new_session=True)
        finally:
            log.close()

    def run_json(self) -> dict:
        with open(os.path.join(self.dir, 'run.json')) as f:
            return json.load(f)

    def metrics(self) -> list:
        with open(os.path.join(self.dir, 'metrics.jsonl')) as f:
            return [json.loads(line) for line in f]

    def log(self) -> str:
        try:
            with open(os.path.join(self.dir, 'trainer.log')) as f:
                return f.read()
        except OSError:
            return ''

    def checkpoint(self, which: str):
        from cnn_explorer_torch.safetensors import load_file
        base = os.path.join(self.dir, 'checkpoints', which)
        with open(os.path.join(base, 'checkpoint.json')) as f:
            meta = json.load(f)
        return load_file(os.path.join(base, 'weights.safetensors')), meta

    def build_model(self):
        from cnn_explorer_torch.model import build_model
        with contextlib.redirect_stdout(io.StringIO()):  # what model.py prints is not the test's output
            return build_model(self.module, self.spec['model']['ir'])

    def cleanup(self) -> None:
        self.tmp.cleanup()
