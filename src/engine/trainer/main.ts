// The trainer process: `node dist/trainer.js <run>/spec.json`. Picks the backend, loads the
// data, builds and trains the model, and keeps the run folder current: metrics.jsonl (appended
// per record), run.json (atomically, running → completed | stopped | failed), checkpoints.
// Progress goes to stdout as JSON lines (shared/trainerProtocol.ts); a {"type":"stop"} line on
// stdin, SIGTERM or SIGINT stops it after the current batch, with checkpoints/last saved.
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { formatError, LocatedError } from '../../dsl/errors';
import { reportDownloads } from './downloadReporting';
import { runTrainer } from './run';
import type { RunSpec } from './spec';
import { assertNever } from '../../shared/assertNever';
import { parseTrainerCommand } from '../../shared/trainerProtocol';

// If whoever started us goes away, stdout breaks (EPIPE): keep training, keep writing the run folder.
let stdoutBroken = false;
process.stdout.on('error', () => { stdoutBroken = true; });
// stderr is the run's trainer.log: a full disk must not end the run over a warning or a stack.
process.stderr.on('error', () => { /* nothing else to tell */ });

function send(line: string): void {
  if (!stdoutBroken) process.stdout.write(line);
}

async function main(): Promise<number> {
  const specPath = process.argv[2];
  if (!specPath) {
    process.stderr.write('usage: trainer <run>/spec.json\n');
    return 2;
  }
  const spec = JSON.parse(fs.readFileSync(specPath, 'utf8')) as RunSpec;

  let stopRequested = false;
  let signals = 0;
  const cancelDownload = reportDownloads(spec, send);
  const requestStop = () => { stopRequested = true; cancelDownload(); };
  const onSignal = () => {
    // First signal: stop cleanly. A third: give up waiting (the run stays as last written).
    if (++signals >= 3) process.exit(130);
    requestStop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const input = readline.createInterface({ input: process.stdin });
  input.on('line', (line) => {
    const command = parseTrainerCommand(line);
    if (!command) return; // not a command: ignored
    switch (command.type) {
      case 'stop': requestStop(); break;
      default: assertNever(command.type, 'trainer stdin');
    }
  });
  // The parent went away (stdin closed) is not a stop: the run goes on and finishes (architecture).

  try {
    const result = await runTrainer(spec, { send, shouldStop: () => stopRequested });
    return result.status === 'failed' ? 1 : 0;
  } catch (err) {
    // runTrainer records its own failures; this is a failure to even start.
    process.stderr.write(`${err instanceof LocatedError ? formatError(err) : (err as Error).stack ?? String(err)}\n`);
    return 1;
  } finally {
    input.close();
  }
}

main().then((code) => process.exit(code), (err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
