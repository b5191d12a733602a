import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { EXAMPLES_DIR, REPO_ROOT } from '../../support/paths';
import { torchPython } from '../../support/torch';
import { runCli } from '../../support/cli';

// `cnn-explorer train --backend torch` end to end, as users run it: the bundles in dist/ (npm test
// builds them first), the Python trainer found beside them, LeNet-5 on a few hundred MNIST images
// for one epoch; then `runs show` reads the run like any other.

const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-cli-torch-'));
process.on('exit', () => fs.rmSync(runsDir, { recursive: true, force: true }));
const cliJs = path.join(REPO_ROOT, 'dist', 'cli.js');

const cli = (args: string[]) => runCli(args, { cwd: runsDir, built: true });

test('train --backend torch completes, and runs show reads the run', async (t) => {
  const torch = await torchPython(t);
  if (!torch) return;
  assert.ok(fs.existsSync(cliJs) && fs.existsSync(path.join(REPO_ROOT, 'dist', 'torchTrainer.js')), 'dist/ is built (node esbuild.mjs)');
  const r = await cli(['train', path.join(EXAMPLES_DIR, 'lenet.cnn.ts'), '--backend', 'torch', '--python', torch.python,
    '--epochs', '1', '--limit-train', '500', '--limit-test', '200', '--runs-dir', runsDir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^backend torch \(cpu, \d+ threads?, torch [\d.a-z]+\): requested$/m);
  const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { status: string; backend: string; runId: string; epochs: number };
  assert.deepEqual([result.status, result.backend, result.epochs], ['completed', 'torch', 1]);
  const record = JSON.parse(fs.readFileSync(path.join(runsDir, result.runId, 'run.json'), 'utf8')) as { backend: { name: string } };
  assert.equal(record.backend.name, 'torch');

  const show = await cli(['runs', 'show', result.runId, '--runs-dir', runsDir]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /status\s+completed/);
  assert.match(show.stdout, /backend\s+torch: requested/);
});

test('train --backend torch with a --python that has no torch: one line, exit 1', async () => {
  const r = await cli(['train', path.join(EXAMPLES_DIR, 'lenet.cnn.ts'), '--backend', 'torch', '--python', path.join(runsDir, 'no-such-python'),
    '--limit-train', '100', '--limit-test', '100', '--runs-dir', runsDir]);
  assert.equal(r.code, 1);
  const last = r.stderr.trim().split('\n').at(-1)!;
  assert.match(last, /backend 'torch' is not available: PyTorch was not found: .*no-such-python \(--python\): not found\. Install PyTorch/);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack');
});
