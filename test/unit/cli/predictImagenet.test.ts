import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PNG } from 'pngjs';
import { analyzeModel } from '../../../src/analysis/index';
import { IMAGENET_CLASSES } from '../../../src/engine/data/imagenetClasses';
import { stateTensors } from '../../../src/interop/parameters';
import { loadModelFile, selectModel } from '../../../src/loader/index';
import { writeSafetensors } from '../../../src/weights/safetensors';
import { runCli } from '../../support/cli';

// predict labels a 1000-output model's classes with ImageNet's names when no dataset names them
// (torchvision's weights), and only then: a 10-output model without a dataset keeps numbers.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-predict-imagenet-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

/** A model file of `classes` outputs on 8×8 RGB, with weights that make class `winner` win. */
async function modelWithWeights(name: string, classes: number, winner: number): Promise<{ file: string; weights: string }> {
  const file = path.join(dir, `${name}.cnn.ts`);
  fs.writeFileSync(file, `import { model, flatten, dense } from 'cnn-explorer';
export default model('${name}', [8, 8, 3], [flatten(), dense(${classes})]);
`);
  const { model } = selectModel(await loadModelFile(file));
  const tensors = new Map(stateTensors(model, analyzeModel(model)).map((t) => {
    const data = new Float32Array(t.shape.reduce((a, b) => a * b, 1));
    if (t.role === 'bias') data[winner] = 5;
    return [t.key, { shape: t.shape, data }];
  }));
  const weights = path.join(dir, `${name}.safetensors`);
  writeSafetensors(weights, tensors);
  return { file, weights };
}

const image = path.join(dir, 'image.png');
const png = new PNG({ width: 8, height: 8 });
png.data.fill(128);
fs.writeFileSync(image, PNG.sync.write(png));

test('a 1000-output model without a dataset: ImageNet\'s class names', async () => {
  assert.equal(IMAGENET_CLASSES.length, 1000);
  assert.deepEqual([IMAGENET_CLASSES[0], IMAGENET_CLASSES[207], IMAGENET_CLASSES[999]], ['tench', 'golden retriever', 'toilet tissue']);
  const { file, weights } = await modelWithWeights('Wide', 1000, 207);
  const r = await runCli(['predict', file, '--weights', weights, '--input', image, '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const top = (JSON.parse(r.stdout) as { top: { class: number; label: string }[] }).top[0]!;
  assert.deepEqual(top, { ...top, class: 207, label: 'golden retriever' });
});

test('a 10-output model without a dataset: class numbers, as before', async () => {
  const { file, weights } = await modelWithWeights('Narrow', 10, 3);
  const r = await runCli(['predict', file, '--weights', weights, '--input', image, '--json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((JSON.parse(r.stdout) as { top: { label: string }[] }).top[0]!.label, '3');
});
