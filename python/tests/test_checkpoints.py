import unittest

import torch

from cnn_explorer_torch.checkpoints import match_state_dict


def tensors(**shapes):
    return {k.replace('__', '.'): torch.zeros(*s) for k, s in shapes.items()}


class MatchStateDictTest(unittest.TestCase):
    def setUp(self):
        self.targets = list(tensors(conv__weight=(4, 1, 3, 3), conv__bias=(4,), bn__weight=(4,), bn__bias=(4,), bn__running_mean=(4,),
                                    bn__running_var=(4,), fc__weight=(2, 16), fc__bias=(2,)).items())

    def test_by_key_when_every_key_is_there(self):
        source = dict(self.targets)
        source['fc.weight'] = torch.zeros(3, 16)
        pairs, skipped = match_state_dict(self.targets, source)
        self.assertEqual(len(pairs), 7)
        self.assertEqual(skipped, [('fc.weight', 'shape [3,16] there, [2,16] here')])

    def test_by_position_when_the_same_architecture_has_other_names(self):
        source = {f'layer{i}.{k.rsplit(".", 1)[1]}': v for i, (k, v) in enumerate(self.targets)}
        source['layer2.num_batches_tracked'] = torch.tensor(5)
        pairs, skipped = match_state_dict(self.targets, source)
        self.assertEqual(list(pairs), [k for k, _ in self.targets])
        self.assertEqual(skipped, [])

    def test_partly_by_key_keeping_what_is_not_there(self):
        source = {'conv.weight': torch.ones(4, 1, 3, 3), 'other.weight': torch.ones(7)}
        pairs, skipped = match_state_dict(self.targets, source)
        self.assertEqual(list(pairs), ['conv.weight'])
        self.assertEqual(skipped[0], ('conv.bias', 'not in the source'))
        self.assertEqual(len(skipped), 7)

    def test_by_position_keeping_what_has_another_shape(self):
        # torchvision's weights under other names, for a model with another head (as stateDict.test.ts).
        source = {f'layer{i}.{k.rsplit(".", 1)[1]}': v for i, (k, v) in enumerate(self.targets)}
        source['layer6.weight'] = torch.zeros(1000, 16)
        source['layer7.bias'] = torch.zeros(1000)
        pairs, skipped = match_state_dict(self.targets, source)
        self.assertEqual(list(pairs), [k for k, _ in self.targets][:6])
        self.assertEqual(skipped, [('fc.weight', 'shape [1000,16] there (layer6.weight), [2,16] here'),
                                   ('fc.bias', 'shape [1000] there (layer7.bias), [2] here')])

    def test_nothing_in_common_is_an_error_naming_both_sides(self):
        with self.assertRaises(ValueError) as caught:
            match_state_dict(self.targets, {'x.weight': torch.zeros(9, 9)})
        self.assertEqual(str(caught.exception), 'model conv.weight [4,1,3,3] ≠ file x.weight [9,9]')
