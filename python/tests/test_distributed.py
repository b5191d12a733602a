"""The trainer as a DDP job under torchrun (docs/distributed.md), started as the launcher starts
it: two ranks on the CPU over gloo train what one process trains, only rank 0 speaks and
writes, a stop ends both ranks after the same step, and a rank killed mid-epoch leaves no
process of the job, its peer exiting 3 (peer lost). The jobs run on the CPU (gloo) even where
CNN_EXPLORER_TORCH_TEST_DEVICE names a GPU: one GPU cannot hold two ranks, and CUDA's kernels
(TF32, cuDNN's choices) would not give one process's weights to the tolerance checked here."""
import json
import os
import signal
import threading
import unittest

import torch

from cnn_explorer_torch import distributed
from tests.support import RunFolder, default_config

try:
    import torch.distributed as dist
    AVAILABLE = dist.is_available() and dist.is_gloo_available()
except ImportError:
    AVAILABLE = False

TIMEOUT_S = 240  # a hung job is killed (every process of it) and the test fails

# A small CNN without BatchNorm or dropout: two ranks then train the very weights one process does.
CONV_PY = '''
import torch
from torch import nn
import torch.nn.functional as F


class Features(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv2d_1 = nn.Conv2d(1, 4, 3, padding=1)

    def forward(self, x):
        return F.max_pool2d(F.relu(self.conv2d_1(x)), 2)


class Model(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = Features()
        self.dense_1 = nn.Linear(4 * 4 * 4, 4)

    def forward(self, x):
        return self.dense_1(torch.flatten(self.features(x), 1))


def build_model():
    return Model()
'''

SGD = {'type': 'sgd', 'lr': 0.05, 'momentum': 0.9, 'nesterov': False, 'weightDecay': 0}


def on_the_cpu(run: RunFolder) -> RunFolder:
    run.spec['torch']['device'] = 'cpu'
    run.write_spec()
    return run


def job_processes(marker: str) -> list:
    """Pids of live processes whose command line holds `marker` (the run's spec path)."""
    found = []
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open(f'/proc/{name}/cmdline', 'rb') as f:
                cmdline = f.read().decode('utf-8', 'replace')
            with open(f'/proc/{name}/stat') as f:
                state = f.read().rsplit(')', 1)[1].split()[0]
        except OSError:
            continue
        if marker in cmdline and state != 'Z':
            found.append(int(name))
    return found


