import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runCli } from '../../support/cli';
import { REPO_ROOT } from '../../support/paths';
import { parseInsightReply, type InsightReply } from '../../../src/shared/trainerProtocol';

// `cnn-explorer insight RUN --serve` on a real (tiny) run: the test set it loads is the one
// training evaluated (every confusion cell holds as many images as run's confusion matrix says),
// answers keep their ids and shapes, and a bad request gets one line while the process goes on.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-cli-insight-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
const runsDir = path.join(dir, 'runs');
const modelFile = path.join(dir, 'tiny.cnn.ts');
fs.writeFileSync(modelFile, `import { model, conv2d, maxPool2d, relu, flatten, dense, type Training } from 'cnn-explorer';
export default model('Tiny', [28, 28, 1], [conv2d(4, 5, { stride: 2 }), relu(), maxPool2d(2), flatten(), dense(10)]);
export const training: Training = { dataset: 'mnist', epochs: 1, batchSize: 50 };
`);

/** The process's replies to `requests` (stdin closed after them). */
function serve(runId: string, requests: object[]): Promise<InsightReply[]> {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, path.join(REPO_ROOT, 'src/cli/main.ts'), 'insight', runId, '--serve', '--runs-dir', runsDir, '--backend', 'cpu'], { cwd: dir });
  let stdout = '';
  child.stdout.on('data', (c) => { stdout += c; });
  child.stdin.end(requests.map((r) => JSON.stringify(r)).join('\n') + '\nnot a request\n');
  return new Promise((resolve) => child.on('close', () => resolve(stdout.split('\n').map(parseInsightReply).filter((r): r is InsightReply => r !== null))));
}

test('insight --serve answers from the run\'s own test set and model', async () => {
  const train = await runCli(['train', modelFile, '--dataset', 'synthetic', '--limit-train', '100', '--limit-test', '40', '--backend', 'cpu', '--runs-dir', runsDir, '--json'], { cwd: dir });
  assert.equal(train.code, 0, train.stderr);
  const run = JSON.parse(train.stdout.trim().split('\n').pop()!) as { runId: string; confusionMatrix: number[][]; classNames: string[] };
  const classes = run.classNames.length;
  const cells = run.confusionMatrix.flatMap((row, t) => row.map((_, p) => ({ type: 'cell', actual: t, predicted: p, limit: 1 })));
  const replies = await serve(run.runId, [
    ...cells.map((c, i) => ({ ...c, id: i })),
    { id: 1000, type: 'gradCam', image: 3, classIndex: 0 },
    { id: 1001, type: 'featureMaps', image: 3, nodeId: 'conv2d_1' },
    { id: 1002, type: 'featureMaps', image: 40, nodeId: 'conv2d_1' },
    { id: 1003, type: 'effectiveRf', nodeId: 'relu_1', images: 8 },
  ]);
  const [ready, ...answers] = replies;
  assert.equal(ready && 'type' in ready && ready.type, 'ready');
  const byId = new Map(answers.map((r) => ('id' in r ? [r.id, r.answer] as const : [-1, null] as const)));
  assert.equal(byId.size, cells.length + 4);
  // Same images, same predictions: the cells' counts are the confusion matrix training wrote.
  const totals = Array.from({ length: classes }, (_, t) => Array.from({ length: classes }, (_, p) => {
    const a = byId.get(t * classes + p);
    assert.equal(a?.type, 'cell');
    return a?.type === 'cell' ? a.total : -1;
  }));
  assert.deepEqual(totals, run.confusionMatrix);
  const cam = byId.get(1000);
  assert.equal(cam?.type, 'gradCam');
  if (cam?.type === 'gradCam') {
    assert.equal(cam.nodeId, 'relu_1');
    assert.equal(cam.map.values.length, 28 * 28);
    assert.ok(cam.map.values.every((v) => v >= 0 && v <= 1));
  }
  const maps = byId.get(1001);
  assert.equal(maps?.type === 'featureMaps' && maps.maps.length, 4);
  assert.deepEqual(maps?.type === 'featureMaps' && [maps.maps[0]!.height, maps.maps[0]!.width], [12, 12]);
  assert.deepEqual(byId.get(1002), { type: 'error', message: 'test image 40 does not exist: the test set has 40 images' });
  const erf = byId.get(1003);
  assert.equal(erf?.type === 'effectiveRf' && erf.images, 8);
  // The centre unit (5, 5) of relu_1 (12×12, stride 2, kernel 5) sees rows and columns 10…14 only.
  if (erf?.type === 'effectiveRf') {
    const seen = erf.map.values.flatMap((v, i) => (v > 0 ? [[Math.floor(i / 28), i % 28]] : []));
    assert.ok(seen.length > 0 && seen.every(([r, c]) => r! >= 10 && r! <= 14 && c! >= 10 && c! <= 14), JSON.stringify(seen));
  }
});
