import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import type * as vscodeTypes from 'vscode';
import * as vscode from '../../../support/fakeVscode';
import { RunsView } from '../../../../src/extension/sidebar/runsView';
import type { ExtensionToSidebar, SidebarToExtension } from '../../../../src/shared/messages';
import { updateRun } from '../../../../src/runs/store';
import { writeFixtureRun } from '../../../support/runFixtures';

// The sidebar's rows come from the run folders on disk: what each row says, which comes first,
// and what the view's buttons ask the editor to do.

let runsDir: string;
beforeEach(() => {
  vscode.resetFakeVscode();
  runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-runs-view-'));
  vscode.settings.set('cnnExplorer.runsDir', runsDir);
});
afterEach(() => fs.rmSync(runsDir, { recursive: true, force: true }));

/** A sidebar on a webview that is not visible (no refresh timer), and the messages it posts. */
function openView(live: { runId: string; running: boolean; progress: null } | null = null) {
  const posted: ExtensionToSidebar[] = [];
  const received = new vscode.EventEmitter<SidebarToExtension>();
  const liveChanged = new vscode.EventEmitter<unknown>();
  const stops: number[] = [];
  const training = { onDidChangeLive: liveChanged.event, live, stop: () => stops.push(1) };
  const view = new RunsView(vscode.fakeContext() as unknown as vscodeTypes.ExtensionContext, training as never);
  const webviewView = {
    visible: false,
    webview: {
      options: {}, html: '', cspSource: 'vscode-resource:',
      asWebviewUri: (u: vscode.Uri) => u,
      onDidReceiveMessage: received.event,
      postMessage: async (m: ExtensionToSidebar) => { posted.push(m); return true; },
    },
    onDidChangeVisibility: new vscode.EventEmitter<void>().event,
    onDidDispose: new vscode.EventEmitter<void>().event,
  };
  view.resolveWebviewView(webviewView as unknown as vscodeTypes.WebviewView);
  return { view, posted, send: (m: SidebarToExtension) => received.fire(m), stops };
}

test('the runs view lists each run folder as a row: status, model, dataset, best accuracy, backend, error', async () => {
  const a = await writeFixtureRun(runsDir, { exportName: 'mlp', permutePixels: null, correct: [[80, 80, 80, 80, 80, 80, 80, 80, 80, 80]], at: new Date(2026, 0, 1, 10) });
  const b = await writeFixtureRun(runsDir, { exportName: 'cnn', permutePixels: 42, correct: [[90, 90, 90, 90, 90, 90, 90, 90, 90, 90]], at: new Date(2026, 0, 1, 11) });
  updateRun(path.join(runsDir, a), (r) => { r.status = 'failed'; r.error = 'mnist: not found'; });
  const { view, posted, send } = openView();
  send({ type: 'ready' });
  const runs = posted.find((m) => m.type === 'runs');
  assert.ok(runs && runs.type === 'runs');
  assert.deepEqual(runs.runs.map((r) => r.id), [b, a], 'newest first');
  const [rowB, rowA] = runs.runs;
  assert.equal(rowB!.status, 'completed');
  assert.equal(rowB!.backend, 'wasm');
  assert.equal(rowB!.bestAccuracy, 0.9);
  assert.equal(rowB!.seconds, 10);
  assert.match(rowB!.dataset, /mnist/i);
  assert.equal(rowA!.status, 'failed');
  assert.equal(rowA!.error, 'mnist: not found');
  assert.equal(runs.liveRunId, null);
  // The newest run is shown in full when nothing is selected.
  const detail = posted.find((m) => m.type === 'detail');
  assert.ok(detail && detail.type === 'detail' && detail.runId === b);
  view.dispose();
});

test('a DDP run\'s row and detail say its world size and devices; a run on one process reads as before', async () => {
  const plain = await writeFixtureRun(runsDir, { exportName: 'mlp', permutePixels: null, correct: [[80, 80, 80, 80, 80, 80, 80, 80, 80, 80]], at: new Date(2026, 0, 1, 10) });
  const ddp = await writeFixtureRun(runsDir, { exportName: 'cnn', permutePixels: null, correct: [[90, 90, 90, 90, 90, 90, 90, 90, 90, 90]], at: new Date(2026, 0, 1, 11) });
  // A run folder made by hand, as rank 0 writes it (docs/distributed.md).
  updateRun(path.join(runsDir, ddp), (r) => {
    r.backend = { name: 'torch', reason: 'requested', detail: 'cuda ×4 on 1 node (NVIDIA H100 80GB HBM3), DDP (nccl), 16 per rank, torch 2.4.0' };
    r.distributed = {
      worldSize: 4, nnodes: 1, nprocPerNode: 4, backend: 'nccl', perRankBatch: 16, syncBatchNorm: false,
      ranks: [0, 1, 2, 3].map((rank) => ({ rank, host: 'gpu-node', pid: 500 + rank, device: `cuda:${rank} (NVIDIA H100 80GB HBM3)` })),
    };
  });
  const { view, posted, send } = openView();
  send({ type: 'ready' });
  const runs = posted.find((m) => m.type === 'runs');
  assert.ok(runs && runs.type === 'runs');
  assert.deepEqual(runs.runs.map((r) => [r.id, r.backend]), [[ddp, 'torch · cuda ×4 (NVIDIA H100 80GB HBM3) · DDP'], [plain, 'wasm']]);
  const detail = posted.find((m) => m.type === 'detail');
  assert.ok(detail && detail.type === 'detail' && detail.runId === ddp);
  assert.equal(detail.comparison.runs[0]!.backendLabel, 'torch · cuda ×4 (NVIDIA H100 80GB HBM3) · DDP');
  view.dispose();
});

