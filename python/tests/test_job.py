import json
import os
import re
import tempfile
import unittest
from unittest import mock

from cnn_explorer_torch.job import JOB_FORMAT, JobError, check_training, prepare_run

CONFIG = {
    'dataset': 'mnist', 'epochs': 1, 'batchSize': 16, 'seed': 0,
    'optimizer': {'type': 'adam', 'lr': 0.005, 'weightDecay': 0}, 'schedule': None, 'augment': None,
    'normalize': {'mean': [0.1307], 'std': [0.3081]}, 'validationSplit': 0, 'earlyStopping': None,
    'permutePixels': None, 'initFrom': None, 'freeze': None,
}

TORCHRUN_ENV = ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'LOCAL_WORLD_SIZE', 'GROUP_WORLD_SIZE', 'GROUP_RANK', 'MASTER_ADDR', 'MASTER_PORT')


def write_job(job_dir: str) -> None:
    """A job folder as `export --with-training` writes one (job.json's templates, model.py)."""
    job = {
        'format': JOB_FORMAT, 'idStem': 'lenet-5', 'config': CONFIG,
        'spec': {'version': 1, 'runId': None, 'runDir': None, 'runsDir': None, 'config': CONFIG, 'overrides': [],
                 'model': {'name': 'LeNet-5'}, 'backend': 'torch',
                 'torch': {'python': None, 'module': None, 'data': None, 'initFrom': None, 'threads': None,
                           'device': 'auto', 'moduleNames': {}, 'reason': 'exported training job'}},
        'run': {'version': 1, 'id': None, 'status': 'running', 'config': CONFIG, 'machine': None, 'pid': None,
                'startedAt': None, 'dataset': None},
    }
    with open(os.path.join(job_dir, 'job.json'), 'w', encoding='utf-8') as f:
        json.dump(job, f)
    with open(os.path.join(job_dir, 'model.py'), 'w', encoding='utf-8') as f:
        f.write('def build_model():\n    raise NotImplementedError\n')


def without_torchrun():
    return mock.patch.dict(os.environ, {k: v for k, v in os.environ.items() if k not in TORCHRUN_ENV}, clear=True)


class CheckTrainingTest(unittest.TestCase):
    def test_what_the_data_does_not_fix_may_change(self):
        edited = dict(CONFIG, epochs=5, batchSize=64, seed=3, optimizer={'type': 'sgd', 'lr': 0.1, 'momentum': 0.9, 'nesterov': False, 'weightDecay': 0})
        self.assertEqual(check_training(CONFIG, edited), edited)

    def test_what_the_data_fixes_is_refused_in_one_line(self):
        cases = [
            (dict(CONFIG, dataset='cifar10'), "TRAINING['dataset'] is 'cifar10', but data.safetensors was prepared with 'mnist'"),
            (dict(CONFIG, permutePixels=42), "TRAINING['permutePixels'] is 42"),
            (dict(CONFIG, epochs=0), "TRAINING['epochs'] must be a positive integer, got 0"),
            (dict(CONFIG, optimizer={'type': 'adam', 'lr': -1, 'weightDecay': 0}), "TRAINING['optimizer']['lr'] must be a positive number, got -1"),
        ]
        for training, message in cases:
            with self.assertRaises(JobError) as caught:
                check_training(CONFIG, training)
            self.assertIn(message, str(caught.exception))
            self.assertNotIn('\n', str(caught.exception))

    def test_the_seed_is_fixed_when_it_drew_the_validation_split(self):
        split = dict(CONFIG, validationSplit=0.1)
        with self.assertRaises(JobError):
            check_training(split, dict(split, seed=1))


