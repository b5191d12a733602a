// One run, start to end, inside the trainer process: the steps main.ts calls, kept apart from
// process concerns (signals, stdin) so that they read as a sequence.
import * as tf from '@tensorflow/tfjs-core';
import { LocatedError } from '../../dsl/errors';
import { describeBackend, selectBackend } from '../backends/index';
import { DatasetError, loadDataset } from '../data/index';
import { resizeToInput } from '../data/resize';
import { DownloadCancelled } from '../data/download/index';
import { buildTfGraph } from '../model/index';
import { checkAgainstModel, makeReporter } from '../training/config';
import { datasetRecord, datasetSummary, prepareData } from '../training/prepareData';
import { copyInitWeights } from '../training/initFrom';
import { resolveInitFrom } from '../training/initFromSource';
import { trainLoop, type LoopResult } from '../training/loop';
import type { LoopProbe } from '../training/loopProbe';
import { trainingConfigLocator } from '../../loader/configLocation';
import { JsonlWriter } from '../../runs/files';
import { runPaths, updateRun, readRun } from '../../runs/store';
import type { EpochRecord, TrainResult } from '../../runs/types';
import { encodeTrainerMessage, TRAINER_PROTOCOL_VERSION, type TrainerMessage, type TrainerPhase } from '../../shared/trainerProtocol';
import { isOutOfMemory, reportFailure, TrainerError } from './errors';
import { finish } from './finish';
import { checkTrainingMemory } from './memoryCheck';
import type { RunSpec } from './spec';
import { stderrCapture } from './trainerLog';

export interface TrainerIO {
  /** One encoded message (encodeTrainerMessage), for stdout: the same bytes metrics.jsonl gets. */
  send(line: string): void;
  shouldStop(): boolean;
  /** Told where the training loop's time goes (the bench runs the trainer in its own process). */
  probe?: LoopProbe;
}

/**
 * Iteration messages to stdout at most this often. metrics.jsonl gets every one, written in
 * batches as often (one write for many steps, not one per step): a reader of the folder (attach.ts
 * polls it) sees them as soon as the starter sees the message.
 */
const ITERATION_MESSAGE_INTERVAL_MS = 250;