test('the live run comes first, and selecting a row shows that run', async () => {
  const older = await writeFixtureRun(runsDir, { exportName: 'mlp', permutePixels: null, correct: [[80, 80, 80, 80, 80, 80, 80, 80, 80, 80]], at: new Date(2026, 0, 1, 10) });
  const newer = await writeFixtureRun(runsDir, { exportName: 'cnn', permutePixels: null, correct: [[90, 90, 90, 90, 90, 90, 90, 90, 90, 90]], at: new Date(2026, 0, 1, 11) });
  const { view, posted, send } = openView({ runId: older, running: true, progress: null });
  send({ type: 'ready' });
  const runs = posted.find((m) => m.type === 'runs');
  assert.ok(runs && runs.type === 'runs');
  assert.deepEqual(runs.runs.map((r) => r.id), [older, newer]);
  assert.equal(runs.liveRunId, older);
  posted.length = 0;
  send({ type: 'select', runId: newer });
  const detail = posted.find((m) => m.type === 'detail');
  assert.ok(detail && detail.type === 'detail');
  assert.equal(detail.runId, newer);
  assert.deepEqual(detail.comparison.runs.map((r) => r.id), [newer]);
  view.dispose();
});

test('the view\'s buttons: compare runs the Compare Runs command with the ids, stop stops the live run', async () => {
  const { view, send, stops } = openView();
  send({ type: 'compare', runIds: ['r1', 'r2'] });
  send({ type: 'openFolder', runId: 'r1' });
  send({ type: 'train' });
  send({ type: 'stop' });
  assert.deepEqual(vscode.commands.executed.map((c) => [c.command, ...c.args]), [
    ['cnnExplorer.compareRuns', 'r1', 'r2'],
    ['cnnExplorer.openRunFolder', 'r1'],
    ['cnnExplorer.train'],
  ]);
  assert.equal(stops.length, 1);
  view.dispose();
});

test('an empty runs folder: no rows, and the detail says there is nothing to show', () => {
  const { view, posted, send } = openView();
  send({ type: 'ready' });
  assert.deepEqual(posted.map((m) => m.type), ['runs', 'noDetail']);
  view.dispose();
});

test('a damaged run is a row that says why: run.json not JSON, not a run record, or metrics.jsonl torn; the newest readable run is shown', async () => {
  const ten = (v: number) => new Array<number>(10).fill(v);
  const torn = await writeFixtureRun(runsDir, { exportName: 'mlp', permutePixels: null, correct: [ten(80), ten(85)], at: new Date(2026, 0, 1, 10) });
  const notJson = await writeFixtureRun(runsDir, { exportName: 'cnn', permutePixels: null, correct: [ten(90)], at: new Date(2026, 0, 1, 11) });
  const notRecord = await writeFixtureRun(runsDir, { exportName: 'cnn', permutePixels: null, correct: [ten(90)], at: new Date(2026, 0, 1, 12) });
  fs.appendFileSync(path.join(runsDir, torn, 'metrics.jsonl'), '{"type":"epoch","epoch":3,');
  fs.writeFileSync(path.join(runsDir, notJson, 'run.json'), '{"version":1,');
  fs.writeFileSync(path.join(runsDir, notRecord, 'run.json'), '{"id":"x"}');
  const { view, posted, send } = openView();
  send({ type: 'ready' });
  const runs = posted.find((m) => m.type === 'runs');
  assert.ok(runs && runs.type === 'runs');
  assert.deepEqual(runs.runs.map((r) => [r.id, r.status]), [[notRecord, 'damaged'], [notJson, 'damaged'], [torn, 'completed']]);
  assert.match(runs.runs[0]!.damaged!, /run\.json: not a CNN Explorer run record/);
  assert.match(runs.runs[1]!.damaged!, /run\.json: not valid JSON/);
  assert.equal(runs.runs[2]!.damaged, 'metrics.jsonl: its last line is incomplete (26 bytes, skipped)');
  // The detail: the newest run that can be read, its complete epochs, and the damage as a warning.
  const detail = posted.find((m) => m.type === 'detail');
  assert.ok(detail && detail.type === 'detail');
  assert.equal(detail.runId, torn);
  assert.equal(detail.comparison.metrics.epoch.final[0], 2);
  assert.match(detail.comparison.warnings.join('\n'), /is damaged: metrics\.jsonl: its last line is incomplete/);
  // Selecting a damaged row: nothing to show but the row.
  posted.length = 0;
  send({ type: 'select', runId: notJson });
  assert.deepEqual(posted.map((m) => m.type), ['runs', 'noDetail']);
  view.dispose();
});