class PrepareRunTest(unittest.TestCase):
    def test_one_process_makes_the_run_folder_as_the_starter_does(self):
        with tempfile.TemporaryDirectory() as d, without_torchrun():
            write_job(d)
            spec_path = prepare_run(d, dict(CONFIG, epochs=2))
            run_dir = os.path.dirname(spec_path)
            self.assertEqual(os.path.dirname(run_dir), os.path.join(d, 'runs'))
            self.assertRegex(os.path.basename(run_dir), r'^\d{8}-\d{6}-lenet-5-[a-z0-9]{4}$')
            self.assertEqual(sorted(os.listdir(run_dir)), ['checkpoints', 'metrics.jsonl', 'model.py', 'run.json', 'spec.json'])
            with open(spec_path, encoding='utf-8') as f:
                spec = json.load(f)
            with open(os.path.join(run_dir, 'run.json'), encoding='utf-8') as f:
                run = json.load(f)
            self.assertEqual((spec['runId'], spec['runDir'], run['id']), (os.path.basename(run_dir), run_dir, os.path.basename(run_dir)))
            self.assertEqual((spec['config']['epochs'], run['config']['epochs']), (2, 2))
            self.assertEqual(spec['torch']['module'], os.path.join(run_dir, 'model.py'))
            self.assertEqual(spec['torch']['data'], os.path.join(d, 'data.safetensors'))
            self.assertNotIn('distributed', spec['torch'])
            self.assertTrue(re.match(r'^\d{4}-\d\d-\d\dT', run['startedAt']))
            self.assertEqual(set(run['machine']), {'os', 'arch', 'cpus', 'cpuModel', 'memoryBytes', 'node', 'hostname'})

    def test_under_torchrun_rank_0_writes_the_run_and_the_spec_asks_for_ddp(self):
        env = {'RANK': '0', 'WORLD_SIZE': '4', 'LOCAL_RANK': '0', 'LOCAL_WORLD_SIZE': '2', 'GROUP_WORLD_SIZE': '2',
               'GROUP_RANK': '0', 'MASTER_ADDR': 'node0', 'MASTER_PORT': '29500'}
        with tempfile.TemporaryDirectory() as d, without_torchrun(), mock.patch.dict(os.environ, env):
            write_job(d)
            spec_path = prepare_run(d, CONFIG, sync_batchnorm=True)
            with open(spec_path, encoding='utf-8') as f:
                spec = json.load(f)
            self.assertEqual(os.path.dirname(os.path.dirname(spec_path)), os.path.join(d, 'runs'))
            self.assertEqual(spec['torch']['distributed'], {'nprocPerNode': 2, 'nnodes': 2, 'nodeRank': 0, 'masterAddr': 'node0',
                                                            'masterPort': 29500, 'syncBatchNorm': True})
            self.assertEqual(spec['torch']['threads'], max(1, (os.cpu_count() or 1) // 2))

    def test_other_ranks_write_nothing_in_the_job(self):
        env = {'RANK': '1', 'WORLD_SIZE': '2', 'LOCAL_RANK': '1', 'LOCAL_WORLD_SIZE': '2'}
        with tempfile.TemporaryDirectory() as d, without_torchrun(), mock.patch.dict(os.environ, env):
            write_job(d)
            spec_path = prepare_run(d, CONFIG)
            with open(spec_path, encoding='utf-8') as f:
                spec = json.load(f)
            self.assertFalse(os.path.exists(os.path.join(d, 'runs')))
            self.assertEqual(spec['torch']['module'], os.path.join(d, 'model.py'))
            self.assertEqual(spec['torch']['distributed']['nnodes'], 1)

    def test_a_job_json_that_is_not_one_is_one_line(self):
        with tempfile.TemporaryDirectory() as d, without_torchrun():
            with open(os.path.join(d, 'job.json'), 'w', encoding='utf-8') as f:
                f.write('{"format": "something else"}')
            with self.assertRaises(JobError) as caught:
                prepare_run(d, CONFIG)
            self.assertIn('not a CNN Explorer training job', str(caught.exception))


if __name__ == '__main__':
    unittest.main()
