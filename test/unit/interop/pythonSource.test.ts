import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pyCall, pyNumber, pySize, PythonWriter } from '../../../src/interop/pythonSource';

// Python as black writes it: a statement too long for 88 characters splits inside its call's
// brackets (all arguments on one line if they fit, else one per line with a trailing comma), or
// puts a right-hand side without arguments in parentheses; a comment that does not fit goes on
// its own line above. Every expected text here is what black leaves unchanged.

function written(fn: (w: PythonWriter) => void): string {
  const w = new PythonWriter();
  w.block('class A:', () => w.block('def f(self):', () => fn(w)));
  return w.toString().split('\n').slice(2).join('\n');
}

test('a statement that fits stays on its line, with its comment', () => {
  assert.equal(written((w) => w.statement('self.c = ', pyCall('nn.Conv2d', ['1', '6', 'kernel_size=5']), '→ [6, 28, 28]')),
    '        self.c = nn.Conv2d(1, 6, kernel_size=5)  # → [6, 28, 28]\n');
});

test('too long: the arguments on a line of their own, else one per line', () => {
  const args = ['64', '128', 'kernel_size=3', 'stride=2', 'padding=1', 'bias=False'];
  assert.equal(written((w) => w.statement('self.conv2d_6 = ', pyCall('nn.Conv2d', args))), [
    '        self.conv2d_6 = nn.Conv2d(',
    '            64, 128, kernel_size=3, stride=2, padding=1, bias=False',
    '        )', ''].join('\n'));
  const long = ['64', '128', 'kernel_size=(3, 5)', 'stride=(2, 1)', 'padding=(1, 2)', 'dilation=(2, 3)', 'groups=64', 'bias=False'];
  assert.equal(written((w) => w.statement('self.conv2d_with_a_long_name = ', pyCall('nn.Conv2d', long))), [
    '        self.conv2d_with_a_long_name = nn.Conv2d(',
    ...long.map((a) => `            ${a},`),
    '        )', ''].join('\n'));
  assert.equal(written((w) => w.statement('self.a_really_quite_long_block_name_that_goes_on = ', pyCall('AReallyQuiteLongBlockNameThatGoesOn', []))), [
    '        self.a_really_quite_long_block_name_that_goes_on = (',
    '            AReallyQuiteLongBlockNameThatGoesOn()',
    '        )', ''].join('\n'));
});

test('a comment that does not fit goes above its statement; comments wrap at words and stay on their lines', () => {
  assert.equal(written((w) => w.statement('x = ', 'F.pad(x, (0, 1, 0, 1))', "TensorFlow's 'same' padding: the odd row or column at the bottom or right")), [
    "        # TensorFlow's 'same' padding: the odd row or column at the bottom or right",
    '        x = F.pad(x, (0, 1, 0, 1))', ''].join('\n'));
  const w = new PythonWriter();
  w.comment(`a name with\na newline and ${'word '.repeat(20)}`);
  assert.deepEqual(w.toString().split('\n').map((l) => l.length <= 88 && l.startsWith('# ')), [true, true, false]);
  assert.match(w.toString(), /^# a name with a newline and word/);
});

test('docstrings escape what would end them; numbers and sizes in Python\'s spelling', () => {
  const w = new PythonWriter();
  w.docstring('Model "A" \\ """x""" end');
  assert.equal(w.toString(), '"""Model \\"A\\" \\\\ \\"\\"\\"x\\"\\"\\" end"""\n');
  assert.deepEqual([pyNumber(2), pyNumber(2, { float: true }), pyNumber(0.0001), pyNumber(1e-7)], ['2', '2.0', '0.0001', '1e-7']);
  assert.deepEqual([pySize([3, 3]), pySize([3, 5])], ['3', '(3, 5)']);
});
