import json
import os
import tempfile
import unittest

import torch

from cnn_explorer_torch.dataset import load_prepared
from cnn_explorer_torch.errors import TrainerError
from cnn_explorer_torch.safetensors import save_file
from tests.support import write_dataset


class PreparedDatasetTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.path = os.path.join(self.dir.name, 'd.safetensors')

    def write(self, tensors, **meta):
        base = {'format': 'cnn-explorer.dataset/1', 'classes': json.dumps(['a', 'b']), 'normalize': 'null',
                'description': 'd', 'dataset': json.dumps({'id': 'synthetic'})}
        save_file(tensors, self.path, {**base, **meta})

    def fails(self, code='dataset-corrupt'):
        with self.assertRaises(TrainerError) as caught:
            load_prepared(self.path)
        self.assertEqual(caught.exception.code, code)
        self.assertTrue(caught.exception.message.startswith(f'{self.path}: '), caught.exception.message)
        return caught.exception.message

    def splits(self, labels=(0, 1)):
        images = torch.zeros(len(labels), 2, 2, 1, dtype=torch.uint8)
        return {'train.images': images, 'train.labels': torch.tensor(labels), 'test.images': images, 'test.labels': torch.tensor(labels)}

    def test_a_whole_dataset_loads_with_its_record(self):
        write_dataset(self.path, train=8, val=4, test=4, size=4, channels=3)
        data = load_prepared(self.path)
        self.assertEqual(data.image_shape, (4, 4, 3))
        self.assertEqual((data.train.count, data.val.count, data.test.count), (8, 4, 4))
        self.assertEqual(data.mean, [0.3] * 3)
        self.assertEqual(data.record['validationCount'], 4)

    def test_a_missing_file_is_dataset_missing(self):
        self.assertIn('not found', self.fails('dataset-missing'))

    def test_labels_out_of_range_are_corrupt(self):
        self.write(self.splits(labels=(0, 2)))
        self.assertIn('train.labels has labels outside 0…1', self.fails())

    def test_another_format_is_corrupt(self):
        self.write(self.splits(), format='cnn-explorer.checkpoint/1')
        self.assertIn('not a prepared dataset', self.fails())

    def test_images_of_the_wrong_type_are_corrupt(self):
        tensors = self.splits()
        tensors['test.images'] = tensors['test.images'].float()
        self.write(tensors)
        self.assertIn('test.images must be U8', self.fails())

    def test_a_missing_split_is_corrupt(self):
        tensors = self.splits()
        del tensors['test.labels']
        self.write(tensors)
        self.assertIn('no test.labels', self.fails())
