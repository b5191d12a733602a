"""Every field of the training block, trained for an epoch or two on the tiny dataset, with the
trainer run in this process (tests/test_process.py runs it as its own process)."""
import os
import unittest

import torch

from cnn_explorer_torch.safetensors import save_file
from tests.support import DEVICE, RunFolder, default_config


class TrainingTest(unittest.TestCase):
    def train(self, config, **folder):
        run = RunFolder(config, **folder)
        self.addCleanup(run.cleanup)
        result, sent = run.run_in_process()
        return run, result, sent

    def completed(self, config, **folder):
        run, result, sent = self.train(config, **folder)
        self.assertEqual(result['status'], 'completed', result['error'])
        return run, [m for m in run.metrics() if m['type'] == 'epoch']

    def test_each_optimizer_trains(self):
        for optimizer in ({'type': 'sgd', 'lr': 0.05, 'momentum': 0.9, 'nesterov': True, 'weightDecay': 1e-4},
                          {'type': 'sgd', 'lr': 0.05, 'momentum': 0, 'nesterov': True, 'weightDecay': 0},
                          {'type': 'adam', 'lr': 0.01, 'weightDecay': 1e-4},
                          {'type': 'adamw', 'lr': 0.01, 'weightDecay': 0.01},
                          {'type': 'rmsprop', 'lr': 0.005, 'weightDecay': 1e-4}):
            with self.subTest(optimizer=optimizer):
                run, epochs = self.completed(default_config(epochs=2, optimizer=optimizer))
                self.assertGreater(epochs[-1]['test']['accuracy'], 0.5, optimizer)

    def test_each_schedule_sets_the_rate_of_each_epoch(self):
        cases = [({'type': 'step', 'stepSize': 1, 'gamma': 0.5}, [0.01, 0.005]),
                 ({'type': 'multistep', 'milestones': [1], 'gamma': 0.1}, [0.01, 0.001]),
                 ({'type': 'cosine', 'warmupEpochs': 1}, [0.01, 0.01]),
                 ({'type': 'plateau', 'factor': 0.5, 'patience': 0}, [0.01, 0.01])]
        for schedule, rates in cases:
            with self.subTest(schedule=schedule['type']):
                run, epochs = self.completed(default_config(epochs=2, schedule=schedule))
                self.assertEqual([round(e['lr'], 10) for e in epochs], rates)

    def test_a_plateau_lowers_the_rate_and_says_so(self):
        config = default_config(epochs=3, optimizer={'type': 'sgd', 'lr': 1e-12, 'momentum': 0, 'nesterov': False, 'weightDecay': 0},
                                schedule={'type': 'plateau', 'factor': 0.5, 'patience': 0})
        run, epochs = self.completed(config, model='mlp')
        self.assertEqual([e['lr'] for e in epochs], [1e-12, 1e-12, 5e-13])
        notes = [m['message'] for m in run.metrics() if m['type'] == 'status' and m['phase'] == 'training' and not m['message'].startswith('epoch')]
        self.assertEqual(notes, ['loss on a plateau: learning rate reduced'] * 2)

    def test_augmentation_of_colour_images(self):
        augment = {'randomCrop': {'padding': 2}, 'horizontalFlip': True, 'rotation': 10,
                   'colorJitter': {'brightness': 0.2, 'contrast': 0.2, 'saturation': 0.2, 'hue': 0.05}}
        for spec in (augment, {'randomCrop': {'padding': 1}, 'horizontalFlip': True}):
            with self.subTest(augment=spec):
                self.completed(default_config(augment=spec), channels=3)

    def test_a_flat_input_and_a_validation_split(self):
        run, epochs = self.completed(default_config(epochs=2), model='mlp', dataset={'val': 64})
        record = run.run_json()
        self.assertEqual(record['monitor'], 'val_accuracy')
        self.assertEqual(record['dataset']['validationCount'], 64)
        self.assertIsNotNone(epochs[0]['val'])

    def test_early_stopping_ends_the_run_when_the_monitor_stops_improving(self):
        config = default_config(epochs=5, optimizer={'type': 'sgd', 'lr': 0, 'momentum': 0, 'nesterov': False, 'weightDecay': 0},
                                earlyStopping={'patience': 1, 'monitor': 'val_loss'})
        run, epochs = self.completed(config, model='mlp', dataset={'val': 32})
        self.assertEqual(len(epochs), 3)
        record = run.run_json()
        self.assertEqual(record['endedEarly'], 'early stopping: no better val_loss for 2 epochs')
        self.assertEqual(record['monitor'], 'val_loss')
        self.assertEqual(record['bestEpoch'], 1)

    def test_freezing_a_block_keeps_its_weights_then_lets_them_learn(self):
        config = default_config(epochs=2, freeze={'layers': ['features'], 'epochs': 1, 'lrAfter': 0.001})
        run, result, sent = self.train(config)
        self.assertEqual(result['status'], 'completed', result['error'])
        epochs = [m for m in run.metrics() if m['type'] == 'epoch']
        self.assertEqual(epochs[0]['frozen'], ['features/conv2d_1', 'features/batchNorm_1', 'features/relu_1', 'features/maxPool2d_1'])
        self.assertEqual(epochs[1]['frozen'], [])
        self.assertEqual(epochs[1]['lr'], 0.001)
        statuses = [m['message'] for m in run.metrics() if m['type'] == 'status' and m['phase'] == 'training']
        self.assertEqual(statuses[0], 'epoch 1/2 (4 layers frozen), lr 0.01')

    def test_initfrom_copies_matching_weights_and_freeze_all_but_last_keeps_them(self):
        torch.manual_seed(99)
        source = RunFolder(default_config())
        self.addCleanup(source.cleanup)
        state = {k: v for k, v in source.build_model().state_dict().items()}
        state['dense_1.weight'] = torch.zeros(3, 3)  # another head: kept as initialised
        path = os.path.join(source.tmp.name, 'init.safetensors')
        save_file(state, path)
        config = default_config(initFrom='earlier-run', freeze={'layers': 'all-but-last', 'epochs': 1, 'lrAfter': None})
        run, result, sent = self.train(config, init_from=path)
        self.assertEqual(result['status'], 'completed', result['error'])
        init = [m['message'] for m in run.metrics() if m['type'] == 'status' and m['phase'] == 'init']
        self.assertEqual(init, ['initFrom earlier-run: copied 7 weights, kept 1 as initialised (dense_1.weight: shape [3,3] there, [4,64] here)'])
        self.assertEqual(run.run_json()['initFrom'], {'runId': 'earlier-run', 'copied': 7, 'skipped': 1})
        weights, meta = run.checkpoint('best')
        epoch = meta['record']
        self.assertEqual(epoch['frozen'], ['features/conv2d_1', 'features/batchNorm_1'])
        self.assertTrue(torch.equal(weights['features.conv2d_1.weight'], state['features.conv2d_1.weight']))
        self.assertFalse(torch.equal(weights['dense_1.bias'], state['dense_1.bias']))

    def test_a_model_ending_in_softmax_is_read_as_probabilities(self):
        for last in ('softmax', 'logSoftmax'):
            with self.subTest(last=last):
                run, epochs = self.completed(default_config(epochs=2), last=last)
                self.assertGreater(epochs[-1]['test']['accuracy'], 0.5)
                self.assertLess(epochs[-1]['test']['loss'], 1.3)

    @unittest.skipUnless(DEVICE == 'cpu', 'cuDNN may sum in another order from run to run')
    def test_the_same_seed_trains_the_same_way(self):
        losses = []
        for _ in range(2):
            run, epochs = self.completed(default_config(augment={'randomCrop': {'padding': 1}, 'horizontalFlip': True}))
            losses.append([m['loss'] for m in run.metrics() if m['type'] == 'iteration'])
        self.assertEqual(losses[0], losses[1])

    def test_checkpoints_load_into_the_model(self):
        run, epochs = self.completed(default_config())
        weights, meta = run.checkpoint('best')
        self.assertEqual(meta['monitor'], 'test_accuracy')
        self.assertEqual(meta['epoch'], 1)
        run.build_model().load_state_dict(weights)
        last, meta = run.checkpoint('last')
        self.assertNotIn('partial', meta)
        self.assertEqual(meta['record']['epoch'], 1)

    def failure(self, code, config=None, **folder):
        run, result, sent = self.train(config or default_config(), **folder)
        errors = [m for m in run.metrics() if m['type'] == 'error']
        self.assertEqual([e['code'] for e in errors], [code])
        self.assertEqual(result['status'], 'failed')
        self.assertEqual(result['errorCode'], code)
        record = run.run_json()
        self.assertEqual((record['status'], record['errorCode']), ('failed', code))
        self.assertEqual(run.metrics()[-1]['type'], 'done')
        return errors[0]

    def test_a_missing_dataset_is_dataset_missing(self):
        run = RunFolder(default_config())
        self.addCleanup(run.cleanup)
        os.unlink(run.data)
        run.run_in_process()
        self.assertEqual([m['code'] for m in run.metrics() if m['type'] == 'error'], ['dataset-missing'])

    def test_a_model_with_the_wrong_classes_is_model_invalid(self):
        error = self.failure('model-invalid', outputs=3)
        self.assertEqual(error['message'], 'the model outputs [3] but the dataset has 4 classes: end the model with dense(4)')
        self.assertEqual(error['location']['line'], 3)

    def test_images_that_do_not_fit_the_input_are_config_invalid(self):
        error = self.failure('config-invalid', dataset={'size': 6})
        self.assertEqual(error['message'], "'synthetic' has images of [6, 6, 1] but the model's input is [8, 8, 1]")

    def test_a_diverging_loss_is_config_invalid(self):
        config = default_config(optimizer={'type': 'sgd', 'lr': 1e38, 'momentum': 0, 'nesterov': False, 'weightDecay': 0}, epochs=3)
        error = self.failure('config-invalid', config, model='mlp')
        self.assertRegex(error['message'], r'^the loss became (NaN|Infinity) at epoch \d, step \d+: lower the learning rate \(optimizer.lr is 1e\+38\)$')


if __name__ == '__main__':
    unittest.main()