@unittest.skipUnless(AVAILABLE, 'torch.distributed with gloo is not available in this PyTorch')
class DistributedTest(unittest.TestCase):
    def folder(self, config, **kw):
        run = RunFolder(config, dataset=kw.pop('dataset', {'train': 189, 'test': 63}), **kw)
        with open(run.module, 'w') as f:
            f.write(CONV_PY)
        self.addCleanup(run.cleanup)
        return on_the_cpu(run)

    def watch(self, proc) -> None:
        """torchrun leads its own process group: a hung job is ended whole."""
        def kill():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:  # not a group's leader: the one-process trainer
                proc.kill()
        timer = threading.Timer(TIMEOUT_S, kill)
        timer.start()
        self.addCleanup(timer.cancel)

    def finish(self, proc, lines: list):
        lines += proc.stdout.read().decode('utf-8').splitlines()
        proc.wait()
        proc.stdin.close()
        proc.stdout.close()
        return proc.returncode, [json.loads(line) for line in lines]  # every stdout line is a message

    def read_until(self, proc, lines: list, kind: str) -> dict:
        while True:
            line = proc.stdout.readline().decode('utf-8')
            self.assertTrue(line, 'the job ended before a message of type ' + kind)
            lines.append(line)
            message = json.loads(line)
            if message['type'] == kind:
                return message

    def test_two_ranks_train_what_one_process_trains(self):
        # 189 images in batches of 47: each step splits 24 and 23, and the last batch holds one
        # image, so rank 1's part of it is empty; 63 test images split 32 and 31.
        config = default_config(epochs=2, batchSize=47, optimizer=SGD)
        one = self.folder(config)
        proc = one.start()
        self.watch(proc)
        code, _ = self.finish(proc, [])
        self.assertEqual(code, 0, one.log())

        two = self.folder(config)
        proc = two.start_torchrun(2)
        self.watch(proc)
        code, sent = self.finish(proc, [])
        self.assertEqual(code, 0, two.log())

        # Only rank 0 wrote to stdout: one hello, one done, and each step's record at most once.
        self.assertEqual([m['type'] for m in sent].count('hello'), 1)
        self.assertEqual(sent[-1]['type'], 'done')
        result = sent[-1]['result']
        self.assertEqual((result['status'], result['worldSize']), ('completed', 2))
        record = two.run_json()
        self.assertEqual(record['pid'], sent[0]['pid'])
        distributed = record['distributed']
        self.assertEqual({k: v for k, v in distributed.items() if k != 'ranks'},
                         {'worldSize': 2, 'nnodes': 1, 'nprocPerNode': 2, 'backend': 'gloo', 'perRankBatch': 24, 'syncBatchNorm': False})
        self.assertEqual([(r['rank'], r['device']) for r in distributed['ranks']], [(0, 'cpu'), (1, 'cpu')])
        self.assertEqual(distributed['ranks'][0]['pid'], record['pid'])
        self.assertNotEqual(distributed['ranks'][1]['pid'], record['pid'])
        backend = next(m for m in sent if m['type'] == 'backend')
        self.assertRegex(backend['detail'], r'^cpu ×2 on 1 node, DDP \(gloo\), 24 per rank, 1 thread each, torch \d')

        # The same weights, and the same evaluation, as one process.
        weights_one, _ = one.checkpoint('last')
        weights_two, _ = two.checkpoint('last')
        self.assertEqual(sorted(weights_one), sorted(weights_two))  # the module's keys, no 'module.' prefix
        for key in weights_one:
            self.assertTrue(torch.allclose(weights_one[key], weights_two[key], rtol=0, atol=1e-5), key)
        epochs_one = [m for m in one.metrics() if m['type'] == 'epoch']
        epochs_two = [m for m in two.metrics() if m['type'] == 'epoch']
        self.assertEqual([e['confusionMatrix'] for e in epochs_one], [e['confusionMatrix'] for e in epochs_two])
        self.assertEqual([e['perClassAccuracy'] for e in epochs_one], [e['perClassAccuracy'] for e in epochs_two])
        for a, b in zip(epochs_one, epochs_two):
            self.assertAlmostEqual(a['test']['loss'], b['test']['loss'], places=5)
            self.assertAlmostEqual(a['train']['loss'], b['train']['loss'], places=5)
        steps_one = [(m['epoch'], m['step'], m['loss']) for m in one.metrics() if m['type'] == 'iteration']
        steps_two = [(m['epoch'], m['step'], m['loss']) for m in two.metrics() if m['type'] == 'iteration']
        self.assertEqual([s[:2] for s in steps_one], [s[:2] for s in steps_two])
        for a, b in zip(steps_one, steps_two):
            self.assertAlmostEqual(a[2], b[2], places=5)
        self.assertEqual(sorted(os.listdir(two.dir)), sorted(os.listdir(one.dir)))  # rank 1 wrote nothing there

    def test_batchnorm_augmentation_a_validation_split_and_freezing_under_ddp(self):
        # The tests' CNN with BatchNorm; 121 images in batches of 40 leave rank 1 an empty part
        # (augmented as nothing); freezing ends after epoch 1, so DDP wraps the model again.
        config = default_config(epochs=2, batchSize=40, freeze={'layers': ['features'], 'epochs': 1, 'lrAfter': 0.005},
                                augment={'randomCrop': {'padding': 1}, 'horizontalFlip': True, 'rotation': 10})
        run = on_the_cpu(RunFolder(config, dataset={'train': 121, 'val': 31, 'test': 33}))
        self.addCleanup(run.cleanup)
        proc = run.start_torchrun(2)
        self.watch(proc)
        code, sent = self.finish(proc, [])
        self.assertEqual(code, 0, run.log())
        epochs = [m for m in sent if m['type'] == 'epoch']
        self.assertEqual([(e['epoch'], len(e['frozen']), e['lr']) for e in epochs], [(1, 4, 0.01), (2, 0, 0.005)])
        self.assertEqual([sum(map(sum, e['confusionMatrix'])) for e in epochs], [33, 33])  # both ranks' parts, summed
        self.assertEqual(run.run_json()['monitor'], 'val_accuracy')
        weights, _ = run.checkpoint('best')
        run.build_model().load_state_dict(weights)

    def stopped(self, how, torchrun_code=0):
        run = self.folder(default_config(epochs=1000, batchSize=16, optimizer=SGD))
        proc = run.start_torchrun(2)
        self.watch(proc)
        lines = []
        self.read_until(proc, lines, 'epoch')
        how(run, proc)
        code, sent = self.finish(proc, lines)
        self.assertEqual(code, torchrun_code, run.log())
        record = run.run_json()
        self.assertEqual((record['status'], record['endedEarly']), ('stopped', 'stop requested'))
        self.assertEqual([(m['type'], m.get('phase')) for m in sent[-2:]], [('status', 'stopping'), ('done', None)])
        weights, meta = run.checkpoint('last')
        self.assertEqual((meta['partial'], meta['epoch']), (True, record['epochsCompleted']))
        self.assertEqual(job_processes(run.spec_path), [])

    def test_a_stop_on_stdin_stops_both_ranks_after_the_same_step(self):
        def stop(run, proc):
            proc.stdin.write(b'{"type":"stop"}\n')
            proc.stdin.flush()
        self.stopped(stop)

    def test_sigterm_to_another_rank_stops_every_rank(self):
        # Rank 1 alone is asked: the ranks' agreement carries its stop to rank 0, which saves and reports.
        self.stopped(lambda run, proc: os.kill(run.run_json()['distributed']['ranks'][1]['pid'], signal.SIGTERM))

    def test_sigterm_to_torchrun_stops_every_rank(self):
        # What the launcher passes on: torchrun sends SIGTERM to each rank, and fails itself for
        # having been signalled; the run ends stopped all the same, and says so in `done`.
        self.stopped(lambda run, proc: proc.send_signal(signal.SIGTERM), torchrun_code=1)

    def test_a_failure_of_every_rank_is_reported_once_and_in_each_error_file(self):
        run = self.folder(default_config(), dataset={'train': 64, 'test': 16, 'size': 6})
        proc = run.start_torchrun(2)
        self.watch(proc)
        code, sent = self.finish(proc, [])
        self.assertNotEqual(code, 0)
        message = "'synthetic' has images of [6, 6, 1] but the model's input is [8, 8, 1]"
        self.assertEqual([(m['type'], m.get('code')) for m in sent if m['type'] in ('error', 'done')], [('error', 'config-invalid'), ('done', None)])
        self.assertEqual(sent[-1]['result']['errorCode'], 'config-invalid')
        # torchrun's failure report quotes the error file of each rank it saw fail (one or both):
        # the code, then the message.
        self.assertIn(f'traceback : config-invalid: {message}', run.log())
        self.assertEqual(run.run_json()['status'], 'failed')

    def test_a_rank_killed_mid_epoch_leaves_no_process_and_its_peer_exits_3(self):
        run = self.folder(default_config(epochs=1000, batchSize=16, optimizer=SGD))
        proc = run.start_torchrun(2)
        self.watch(proc)
        lines = []
        self.read_until(proc, lines, 'iteration')
        ranks = run.run_json()['distributed']['ranks']
        os.kill(ranks[1]['pid'], signal.SIGKILL)
        code, sent = self.finish(proc, lines)
        self.assertNotEqual(code, 0)
        self.assertNotIn('done', [m['type'] for m in sent])  # the launcher ends the run, not rank 0
        self.assertNotIn('error', [m['type'] for m in sent])
        self.assertIn('[default0]:rank 0 of 2: another rank went away', run.log())
        self.assertIn(': exit 3', run.log())
        self.assertEqual(job_processes(run.spec_path), [])
        self.assertEqual(run.run_json()['status'], 'running')


