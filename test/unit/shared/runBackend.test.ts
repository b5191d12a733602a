import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBackendLabel, runDevices, runWorldSize, type RunBackendFacts } from '../../../src/shared/backends';

// How a run's backend reads in the sidebar, the compare view's cards and the config diff: a run
// on one process by its backend's name and device, a DDP run (docs/distributed.md) with its
// world size and its ranks' devices.

const ranks = (devices: string[]) => devices.map((device, rank) => ({ rank, host: 'node0', pid: 4000 + rank, device }));
const ddp = (devices: string[], nnodes = 1): RunBackendFacts['distributed'] => ({ worldSize: devices.length, nnodes, ranks: ranks(devices) });

test('a run on one process: its backend name, world size 1, its backend\'s device', () => {
  const cases: [RunBackendFacts['backend'], string | null][] = [
    [{ name: 'wasm', detail: 'XNNPACK, SIMD, 2 threads' }, 'cpu'],
    [{ name: 'cpu', detail: 'pure JavaScript, tfjs-backend-cpu 4.22.0' }, 'cpu'],
    [{ name: 'tensorflow', detail: '@tensorflow/tfjs-node@4.22.0' }, 'cpu'],
    [{ name: 'tensorflow', detail: '@tensorflow/tfjs-node-gpu@4.22.0' }, 'cuda'],
    [{ name: 'webgpu', detail: 'NVIDIA GeForce RTX 3060' }, 'gpu (NVIDIA GeForce RTX 3060)'],
    [{ name: 'torch', detail: 'cuda: NVIDIA H200, torch 2.4.0' }, 'cuda (NVIDIA H200)'],
    [{ name: 'torch', detail: 'cpu, 2 threads, torch 1.13.1' }, 'cpu'],
    [{ name: 'torch', detail: 'mps, torch 2.4.0' }, 'mps'],
    [{ name: 'torch' }, null],
  ];
  for (const [backend, device] of cases) {
    const run: RunBackendFacts = { backend };
    assert.equal(runBackendLabel(run), backend!.name, 'the label is the name, as before DDP');
    assert.equal(runWorldSize(run), 1);
    assert.equal(runDevices(run), device, `${backend!.name} ${backend!.detail ?? ''}`);
  }
});

test('a run whose backend is not chosen yet has no label and no device', () => {
  assert.equal(runBackendLabel({ backend: null }), null);
  assert.equal(runDevices({ backend: null }), null);
  assert.equal(runWorldSize({ backend: null }), 1);
});

test('a DDP run: world size and devices, ranks of one kind counted once', () => {
  const cpu: RunBackendFacts = { backend: { name: 'torch', detail: 'cpu ×2 on 1 node, DDP (gloo), 32 per rank, 1 thread each, torch 1.13.1' }, distributed: ddp(['cpu', 'cpu']) };
  assert.equal(runBackendLabel(cpu), 'torch · cpu ×2 · DDP');
  assert.equal(runDevices(cpu), 'cpu ×2');
  assert.equal(runWorldSize(cpu), 2);

  const h100 = 'NVIDIA H100 80GB HBM3';
  const cuda: RunBackendFacts = { backend: { name: 'torch' }, distributed: ddp([0, 1, 2, 3].map((k) => `cuda:${k} (${h100})`)) };
  assert.equal(runBackendLabel(cuda), `torch · cuda ×4 (${h100}) · DDP`);
  assert.equal(runWorldSize(cuda), 4);
});

test('a DDP run on several nodes and different GPUs says each kind and the nodes', () => {
  const devices = ['cuda:0 (NVIDIA H100 80GB HBM3)', 'cuda:1 (NVIDIA H100 80GB HBM3)', 'cuda:0 (NVIDIA A100-SXM4-40GB)', 'cuda:1 (NVIDIA A100-SXM4-40GB)'];
  const run: RunBackendFacts = { backend: { name: 'torch' }, distributed: ddp(devices, 2) };
  assert.equal(runDevices(run), 'cuda ×2 (NVIDIA H100 80GB HBM3), cuda ×2 (NVIDIA A100-SXM4-40GB) on 2 nodes');
  assert.equal(runBackendLabel(run), 'torch · cuda ×2 (NVIDIA H100 80GB HBM3), cuda ×2 (NVIDIA A100-SXM4-40GB) on 2 nodes · DDP');
});

test('a DDP record without its ranks still says its world size', () => {
  const run: RunBackendFacts = { backend: { name: 'torch' }, distributed: { worldSize: 3, nnodes: 1, ranks: [] } };
  assert.equal(runDevices(run), '3 ranks');
  assert.equal(runBackendLabel(run), 'torch · 3 ranks · DDP');
});
