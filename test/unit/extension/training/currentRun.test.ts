import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import * as vscode from '../../../support/fakeVscode';
import type { RunHandle } from '../../../../src/engine/trainer/start';
import { CurrentRun } from '../../../../src/extension/training/currentRun';
import { LiveRun } from '../../../../src/extension/training/liveRun';
import { RunStatusBar } from '../../../../src/extension/training/statusBar';
import { runResult } from '../../../../src/runs/result';
import type { TrainResult } from '../../../../src/runs/types';
import type { TrainerMessage } from '../../../../src/shared/trainerProtocol';

// The run a window follows, as the status bar shows it: the backend from its message's field,
// the epoch from the steps, hidden once the run ends; a run followed after another leaves no
// listener behind on the first.

beforeEach(() => vscode.resetFakeVscode());

/** A run handle the test drives: send() is the trainer speaking, end() its last word. */
function fakeHandle(runId: string) {
  const listeners: ((m: TrainerMessage) => void)[] = [];
  let finish!: (r: TrainResult) => void;
  const done = new Promise<TrainResult>((resolve) => { finish = resolve; });
  const handle: RunHandle = { runId, runDir: `/runs/${runId}`, done, onMessage: (l) => { listeners.push(l); }, stop: () => {} };
  return {
    handle,
    send: (m: TrainerMessage) => { for (const l of listeners) l(m); },
    end: async () => { finish({ ...runResult(null, runId, `/runs/${runId}`), status: 'completed', error: null }); await done; await new Promise((r) => setImmediate(r)); },
  };
}

const iteration = (epoch: number): TrainerMessage => ({ type: 'iteration', epoch, step: 1, steps: 10, iteration: 1, loss: 2.3, accuracy: 0.1, lr: 0.01, time: Date.now() });

test('the status bar: backend from the backend message, epoch from the steps, hidden at the end', async () => {
  const current = new CurrentRun();
  const bar = new RunStatusBar(current);
  const item = vscode.statusBarItems[0]!;
  const run = fakeHandle('r1');
  current.follow(new LiveRun(run.handle, 'LeNet-5', 3));
  assert.equal(item.visible, true);
  assert.match(item.text, /LeNet-5 starting$/);
  run.send({ type: 'hello', protocol: 1, runId: 'r1', pid: 1, time: 0 });
  // The human line names another backend: only the field counts.
  run.send({ type: 'backend', backend: 'wasm', reason: 'fastest CPU backend available', message: 'backend cpu (sic)', time: 0 });
  run.send(iteration(2));
  assert.match(item.text, /LeNet-5 epoch 2\/3 · wasm$/);
  await run.end();
  assert.equal(item.visible, false);
  bar.dispose();
  current.dispose();
});

test('following a second run: the first one\'s news no longer reaches the window', async () => {
  const current = new CurrentRun();
  const bar = new RunStatusBar(current);
  const item = vscode.statusBarItems[0]!;
  const ends: (string | null)[] = [];
  current.onDidChangeLive((live) => ends.push(live?.runId ?? null));
  const first = fakeHandle('r1');
  const second = fakeHandle('r2');
  current.follow(new LiveRun(first.handle, 'A', 5));
  current.follow(new LiveRun(second.handle, 'B', 5));
  second.send(iteration(1));
  first.send(iteration(4));
  assert.match(item.text, /B epoch 1\/5$/);
  await first.end();
  assert.deepEqual(ends, ['r1', 'r2'], 'the first run ending is not "no live run"');
  assert.equal(item.visible, true);
  await second.end();
  assert.deepEqual(ends, ['r1', 'r2', null]);
  assert.equal(current.live?.runId, 'r2', 'the last run stays known (Open Run Folder)');
  bar.dispose();
  current.dispose();
});
