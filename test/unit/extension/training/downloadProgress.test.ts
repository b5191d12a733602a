import '../../../support/useFakeVscode';
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import * as vscode from '../../../support/fakeVscode';
import type { RunHandle } from '../../../../src/engine/trainer/start';
import { showDownloadProgress } from '../../../../src/extension/training/downloadProgress';
import { LiveRun } from '../../../../src/extension/training/liveRun';
import type { TrainResult } from '../../../../src/runs/types';
import type { TrainerMessage } from '../../../../src/shared/trainerProtocol';

// The editor's download notification: one per file, bytes and ETA as they come, and Cancel
// stops the run as Stop does.

beforeEach(() => vscode.resetFakeVscode());

const MiB = 1024 * 1024;
const download = (received: number, file = 'cifar-10-binary.tar.gz'): TrainerMessage => ({
  type: 'download', file, url: 'https://x/c.tgz', received, total: 100 * MiB, bytesPerSecond: 10 * MiB, etaSeconds: (100 * MiB - received) / (10 * MiB), time: 0,
});

test('a download notification with bytes and ETA; Cancel stops the run', () => {
  const listeners: ((m: TrainerMessage) => void)[] = [];
  let stops = 0;
  const handle: RunHandle = {
    runId: 'r1', runDir: '/runs/r1', done: new Promise<TrainResult>(() => {}),
    onMessage: (l) => { listeners.push(l); }, stop: () => { stops++; },
  };
  const live = new LiveRun(handle, 'Tiny', 1);
  const shown = showDownloadProgress(live);
  const send = (m: TrainerMessage) => { for (const l of listeners) l(m); };
  send(download(25 * MiB));
  send(download(50 * MiB));
  assert.deepEqual(vscode.ui.shown.map((s) => s.text), ['Downloading cifar-10-binary.tar.gz']);
  assert.deepEqual(vscode.ui.progressReports, [
    { increment: 25, message: '25.00 MiB of 100.00 MiB · 10.00 MiB/s · ETA 8s' },
    { increment: 25, message: '50.00 MiB of 100.00 MiB · 10.00 MiB/s · ETA 5s' },
  ]);
  vscode.cancellation.fire();
  assert.equal(stops, 1);
  send(download(100 * MiB));
  send(download(1 * MiB, 'other.bin'));
  assert.deepEqual(vscode.ui.shown.map((s) => s.text), ['Downloading cifar-10-binary.tar.gz', 'Downloading other.bin']);
  shown.dispose();
  live.dispose();
});
