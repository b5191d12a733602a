import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseEngine, engineChooser, type EngineProbes } from '../../../../src/engine/torch/chooseEngine';
import { TorchNotFoundError, type TorchPython } from '../../../../src/engine/torch/python';
import { torchPython } from '../../../support/torch';

// The starter's choice between PyTorch and the tfjs trainer. The order for auto (torch on a GPU,
// tensorflow, webgpu on hardware, torch on the CPU, wasm, cpu) is checked over every machine it
// distinguishes, given as what each probe answers; the probes themselves run for real against
// this machine's Pythons (/usr/bin/python3 has torch, python3 on PATH has not).

const TORCH_CPU: TorchPython = { python: '/opt/py/bin/python', torchVersion: '2.4.0', torchvisionVersion: null, device: 'cpu', deviceName: null, gpuCount: 0 };
const TORCH_CUDA: TorchPython = { ...TORCH_CPU, device: 'cuda', deviceName: 'NVIDIA H200', gpuCount: 1 };
const NO_TORCH = new TorchNotFoundError([{ candidate: { python: 'python3', from: 'PATH' }, reason: 'no torch module (ModuleNotFoundError)' }]);

/** A machine as its probes describe it; `asked` records which probes ran. */
function machine(torch: TorchPython | TorchNotFoundError, tfjsNode: boolean, webgpu: string | null): EngineProbes & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    torch: async () => { asked.push('torch'); return torch; },
    tfjsNode: () => { asked.push('tfjsNode'); return tfjsNode ? { name: '@tensorflow/tfjs-node', version: '4.22.0' } : null; },
    webgpu: async () => { asked.push('webgpu'); return webgpu ? { name: webgpu } : { reason: 'no hardware WebGPU adapter (only llvmpipe, in software)' }; },
  };
}

test('auto: torch on a GPU comes first, without asking about tfjs', async () => {
  const m = machine(TORCH_CUDA, true, 'NVIDIA H200');
  assert.deepEqual(await chooseEngine('auto', m), { engine: 'torch', python: TORCH_CUDA, reason: 'auto: PyTorch has a GPU (cuda)' });
  assert.deepEqual(m.asked, ['torch']);
});

test('auto: with torch on the CPU only, tensorflow and a hardware WebGPU adapter come before it', async () => {
  const withNode = machine(TORCH_CPU, true, null);
  const a = await chooseEngine('auto', withNode);
  assert.equal(a.engine, 'tfjs');
  assert.ok(a.engine === 'tfjs' && a.preference === 'auto');
  assert.match(a.engine === 'tfjs' ? a.passedOver.join() : '', /^torch: no GPU for PyTorch 2\.4\.0 \(\/opt\/py\/bin\/python\)/);
  assert.deepEqual(withNode.asked, ['torch', 'tfjsNode'], 'tfjs-node installed: no WebGPU probe');

  const withGpu = await chooseEngine('auto', machine(TORCH_CPU, false, 'AMD Radeon RX 7900 XTX'));
  assert.equal(withGpu.engine, 'tfjs');
});

test('auto: torch on the CPU before wasm, saying why each faster choice was passed over', async () => {
  const m = machine(TORCH_CPU, false, null);
  assert.deepEqual(await chooseEngine('auto', m), {
    engine: 'torch', python: TORCH_CPU,
    reason: 'auto: no GPU for torch, tfjs-node not installed, no hardware WebGPU adapter (only llvmpipe, in software)',
  });
  assert.deepEqual(m.asked, ['torch', 'tfjsNode', 'webgpu']);
});

test('auto without PyTorch: the tfjs trainer chooses, told why torch was passed over', async () => {
  assert.deepEqual(await chooseEngine('auto', machine(NO_TORCH, false, null)), {
    engine: 'tfjs', preference: 'auto', passedOver: ['torch: no Python with PyTorch (python3: no torch module (ModuleNotFoundError))'],
  });
});

test('a tfjs backend asked for by name probes nothing', async () => {
  const m = machine(TORCH_CUDA, true, 'NVIDIA H200');
  assert.deepEqual(await chooseEngine('wasm', m), { engine: 'tfjs', preference: 'wasm', passedOver: [] });
  assert.deepEqual(m.asked, []);
});

test('torch asked for: used on the CPU too; without PyTorch, a message naming each Python tried', async () => {
  assert.deepEqual(await chooseEngine('torch', machine(TORCH_CPU, true, 'NVIDIA H200')), { engine: 'torch', python: TORCH_CPU, reason: 'requested' });
  const none = await chooseEngine('torch', machine(NO_TORCH, true, null));
  assert.ok(none.engine === 'torch' && none.python === null);
  assert.match(none.unavailable, /^backend 'torch' is not available: PyTorch was not found: python3 \(PATH\): no torch module/);
});

test('this machine: --python naming a Python without torch is the only one tried, and says so', async () => {
  const choose = engineChooser([{ python: 'python3', from: '--python' }]);
  const choice = await choose('torch');
  assert.ok(choice.engine === 'torch' && choice.python === null, 'python3 on PATH has no torch here');
  assert.match(choice.unavailable, /python3 \(--python\): no torch module/);
  assert.doesNotMatch(choice.unavailable, /\/usr\/bin\/python3/, 'a Python the user named is the only one tried');
  assert.match(choice.unavailable, /--python or the setting cnnExplorer\.pythonPath/);
});

test('this machine: the Python with torch is found, once per chooser', async (t) => {
  const found = await torchPython(t);
  if (!found) return;
  const choose = engineChooser([{ python: found.python, from: '--python' }]);
  const first = await choose('torch');
  assert.ok(first.engine === 'torch' && first.python !== null);
  assert.equal(first.python.python, found.python);
  assert.equal(first.python.torchVersion, found.torchVersion);
  // The second run of a sweep asks again: the same answer, the same object (not probed again).
  const second = await choose('torch');
  assert.ok(second.engine === 'torch' && second.python === first.python);
});
