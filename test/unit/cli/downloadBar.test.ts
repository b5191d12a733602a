import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downloadDecile, downloadLine } from '../../../src/cli/downloadBar';
import { downloadDone } from '../../../src/shared/downloadFigures';

// The CLI's download line: a bar, bytes, rate and ETA; no bar when the size is unknown.

const MiB = 1024 * 1024;
const at = (received: number, total: number | null, etaSeconds: number | null = 12) => ({
  type: 'download' as const, file: 'cifar-10-binary.tar.gz', url: 'https://x/c.tgz', received, total, bytesPerSecond: 4 * MiB, etaSeconds, time: 0,
});

test('a download line: bar, share, bytes, rate and ETA; the last one without ETA', () => {
  assert.equal(downloadLine(at(40 * MiB, 160 * MiB)),
    'downloading cifar-10-binary.tar.gz [######------------------]  25%  40.00 MiB / 160.00 MiB  4.00 MiB/s  ETA 12s');
  assert.equal(downloadLine(at(160 * MiB, 160 * MiB, 0)),
    'downloading cifar-10-binary.tar.gz [########################] 100%  160.00 MiB / 160.00 MiB  4.00 MiB/s');
  assert.equal(downloadLine(at(3 * MiB, null, null)), 'downloading cifar-10-binary.tar.gz  3.00 MiB  4.00 MiB/s');
  assert.equal(downloadDone(at(160 * MiB, 160 * MiB)), true);
  assert.equal(downloadDone(at(10, null)), false);
  assert.deepEqual([0, 15, 16, 159, 160].map((m) => downloadDecile(at(m * MiB, 160 * MiB))), [0, 0, 1, 9, 10]);
});
