import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '../../support/paths';
import { torchPython } from '../../support/torch';

// The torch engine's own tests (python/tests, Python's unittest) run once, with the Python that
// has torch, and each is reported here as a subtest with its traceback when it fails.

interface Outcome { id: string; status: string }

function runUnittest(python: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(python, ['-m', 'unittest', 'discover', '-s', 'python/tests', '-t', 'python', '-v'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'python'), PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 10 * 60 * 1000,
    }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** `test_x (tests.test_y.Class.test_x) ... ok` lines (Python 3.11; older ones name the class only). */
function outcomes(output: string): Outcome[] {
  const found: Outcome[] = [];
  for (const line of output.split('\n')) {
    const m = /^(\w+) \(([\w.]+)\) \.\.\. (.+)$/.exec(line);
    if (!m) continue;
    const where = m[2]!.endsWith(`.${m[1]}`) ? m[2]! : `${m[2]}.${m[1]}`;
    found.push({ id: where.replace(/^tests\./, ''), status: m[3]! });
  }
  return found;
}

/** The traceback section of each failed test, by id. */
function failures(output: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const block of output.split(/^={70}$/m).slice(1)) {
    const m = /^\n?(?:FAIL|ERROR): (\w+) \(([\w.]+)\)/.exec(block);
    if (!m) continue;
    const where = m[2]!.endsWith(`.${m[1]}`) ? m[2]! : `${m[2]}.${m[1]}`;
    const id = where.replace(/^tests\./, '');
    sections.set(id, `${sections.get(id) ?? ''}${block.split(/^-{70}\nRan /m)[0]}`);
  }
  return sections;
}

test('python/tests: the torch engine (unittest)', async (t) => {
  const py = await torchPython(t);
  if (!py) return;
  const { code, output } = await runUnittest(py.python);
  const ran = /^Ran (\d+) tests? in/m.exec(output);
  const all = outcomes(output);
  assert.ok(ran, `python -m unittest did not run:\n${output}`);
  // A test that printed mid-line hides its outcome from the parser: then the whole output says it.
  assert.equal(all.length, Number(ran[1]), `not every Python test's outcome could be read:\n${output}`);
  const details = failures(output);
  for (const outcome of all) {
    await t.test(outcome.id, (st) => {
      if (outcome.status.startsWith('skipped')) {
        st.skip(outcome.status);
        return;
      }
      assert.ok(outcome.status === 'ok' || outcome.status === 'expected failure', `${outcome.status}\n${details.get(outcome.id) ?? output}`);
    });
  }
  assert.equal(code, 0, `python -m unittest exited with ${code}:\n${output}`);
});
