import unittest

import torch

from cnn_explorer_torch.augment import Random
from cnn_explorer_torch.batches import Batcher, DeviceSplit
from cnn_explorer_torch.dataset import PreparedDataset, Split


class BatcherTest(unittest.TestCase):
    def setUp(self):
        g = torch.Generator().manual_seed(0)
        self.images = torch.randint(0, 256, (5, 3, 4, 2), generator=g, dtype=torch.uint8)  # N, H, W, C
        split = Split(self.images, torch.zeros(5, dtype=torch.long))
        self.data = PreparedDataset(['a'], (3, 4, 2), split, None, split, [0.5, 0.25], [0.2, 0.4], '', {})
        self.split = DeviceSplit(self.images, split.labels)
        self.expected = (self.images.float() / 255 - torch.tensor([0.5, 0.25])) / torch.tensor([0.2, 0.4])  # NHWC

    def batcher(self, input_shape, augment=None):
        return Batcher(self.data, input_shape, torch.device('cpu'), augment, Random(0, torch.device('cpu')))

    def test_images_are_scaled_normalized_and_nchw(self):
        x = self.batcher([3, 4, 2]).batch(self.split, torch.tensor([3, 1]), train=False)
        self.assertEqual(list(x.shape), [2, 2, 3, 4])
        # NCHW by shape, channels-last in memory: the layout PyTorch's CPU convolutions run fastest.
        self.assertTrue(x.is_contiguous(memory_format=torch.channels_last))
        self.assertTrue(torch.allclose(x, self.expected[[3, 1]].permute(0, 3, 1, 2), atol=1e-5))

    def test_a_flat_input_takes_images_flattened_in_h_w_c_order(self):
        x = self.batcher([24]).batch(self.split, torch.tensor([0, 4]), train=False)
        self.assertTrue(torch.allclose(x, self.expected[[0, 4]].reshape(2, -1), atol=1e-5))

    def test_augmentation_applies_to_training_batches_only(self):
        batcher = self.batcher([3, 4, 2], {'horizontalFlip': True, 'randomCrop': {'padding': 1}})
        index = torch.arange(5)
        self.assertTrue(torch.allclose(batcher.batch(self.split, index, train=False), self.expected.permute(0, 3, 1, 2), atol=1e-5))
        trained = [batcher.batch(self.split, index, train=True) for _ in range(4)]
        self.assertTrue(any(not torch.allclose(t, self.expected.permute(0, 3, 1, 2), atol=1e-5) for t in trained))
        self.assertEqual(list(trained[0].shape), [5, 2, 3, 4])
