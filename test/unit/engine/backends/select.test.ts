import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-layers registers tfjs-core's gradient functions (the training loop imports it too).
import '@tensorflow/tfjs-layers';
import { BackendError, selectBackend, WASM_TRAINING_KERNELS, type BackendName } from '../../../../src/engine/backends/index';
import { summariseNativeOutput } from '../../../../src/engine/backends/select';
import { isSoftwareAdapter } from '../../../../src/engine/backends/webgpu';
import { REPO_ROOT } from '../../../support/paths';

// Backend selection on whatever this machine has: tfjs-node cannot be installed here, a GPU
// may or may not be present, wasm and cpu always are. Assertions that depend on what is
// installed check it first, so the tests hold on a developer's machine too.

const installed = (name: string) => {
  try {
    createRequire(__filename).resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
};
const hasTfjsNode = installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu');

test('auto picks a backend, makes it current, and says why each faster one was skipped', async () => {
  const lines: string[] = [];
  const choice = await selectBackend('auto', (l) => lines.push(l));
  assert.equal(tf.getBackend(), choice.name);
  const order: BackendName[] = ['tensorflow', 'webgpu', 'wasm', 'cpu'];
  for (const earlier of order.slice(0, order.indexOf(choice.name))) {
    assert.match(choice.reason, new RegExp(`${earlier}: `), `reason names skipped ${earlier}: ${choice.reason}`);
  }
  if (!hasTfjsNode) assert.match(choice.reason, /tensorflow: neither @tensorflow\/tfjs-node-gpu nor @tensorflow\/tfjs-node is installed/);
  assert.ok(lines.some((l) => l.startsWith(`backend ${choice.name}`)), lines.join('\n'));
});

test('forcing tensorflow without tfjs-node: BackendError with the exact version to install', { skip: hasTfjsNode }, async () => {
  await assert.rejects(selectBackend('tensorflow'), (e: unknown) => {
    assert.ok(e instanceof BackendError);
    assert.equal(e.backend, 'tensorflow');
    assert.ok(e.message.includes(`npm install @tensorflow/tfjs-node@${tf.version_core}`), e.message);
    assert.ok(e.message.includes(`@tensorflow/tfjs-node-gpu@${tf.version_core}`), e.message);
    return true;
  });
});

test('forcing webgpu: either it runs, or BackendError with a driver hint', async () => {
  try {
    const choice = await selectBackend('webgpu');
    assert.equal(choice.name, 'webgpu');
    assert.equal(tf.getBackend(), 'webgpu');
    assert.ok(choice.detail, 'the adapter is named');
  } catch (e) {
    assert.ok(e instanceof BackendError, String(e));
    assert.match(e.message, /Vulkan/);
  }
});

test('forcing wasm registers the training kernels; forcing cpu works', async () => {
  const wasm = await selectBackend('wasm');
  assert.deepEqual([wasm.name, wasm.reason, tf.getBackend()], ['wasm', 'requested', 'wasm']);
  assert.match(wasm.detail ?? '', /XNNPACK/);
  for (const k of WASM_TRAINING_KERNELS) assert.ok(tf.getKernel(k, 'wasm'), k);
  // A conv layer's filter gradient runs (the kernel the wasm backend lacks upstream).
  const g = tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([1, 5, 5, 1]) as tf.Tensor4D, f as tf.Tensor4D, 1, 'valid')))(tf.zeros([3, 3, 1, 2]));
  assert.deepEqual(Array.from(await g.data()), Array(18).fill(9));
  const cpu = await selectBackend('cpu');
  assert.equal(cpu.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
});

test('an unknown backend name is a BackendError listing the valid ones', async () => {
  await assert.rejects(selectBackend('cuda' as BackendName), (e: unknown) =>
    e instanceof BackendError && /auto, tensorflow, webgpu, wasm, cpu/.test(e.message));
});

test('software WebGPU adapters are recognised (auto passes them over)', () => {
  for (const name of ['llvmpipe (LLVM 19.1.7, 256 bits)', 'SwiftShader Device (Subzero)', 'Microsoft Basic Render Driver (WARP)']) {
    assert.ok(isSoftwareAdapter(name), name);
  }
  for (const name of ['NVIDIA H100 80GB HBM3, nvidia', 'Apple M2, apple, metal-3', 'AMD Radeon RX 7900 XTX']) {
    assert.ok(!isSoftwareAdapter(name), name);
  }
});

test('what native libraries print during a probe becomes one short note: a count and the last line that says something', () => {
  assert.equal(summariseNativeOutput(''), null);
  assert.equal(summariseNativeOutput('\n\n'), null);
  // Dawn without a Vulkan driver: the loader's warnings, then Dawn's C++ location.
  assert.equal(summariseNativeOutput([
    'Warning: loader_get_json: Failed to open JSON file /nonexistent.json',
    'Warning: vkCreateInstance: Found no drivers!',
    'Warning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER',
    '    at CheckVkSuccessImpl (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/VulkanError.cpp:106)',
    '',
  ].join('\n')), '4 lines of native output in trainer.log, the last: "vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER"');
  // TensorFlow's C++ logging: time, severity and file:line go; the message stays.
  assert.equal(summariseNativeOutput('2026-12-05 00:00:00.000000: I tensorflow/core/platform/cpu_feature_guard.cc:193] This TensorFlow binary is optimized\n'),
    '1 line of native output in trainer.log, the last: "This TensorFlow binary is optimized"');
  assert.equal(summariseNativeOutput('error: XDG_RUNTIME_DIR is invalid or not set in the environment.\n'),
    '1 line of native output in trainer.log, the last: "XDG_RUNTIME_DIR is invalid or not set in the environment."');
  const long = summariseNativeOutput(`Warning: ${'x'.repeat(300)}`)!;
  assert.ok(long.endsWith('…"') && long.length < 160, long);
  assert.equal(summariseNativeOutput('    at f (/a/b.cpp:1)\n'), '1 line of native output in trainer.log');
});

test('in a process whose stderr is the user\'s (evaluate), Dawn\'s and Vulkan\'s own lines stay out of it', async (t) => {
  // No Vulkan driver to find: the loader and Dawn complain on fd 2, from native code.
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-select-')), 'select.ts');
  fs.writeFileSync(script, `import { selectBackend } from ${JSON.stringify(path.join(REPO_ROOT, 'src/engine/backends/index'))};
void selectBackend('auto').then((c) => console.log(JSON.stringify(c)));
`);
  const env: NodeJS.ProcessEnv = { ...process.env, VK_ICD_FILENAMES: '/nonexistent-icd.json', VK_DRIVER_FILES: '/nonexistent-icd.json' };
  delete env.XDG_RUNTIME_DIR;
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(require.resolve('tsx')).href, script], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const choice = JSON.parse(r.stdout.trim().split('\n').pop()!) as { reason: string };
  if (/Vulkan loader/.test(choice.reason)) return t.skip('no Vulkan loader here: Dawn is not started');
  assert.equal(r.stderr, '');
  assert.match(choice.reason, /webgpu: WebGPU \(Dawn\) found no GPU adapter \(\d+ lines of native output, the last: "[^"]+"\)/);
});