export async function runTrainer(spec: RunSpec, io: TrainerIO): Promise<TrainResult> {
  const started = Date.now();
  const paths = runPaths(spec.runDir);
  const metrics = new JsonlWriter(paths.metrics);
  // A metrics.jsonl that cannot be written (a full disk) ends the run with that error; the
  // messages after it still reach the starter, and the file keeps its whole lines.
  let metricsFailed = false;
  const log = (line: string) => {
    if (metricsFailed) return;
    try { metrics.appendLine(line); } catch (err) { metricsFailed = true; throw err; }
  };
  // Iteration records not yet written: whole lines, written before any other record and at the end.
  let iterations = '';
  const writeIterations = () => {
    if (!iterations) return;
    const lines = iterations;
    iterations = '';
    log(lines);
  };
  const record = (msg: TrainerMessage) => {
    const line = encodeTrainerMessage(msg);
    writeIterations();
    log(line);
    io.send(line);
  };
  const status = (phase: TrainerPhase, message: string) => record({ type: 'status', phase, message, time: Date.now() });
  updateRun(spec.runDir, (r) => { r.pid = process.pid; r.status = 'running'; });
  record({ type: 'hello', protocol: TRAINER_PROTOCOL_VERSION, runId: spec.runId, pid: process.pid, time: Date.now() });

  let loop: LoopResult | null = null;
  try {
    checkTrainingMemory(spec);
    // Production mode: no per-op debug checks, and no "install tfjs-node" banner on stderr
    // (we choose among the backends ourselves and say why).
    tf.enableProdMode();
    // What native libraries print while backends are probed is summarised in the reason.
    const backend = await selectBackend(spec.backend, undefined, stderrCapture(spec.runDir), spec.backendPassedOver);
    updateRun(spec.runDir, (r) => { r.backend = backend; });
    record({
      type: 'backend', backend: backend.name, reason: backend.reason, ...(backend.detail === undefined ? {} : { detail: backend.detail }),
      message: describeBackend(backend), time: Date.now(),
    });

    const text = readRun(spec.runDir)?.source.text ?? '';
    const reporter = makeReporter(trainingConfigLocator(spec.model.file, text), spec.overrides);
    const config = spec.config;
    status('data', `loading ${typeof config.dataset === 'string' ? config.dataset : config.dataset.folder}`);
    // Images of another size than the model's input are resized to it (the torch engine's prepared dataset too).
    const { dataset, resized } = resizeToInput(await loadDataset(config.dataset, { ...spec.data }), spec.model.ir.inputShape);
    const classNames = dataset.classNames;
    checkAgainstModel(config, reporter, { inputShape: spec.model.ir.inputShape, paths: spec.model.ir.nodes.map((n) => n.path) }, dataset.imageShape);
    const data = prepareData(dataset, config);
    const loaded = datasetRecord(dataset, data);
    updateRun(spec.runDir, (r) => { r.dataset = loaded; });
    status('data', datasetSummary(loaded, resized));

    const graph = buildModel(spec, config.seed);
    const outUnits = graph.model.outputs[0]!.shape;
    if (outUnits.length !== 2 || outUnits[1] !== classNames.length) {
      const last = spec.model.ir.nodes.find((n) => n.id === spec.model.ir.output);
      throw new TrainerError('model-invalid',
        `the model outputs [${outUnits.slice(1).join(', ')}] but the dataset has ${classNames.length} classes: end the model with dense(${classNames.length})`,
        last?.source ?? null);
    }
    if (config.initFrom) {
      const source = resolveInitFrom(config.initFrom, { runsDir: spec.runsDir, baseDir: spec.data.baseDir });
      if ('error' in source) throw new TrainerError('config-invalid', source.error);
      // torchvision's weights are fetched here, into the cache, reported as the process's downloads are;
      // a failed or cancelled download is the fetcher's own error.
      const copy = await copyInitWeights(graph.model, spec.model.ir, source, { cacheDir: spec.data.cacheDir })
        .catch((err: Error) => {
          if (err instanceof DatasetError || err instanceof DownloadCancelled) throw err;
          throw new TrainerError('config-invalid', `initFrom ${config.initFrom}: ${err.message}`);
        });
      updateRun(spec.runDir, (r) => { r.initFrom = { runId: config.initFrom!, copied: copy.copied.length, skipped: copy.skipped.length }; });
      status('init', `initFrom ${config.initFrom}: copied ${copy.copied.length} weights, kept ${copy.skipped.length} as initialised${copy.skipped.length ? ` (${copy.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})` : ''}`);
    }

    let lastIterationMessage = 0;
    loop = await trainLoop({
      model: graph.model, ir: spec.model.ir, names: graph.names, config, data, checkpointsDir: paths.checkpoints, probe: io.probe,
      hooks: {
        shouldStop: io.shouldStop,
        onStatus: status,
        onIteration: (it) => {
          const line = encodeTrainerMessage(it);
          iterations += line;
          const now = Date.now();
          if (now - lastIterationMessage >= ITERATION_MESSAGE_INTERVAL_MS || it.step === it.steps) {
            lastIterationMessage = now;
            writeIterations();
            io.send(line);
          }
        },
        onEpoch: (ep: EpochRecord) => {
          record(ep);
          updateRun(spec.runDir, (r) => {
            r.epochsCompleted = ep.epoch;
            if (ep.best) { r.bestEpoch = ep.epoch; r.best = ep; }
          });
        },
      },
    });
    graph.model.dispose();
    const result = finish(spec, started, loop, null);
    record({ type: 'done', result, time: Date.now() });
    return result;
  } catch (err) {
    if (err instanceof DownloadCancelled) {
      // A stop during a download (main.ts cancels it): the run ends `stopped`, as before training.
      const result = finish(spec, started, null, null, true);
      record({ type: 'done', result, time: Date.now() });
      return result;
    }
    const { error, failure } = reportFailure(err);
    record({ type: 'error', ...error, time: Date.now() });
    const result = finish(spec, started, loop, failure);
    record({ type: 'done', result, time: Date.now() });
    return result;
  } finally {
    try { writeIterations(); } catch { /* a full disk: reported with the record that met it first */ }
    metrics.close();
  }
}

/** The tfjs model; a model that cannot be built is the model's error, not the trainer's. */
function buildModel(spec: RunSpec, seed: number): ReturnType<typeof buildTfGraph> {
  try {
    return buildTfGraph(spec.model.ir, { seed });
  } catch (err) {
    if (err instanceof LocatedError || isOutOfMemory(err)) throw err;
    throw new TrainerError('model-invalid', `the model cannot be built: ${err instanceof Error ? err.message : String(err)}`, spec.model.ir.source ?? null);
  }
}
