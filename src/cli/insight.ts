// `cnn-explorer insight RUN --serve`: what a finished run's network sees (docs/trainer-protocol.md,
// "Insight"). Loads the run's best checkpoint and test set once on tfjs, then answers one request
// a line on stdin with one reply a line on stdout, until stdin closes. The editor starts one per
// run it shows, so that tfjs never loads in the extension host.
import * as path from 'node:path';
import * as readline from 'node:readline';
import { describeBackend, selectBackend } from '../engine/backends/index';
import { openInsightSession } from '../engine/insight/session';
import { checkpointFormat } from '../runs/checkpointFiles';
import { defaultRunsDir } from '../runs/store';
import { isBackendPreference, type TfjsBackendPreference } from '../shared/backends';
import { parseInsightRequest, TRAINER_PROTOCOL_VERSION, type InsightReply } from '../shared/trainerProtocol';
import { parseCommandArgs, UsageError } from './args';
import { readNamedRun } from './namedRun';

const USAGE = 'insight RUN --serve [--runs-dir DIR] [--data-dir DIR] [--backend wasm|cpu|tensorflow|webgpu|auto]';

function send(reply: InsightReply): void {
  process.stdout.write(`${JSON.stringify(reply)}\n`);
}

export async function insightCommand(argv: string[]): Promise<void> {
  const { values: v, positionals } = parseCommandArgs(argv, {
    serve: { type: 'boolean' }, 'runs-dir': { type: 'string' }, 'data-dir': { type: 'string' }, backend: { type: 'string' },
  }, USAGE);
  if (positionals.length !== 1 || !v.serve) throw new UsageError(`expected one run id and --serve\nusage: cnn-explorer ${USAGE}`);
  const preference = v.backend ?? 'auto';
  if (!isBackendPreference(preference) || preference === 'torch') throw new UsageError(`--backend must be a tfjs backend, got '${preference}'\nusage: cnn-explorer ${USAGE}`);
  let session;
  let note = '';
  try {
    const runsDir = path.resolve(v['runs-dir'] ?? defaultRunsDir());
    const found = readNamedRun(runsDir, positionals[0]!);
    const { paths, spec } = found;
    if (checkpointFormat(paths.best) === null) throw new Error(`run ${found.id} has no best checkpoint yet`);
    const backend = await selectBackend(preference as TfjsBackendPreference);
    process.stderr.write(`${describeBackend(backend)}\n`);
    // The checkpoint is a state_dict whichever engine wrote it: tfjs reads a torch run's too.
    if (found.record.backend?.name === 'torch') note = 'trained on torch; computed on tfjs from the same checkpoint';
    session = await openInsightSession(spec, found.record, paths.best, v['data-dir'] ?? spec.data.dataDir);
    send({ type: 'ready', protocol: TRAINER_PROTOCOL_VERSION, runId: found.id, classNames: session.classNames, imageShape: session.imageShape, testCount: session.testCount, engine: 'tfjs', note });
  } catch (err) {
    send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    process.exitCode = 1;
    return;
  }
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    const request = parseInsightRequest(line);
    if (!request) continue;
    const { id, ...query } = request;
    send({ id, answer: session.answer(query) });
  }
  session.dispose();
}
