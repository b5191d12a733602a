import os
import tempfile
import unittest

from cnn_explorer_torch.runfiles import JsonlWriter, RunWriteError, read_json, run_result, update_run, write_json_atomic


class RunFilesTest(unittest.TestCase):
    def test_json_is_replaced_atomically_without_leftovers(self):
        with tempfile.TemporaryDirectory() as d:
            file = os.path.join(d, 'run.json')
            write_json_atomic(file, {'status': 'running', 'pid': None})
            update_run(d, lambda r: r.update(status='completed'))
            self.assertEqual(read_json(file), {'status': 'completed', 'pid': None})
            self.assertEqual(os.listdir(d), ['run.json'])

    def test_lines_are_appended_whole(self):
        with tempfile.TemporaryDirectory() as d:
            w = JsonlWriter(os.path.join(d, 'metrics.jsonl'))
            w.append_line('{"type":"hello"}\n')
            w.append_line('{"type":"done"}\n')
            w.close()
            with open(os.path.join(d, 'metrics.jsonl')) as f:
                self.assertEqual(f.read(), '{"type":"hello"}\n{"type":"done"}\n')

    @unittest.skipUnless(os.path.exists('/dev/full'), 'needs /dev/full')
    def test_a_full_disk_is_one_error_naming_the_file(self):
        w = JsonlWriter('/dev/full')
        with self.assertRaises(RunWriteError) as caught:
            w.append_line('{"type":"hello"}\n')
        w.close()
        self.assertEqual(str(caught.exception), 'cannot write /dev/full: no space left on device')

    def test_the_result_reads_the_record(self):
        best = {'epoch': 2, 'test': {'loss': 0.5, 'accuracy': 0.75}, 'perClassAccuracy': [1, 0.5], 'confusionMatrix': [[1, 0], [1, 1]]}
        record = {'status': 'failed', 'error': 'boom', 'errorCode': 'internal', 'backend': {'name': 'torch'}, 'epochsCompleted': 2,
                  'bestEpoch': 2, 'best': best, 'dataset': {'classNames': ['a', 'b']}, 'trainImagesPerSecond': 10.0, 'wallSeconds': 3.0}
        result = run_result(record, 'id', '/runs/id')
        self.assertEqual(result['testAccuracy'], 0.75)
        self.assertEqual(result['classNames'], ['a', 'b'])
        self.assertEqual(result['errorCode'], 'internal')
        self.assertEqual(run_result(None, 'id', '/d')['status'], 'interrupted')
