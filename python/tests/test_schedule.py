import unittest

from cnn_explorer_torch.schedule import LrSchedule


class ScheduleTest(unittest.TestCase):
    def rates(self, spec, epochs=6, base=0.1):
        s = LrSchedule(spec, epochs)
        return [round(s.lr_at(e, base), 10) for e in range(epochs)]

    def test_step_multiplies_by_gamma_every_step_size_epochs(self):
        self.assertEqual(self.rates({'type': 'step', 'stepSize': 2, 'gamma': 0.5}), [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])

    def test_multistep_counts_milestones_reached(self):
        self.assertEqual(self.rates({'type': 'multistep', 'milestones': [2, 4], 'gamma': 0.1}), [0.1, 0.1, 0.01, 0.01, 0.001, 0.001])

    def test_cosine_warms_up_linearly_then_decays_to_the_end(self):
        rates = self.rates({'type': 'cosine', 'warmupEpochs': 2}, epochs=6)
        self.assertEqual(rates[:3], [0.05, 0.1, 0.1])
        self.assertAlmostEqual(rates[4], 0.05)
        self.assertTrue(rates[5] < rates[4])

    def test_plateau_lowers_the_rate_after_patience_epochs_without_improvement(self):
        s = LrSchedule({'type': 'plateau', 'factor': 0.5, 'patience': 1}, 10)
        self.assertFalse(s.observe(1.0))
        self.assertFalse(s.observe(1.0))
        self.assertTrue(s.observe(1.0))
        self.assertAlmostEqual(s.lr_at(3, 0.1), 0.05)
        self.assertFalse(s.observe(0.5))

    def test_no_schedule_keeps_the_base_rate(self):
        self.assertEqual(self.rates(None, epochs=2), [0.1, 0.1])
