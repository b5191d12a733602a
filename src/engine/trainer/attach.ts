// Following a run that another process started and that is still training: the window that
// started it was reloaded (the trainer runs in its own process group and outlives it), or the
// CLI started it. Everything comes from the run folder: metrics.jsonl holds every message the
// trainer sent, run.json its status and pid. Stopping is SIGTERM, which the trainer takes as a
// clean stop after its current batch (main.ts).
import { runResult } from '../../runs/result';
import { markInterruptedIfDead, processAlive, readRun, watchMetrics } from '../../runs/store';
import type { TrainResult } from '../../runs/types';
import { protocolMismatch, type TrainerMessage } from '../../shared/trainerProtocol';
import type { RunHandle } from './start';

export interface AttachOptions {
  /** How often the folder is read. */
  pollMs?: number;
}

/**
 * A handle on the run in `runDir` if its trainer is alive on this machine and speaks this
 * protocol version (a folder written before versions existed has no hello: version 1); null otherwise.
 */
export function attachTrainer(runDir: string, runId: string, opts: AttachOptions = {}): RunHandle | null {
  const first = markInterruptedIfDead(runDir);
  if (first?.status !== 'running' || first.pid === null) return null;
  const pid = first.pid;
  const reader = watchMetrics(runDir);
  // What the run wrote so far, replayed to the listeners on the first poll.
  let backlog = reader.read();
  const hello = backlog[0];
  if (hello?.type === 'hello' && protocolMismatch(hello)) return null;
  const listeners: ((msg: TrainerMessage) => void)[] = [];
  let finished: TrainResult | null = null;
  let resolveDone!: (r: TrainResult) => void;
  const done = new Promise<TrainResult>((resolve) => { resolveDone = resolve; });

  const take = () => {
    const fresh = [...backlog, ...reader.read()];
    backlog = [];
    for (const msg of fresh) {
      if (msg.type === 'done') finished = msg.result;
      for (const l of listeners) l(msg);
    }
  };
  const poll = () => {
    take();
    // run.json says the run ended a moment before the trainer's last line: wait for that line
    // while the trainer lives, so that listeners see the whole run, `done` included.
    const record = finished ? null : markInterruptedIfDead(runDir);
    const gone = record !== null && record.status !== 'running' && !processAlive(pid);
    if (!finished && gone) take();
    if (finished || gone) {
      clearInterval(timer);
      resolveDone(finished ?? runResult(record, runId, runDir));
    }
  };
  const timer = setInterval(poll, opts.pollMs ?? 500);
  // The first read replays what the run already wrote, once someone is listening.
  setImmediate(poll);

  let stopping = false;
  return {
    runId, runDir, done,
    onMessage: (l) => { listeners.push(l); },
    stop(graceMs = 10_000) {
      if (stopping || finished) return;
      stopping = true;
      const signal = (name: NodeJS.Signals) => {
        if (readRun(runDir)?.status !== 'running') return;
        try { process.kill(pid, name); } catch { /* already gone */ }
      };
      signal('SIGTERM');
      const kill = setTimeout(() => signal('SIGKILL'), graceMs * 2);
      kill.unref();
      void done.then(() => clearTimeout(kill));
    },
  };
}
