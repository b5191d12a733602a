import json
import math
import unittest

from cnn_explorer_torch import jsonfmt


class JsonFormatTest(unittest.TestCase):
    def test_numbers_print_as_javascript_prints_them(self):
        cases = {0.001: '0.001', 1e-7: '1e-7', 1.5e-6: '0.0000015', 123.0: '123', 1e21: '1e+21', -0.03: '-0.03', 2.5: '2.5', 0.0: '0'}
        for value, text in cases.items():
            self.assertEqual(jsonfmt.js_number(value), text, value)

    def test_learning_rate_keeps_two_significant_digits(self):
        self.assertEqual(jsonfmt.learning_rate(0.00123456), '0.0012')
        self.assertEqual(jsonfmt.learning_rate(0.1), '0.1')
        self.assertEqual(jsonfmt.learning_rate(3e-7), '3e-7')

    def test_non_finite_numbers_are_written_as_null(self):
        line = jsonfmt.line({'a': math.nan, 'b': [1.0, math.inf], 'c': 'x'})
        self.assertEqual(line, '{"a":null,"b":[1.0,null],"c":"x"}\n')
        self.assertEqual(json.loads(jsonfmt.pretty({'a': math.nan})), {'a': None})

    def test_iso_time_has_milliseconds_and_z(self):
        self.assertRegex(jsonfmt.iso_now(), r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$')
