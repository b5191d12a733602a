"""`python -m cnn_explorer_torch <run>/spec.json` as its own process, as the starter runs it:
messages on stdout, metrics.jsonl, run.json, stop on stdin and by SIGTERM, exit codes."""
import json
import math
import os
import signal
import subprocess
import sys
import threading
import unittest

from tests.support import DEVICE, PYTHON_DIR, RunFolder, default_config

TIMEOUT_S = 120  # a hung trainer fails the test instead of hanging the suite


class ProcessTest(unittest.TestCase):
    def folder(self, config, **kw):
        run = RunFolder(config, **kw)
        self.addCleanup(run.cleanup)
        return run

    def watch(self, proc: subprocess.Popen) -> None:
        """A trainer that hangs is killed, and the test fails, instead of the suite hanging."""
        timer = threading.Timer(TIMEOUT_S, proc.kill)
        timer.start()
        self.addCleanup(timer.cancel)

    def finish(self, proc: subprocess.Popen, lines: list):
        """The rest of stdout (through the same buffered reader as `lines`), and the exit code."""
        lines += proc.stdout.read().decode('utf-8').splitlines()
        proc.wait()
        if proc.stdin:
            proc.stdin.close()
        proc.stdout.close()
        return proc.returncode, [json.loads(line) for line in lines]

    def test_a_run_speaks_the_protocol_in_order_and_completes(self):
        run = self.folder(default_config(epochs=2))
        with open(run.module, 'a') as f:
            f.write('\nprint("model.py says hello")\n')  # stray output: trainer.log's, never stdout's
        proc = run.start()
        self.watch(proc)
        proc.stdin.close()  # the starter going away is not a stop
        stdout = []
        code, sent = self.finish(proc, stdout)  # every stdout line is a message
        self.assertEqual(code, 0, run.log())
        with open(os.path.join(run.dir, 'metrics.jsonl')) as f:
            logged = f.read().splitlines()
        self.assertTrue(set(stdout) <= set(logged))
        kinds = [(m['type'], m.get('phase')) for m in run.metrics() if m['type'] != 'iteration']
        self.assertEqual(kinds, [('hello', None), ('backend', None), ('status', 'data'), ('status', 'data'),
                                 ('status', 'training'), ('status', 'evaluating'), ('epoch', None),
                                 ('status', 'training'), ('status', 'evaluating'), ('epoch', None), ('done', None)])
        self.assertEqual(sent[0], {**sent[0], 'type': 'hello', 'protocol': 1, 'runId': run.run_id, 'pid': proc.pid})
        iterations = [m for m in run.metrics() if m['type'] == 'iteration']
        self.assertEqual([(m['epoch'], m['step']) for m in iterations], [(e, s) for e in (1, 2) for s in range(1, 9)])
        self.assertEqual([m['iteration'] for m in iterations], list(range(1, 17)))
        self.assertIn({**iterations[7]}, sent)  # the last step of an epoch always reaches stdout
        backend = next(m for m in sent if m['type'] == 'backend')
        self.assertEqual((backend['backend'], backend['reason']), ('torch', 'requested'))
        self.assertRegex(backend['detail'], r'^cpu, 1 thread, torch \d' if DEVICE == 'cpu' else f'^{DEVICE}[:,] .*torch \\d')
        self.assertIn('model.py says hello', run.log())

        record = run.run_json()
        done = sent[-1]
        self.assertEqual(done['type'], 'done')
        self.assertEqual(record['status'], 'completed')
        self.assertEqual(record['pid'], proc.pid)
        self.assertEqual(record['backend'], {'name': 'torch', 'reason': 'requested', 'detail': backend['detail']})
        self.assertEqual(record['epochsCompleted'], 2)
        self.assertEqual(record['monitor'], 'test_accuracy')
        self.assertEqual(record['best'], next(m for m in run.metrics() if m['type'] == 'epoch' and m['epoch'] == record['bestEpoch']))
        self.assertEqual(record['dataset']['trainCount'], 256)
        self.assertTrue(record['endedAt'].endswith('Z'))
        result = done['result']
        self.assertEqual((result['status'], result['epochs'], result['errorCode']), ('completed', 2, None))
        self.assertEqual(result['testAccuracy'], record['best']['test']['accuracy'])
        self.assertEqual(len(result['confusionMatrix']), 4)
        self.assertTrue(math.isclose(sum(map(sum, result['confusionMatrix'])), 64))
        for which in ('best', 'last'):
            weights, meta = run.checkpoint(which)
            run.build_model().load_state_dict(weights)
        self.assertEqual(os.listdir(os.path.join(run.dir, 'checkpoints')).__len__(), 2)

    def stopped(self, how):
        run = self.folder(default_config(epochs=1000))
        proc = run.start()
        self.watch(proc)
        lines = []
        while True:
            lines.append(proc.stdout.readline().decode('utf-8'))
            if json.loads(lines[-1])['type'] == 'epoch':
                break
        how(proc)
        code, sent = self.finish(proc, lines)
        self.assertEqual(code, 0, run.log())
        record = run.run_json()
        self.assertEqual((record['status'], record['endedEarly'], record['errorCode']), ('stopped', 'stop requested', None))
        self.assertGreaterEqual(record['epochsCompleted'], 1)
        self.assertEqual([(m['type'], m.get('phase')) for m in sent[-2:]], [('status', 'stopping'), ('done', None)])
        self.assertEqual(sent[-1]['result']['status'], 'stopped')
        weights, meta = run.checkpoint('last')
        self.assertEqual((meta['partial'], meta['epoch']), (True, record['epochsCompleted']))
        run.checkpoint('best')

    def test_a_stop_command_on_stdin_ends_the_run_stopped(self):
        def stop(proc):
            proc.stdin.write(b'not a command\n{"type":"stop"}\n')
            proc.stdin.flush()
        self.stopped(stop)

    def test_sigterm_ends_the_run_stopped(self):
        self.stopped(lambda proc: proc.send_signal(signal.SIGTERM))

    def test_an_unreadable_dataset_is_dataset_corrupt(self):
        run = self.folder(default_config())
        with open(run.data, 'wb') as f:
            f.write(b'\x10\x00\x00\x00\x00\x00\x00\x00{"not": "closed')
        proc = run.start()
        self.watch(proc)
        code, sent = self.finish(proc, [])
        self.assertEqual(code, 1)
        self.assertEqual([m['type'] for m in sent], ['hello', 'backend', 'status', 'error', 'done'])
        error = sent[3]
        self.assertEqual(error['code'], 'dataset-corrupt')
        self.assertTrue(error['message'].startswith(f'{run.data}: '), error['message'])
        self.assertEqual(len(error['message'].splitlines()), 1)
        record = run.run_json()
        self.assertEqual((record['status'], record['errorCode'], record['error']), ('failed', 'dataset-corrupt', error['message']))
        self.assertEqual(sent[-1]['result']['errorCode'], 'dataset-corrupt')
        self.assertIn('dataset-corrupt: Traceback', run.log())

    def test_without_an_argument_it_prints_its_usage_and_exits_2(self):
        env = {**os.environ, 'PYTHONPATH': PYTHON_DIR, 'PYTHONDONTWRITEBYTECODE': '1'}
        proc = subprocess.run([sys.executable, '-m', 'cnn_explorer_torch'], capture_output=True, env=env, timeout=TIMEOUT_S)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(proc.stderr.decode(), 'usage: trainer <run>/spec.json\n')
        self.assertEqual(proc.stdout, b'')


if __name__ == '__main__':
    unittest.main()
