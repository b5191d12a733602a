import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { MODEL_TEMPLATES, TEMPLATE_IDS, type TemplateId } from '../../../../src/extension/newModelFile/templateList';
import { prepareRuns } from '../../../../src/engine/trainer/start';
import { checkAgainstModel, resolveTraining } from '../../../../src/engine/training/config';
import { loadModelFile } from '../../../../src/loader/index';
import { analyzeModel } from '../../../../src/analysis/index';
import { REPO_ROOT } from '../../../support/paths';

// CNN: New Model File writes a template's text into a folder of the user's and opens it. Each
// template, as the extension bundle carries it (esbuild's text loader, as in esbuild.mjs), is
// written alone into an empty folder and must load, analyse without a diagnostic and pass Train
// Model's checks there: no relative import that only the repository could satisfy.

const IMAGE_SHAPES: Record<string, [number, number, number]> = { mnist: [28, 28, 1], cifar10: [32, 32, 3] };

async function bundledTexts(): Promise<Record<TemplateId, string>> {
  const built = await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'src/extension/newModelFile/templateTexts.ts')],
    bundle: true, write: false, format: 'cjs', platform: 'node', logLevel: 'silent',
  });
  const module = { exports: {} as { TEMPLATE_TEXTS?: Record<TemplateId, string> } };
  new Function('module', 'exports', built.outputFiles[0]!.text)(module, module.exports);
  assert.ok(module.exports.TEMPLATE_TEXTS, 'templateTexts.ts exports TEMPLATE_TEXTS');
  return module.exports.TEMPLATE_TEXTS;
}

test('every file in templates/ is offered, once, under a *.cnn.ts name', () => {
  const files = fs.readdirSync(path.join(REPO_ROOT, 'templates')).sort();
  assert.deepEqual(files, TEMPLATE_IDS.map((id) => `${id}.cnn.ts`).sort());
  assert.deepEqual(MODEL_TEMPLATES.map((t) => t.id), [...TEMPLATE_IDS]);
  for (const t of MODEL_TEMPLATES) assert.match(t.fileName, /^[\w-]+\.cnn\.ts$/, t.id);
  assert.equal(new Set(MODEL_TEMPLATES.map((t) => t.fileName)).size, MODEL_TEMPLATES.length, 'distinct file names');
});

test('each bundled template, alone in a folder, analyses without a diagnostic and passes the training checks', async () => {
  const texts = await bundledTexts();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-templates-'));
  try {
    for (const template of MODEL_TEMPLATES) {
      const text = texts[template.id];
      assert.equal(text, fs.readFileSync(path.join(REPO_ROOT, 'templates', `${template.id}.cnn.ts`), 'utf8'), `${template.id}: the bundle holds the file`);
      const file = path.join(dir, template.fileName);
      fs.writeFileSync(file, text);
      const loaded = await loadModelFile(file);
      assert.ok(loaded.models.length > 0, `${template.id} exports a model`);
      for (const m of loaded.models) assert.deepEqual(analyzeModel(m.model).diagnostics, [], `${template.id} ${m.exportName}`);
      // What Train Model checks before it creates a run folder.
      assert.deepEqual(await prepareRuns({ file, exportName: 'all', runsDir: path.join(dir, '.cnn-runs'), checkOnly: true }), []);
      const { config, reporter } = resolveTraining({ training: loaded.training, file, text });
      const imageShape = typeof config.dataset === 'string' ? IMAGE_SHAPES[config.dataset] : undefined;
      assert.ok(imageShape, `${template.id} trains on a dataset the extension downloads (${JSON.stringify(config.dataset)})`);
      for (const m of loaded.models) {
        checkAgainstModel(config, reporter, { inputShape: m.model.inputShape, paths: m.model.nodes.map((n) => n.path) }, imageShape);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