class PlacementTest(unittest.TestCase):
    def test_a_ddp_run_needs_both_the_environment_and_the_spec(self):
        spec = {'torch': {'distributed': {'nprocPerNode': 2, 'nnodes': 1, 'syncBatchNorm': True}}}
        env = {'RANK': '1', 'WORLD_SIZE': '2', 'LOCAL_RANK': '1'}
        saved = {k: os.environ.get(k) for k in (*env, 'LOCAL_WORLD_SIZE')}
        self.addCleanup(lambda: [os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v) for k, v in saved.items()])
        for k in saved:
            os.environ.pop(k, None)
        self.assertIsNone(distributed.placement(spec))
        os.environ.update(env)
        self.assertIsNone(distributed.placement({'torch': {}}))
        where = distributed.placement(spec)
        self.assertEqual((where.rank, where.world, where.local_rank, where.nproc_per_node, where.nnodes, where.sync_batchnorm, where.writes),
                         (1, 2, 1, 2, 1, True, False))

    def test_sync_batchnorm_without_cuda_is_refused_in_one_line(self):
        import contextlib
        import io
        from cnn_explorer_torch.trainer import TrainerIO, run_trainer
        run = on_the_cpu(RunFolder(default_config()))
        self.addCleanup(run.cleanup)
        run.spec['torch']['distributed'] = {'nprocPerNode': 2, 'nnodes': 1, 'nodeRank': 0, 'masterAddr': '127.0.0.1', 'masterPort': 1,
                                            'syncBatchNorm': True}
        where = distributed.Placement(rank=0, world=2, local_rank=0, nproc_per_node=2, nnodes=1, sync_batchnorm=True)
        with contextlib.redirect_stderr(io.StringIO()):
            result = run_trainer(run.spec, TrainerIO(send=lambda line: None, should_stop=lambda: False, placement=where))
        self.assertEqual((result['status'], result['errorCode']), ('failed', 'config-invalid'))
        self.assertRegex(result['error'], r'^--sync-batchnorm needs CUDA: PyTorch \S+ has no SyncBatchNorm on the cpu$')

    def test_parts_of_a_split_are_tensor_splits(self):
        for count in (0, 1, 5, 63, 64):
            for world in (1, 2, 3, 4):
                parts = []
                for rank in range(world):
                    group = distributed.Group.__new__(distributed.Group)
                    group.rank, group.world = rank, world
                    parts.append(group.part(count))
                expected = torch.tensor_split(torch.arange(count), world)
                self.assertEqual([list(range(a, b)) for a, b in parts], [t.tolist() for t in expected])
                self.assertEqual(group.shard(torch.arange(count)).tolist(), expected[-1].tolist())

    def test_an_empty_part_makes_an_empty_batch(self):
        from cnn_explorer_torch.augment import Random
        from cnn_explorer_torch.batches import Batcher, DeviceSplit

        class Data:
            image_shape, mean, std = (8, 8, 3), None, None
        augment = {'randomCrop': {'padding': 2}, 'horizontalFlip': True, 'rotation': 10, 'colorJitter': {'brightness': 0.2, 'hue': 0.05}}
        split = DeviceSplit(torch.zeros(4, 8, 8, 3, dtype=torch.uint8), torch.zeros(4, dtype=torch.long))
        for shape, empty in (([8, 8, 3], [0, 3, 8, 8]), ([192], [0, 192])):
            batcher = Batcher(Data(), shape, torch.device('cpu'), augment, Random(1, torch.device('cpu')))
            for train in (True, False):
                self.assertEqual(list(batcher.batch(split, torch.arange(0), train=train).shape), empty)

    def test_a_peer_going_away_is_told_from_a_failure(self):
        self.assertTrue(distributed.is_peer_lost(RuntimeError('[../gloo/transport/tcp/pair.cc:598] Connection closed by peer [127.0.0.1]:1')))
        self.assertTrue(distributed.is_peer_lost(RuntimeError('[pair.cc:589] Read error [127.0.0.1]:943: Connection reset by peer')))
        self.assertTrue(distributed.is_peer_lost(RuntimeError('NCCL communicator was aborted on rank 0.')))
        self.assertFalse(distributed.is_peer_lost(RuntimeError('CUDA out of memory. Tried to allocate 2.00 GiB')))
        self.assertFalse(distributed.is_peer_lost(ValueError('Connection closed by peer')))


if __name__ == '__main__':
    unittest.main()
