// The evaluation thread as its callers see it: one long-lived worker (started on first use and
// replaced when it dies) that evaluates bundles one at a time, off the caller's thread, with a
// memory limit. A model that loops past every limit, or runs out of memory, ends its own
// evaluation with a located error; the caller's thread (the extension host, the CLI) goes on.
import type { Worker } from 'node:worker_threads';
import { findProgram, startThread } from '../engine/programs';
import { LocatedError } from '../dsl/errors';
import type { SourceRange } from '../dsl/ir';
import type { Bundle } from './bundle';
import type { RealmOutcome } from './realmApi';
import type { FromEvaluationThread, ToEvaluationThread } from './worker';

/** The evaluation thread's heap limit. */
export const MEMORY_LIMIT_MB = 512;
/** How long past its time limits an evaluation may take before the thread is ended. */
const KILL_GRACE_MS = 1000;
/** How long a new thread may take to start (it compiles the realm's program). */
const START_LIMIT_MS = 30_000;

interface Job {
  message: Omit<ToEvaluationThread, 'id'>;
  resolve: (outcome: RealmOutcome) => void;
  reject: (err: Error) => void;
}

class EvaluationThread {
  private readonly worker: Worker;
  private ready = false;
  private current: { id: number; job: Job; timer: NodeJS.Timeout } | null = null;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private startTimer: NodeJS.Timeout | null;
  /** Set once the thread is ended or has died: it takes no more jobs. */
  dead = false;

  constructor(private readonly onDeath: (thread: EvaluationThread) => void) {
    const file = findProgram(__dirname, 'modelWorker.js', 'worker.ts', 'the model evaluation thread');
    // --experimental-vm-modules lets the thread answer model code's import() itself (evaluate.ts).
    this.worker = startThread(file, {
      resourceLimits: { maxOldGenerationSizeMb: MEMORY_LIMIT_MB },
      execArgv: ['--experimental-vm-modules'],
    });
    this.startTimer = setTimeout(() => this.end(new Error('the model evaluation thread did not start')), START_LIMIT_MS);
    this.startTimer.unref();
    this.worker.on('message', (m: FromEvaluationThread) => this.receive(m));
    this.worker.on('error', (err: Error & { code?: string }) => {
      this.end(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'memory' : new Error(`the model evaluation thread failed: ${err.message}`));
    });
    this.worker.on('exit', (code) => this.end(new Error(`the model evaluation thread stopped (exit code ${code})`)));
  }

  evaluate(message: Job['message']): Promise<RealmOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.worker.ref();
      this.next();
    });
  }

  private next(): void {
    if (!this.ready || this.current || this.dead) return;
    const job = this.queue.shift();
    if (!job) {
      this.worker.unref(); // idle: the caller's process may end
      return;
    }
    const id = this.nextId++;
    // Two timed runs (the model's script, then reading its exports back), then a margin.
    const limit = 2 * job.message.timeoutMs + KILL_GRACE_MS;
    this.current = { id, job, timer: setTimeout(() => this.end('time'), limit) };
    this.worker.postMessage({ ...job.message, id } satisfies ToEvaluationThread);
  }

  private receive(m: FromEvaluationThread): void {
    if (m.type === 'ready') {
      this.ready = true;
      if (this.startTimer) clearTimeout(this.startTimer);
      this.startTimer = null;
    } else if (this.current && m.id === this.current.id) {
      const { job, timer } = this.current;
      clearTimeout(timer);
      this.current = null;
      if (m.type === 'done') job.resolve(m.outcome);
      else job.reject(new Error(`evaluating the model file failed: ${m.message}`));
    }
    this.next();
  }

  /**
   * Ends the thread. For `time` and `memory` the job in flight fails at its file's start and the
   * queued ones move to a new thread; a thread that failed by itself fails them all.
   */
  private end(reason: 'time' | 'memory' | Error): void {
    if (this.dead) return;
    this.dead = true;
    if (this.startTimer) clearTimeout(this.startTimer);
    void this.worker.terminate();
    const current = this.current;
    this.current = null;
    if (current) {
      clearTimeout(current.timer);
      const { message } = current.job;
      const at: SourceRange = { file: message.entry, line: 1, column: 1, endLine: 1, endColumn: 1 };
      if (reason === 'time') {
        current.job.reject(new LocatedError(`evaluating the model file took longer than ${message.timeoutMs / 1000} s and was stopped (an endless loop?)`, at));
      } else if (reason === 'memory') {
        current.job.reject(new LocatedError(`evaluating the model file ran out of memory (limit ${MEMORY_LIMIT_MB} MB) and was stopped`, at));
      } else {
        current.job.reject(reason);
      }
    }
    this.onDeath(this);
    for (const job of this.queue.splice(0)) {
      if (reason instanceof Error) job.reject(reason);
      else void evaluateOnThread(job.message).then(job.resolve, job.reject);
    }
  }
}

let thread: EvaluationThread | null = null;

function evaluateOnThread(message: Job['message']): Promise<RealmOutcome> {
  if (!thread || thread.dead) {
    thread = new EvaluationThread((dead) => {
      if (thread === dead) thread = null;
    });
  }
  return thread.evaluate(message);
}

/** Evaluates a bundle on the evaluation thread; a time or memory overrun is a LocatedError. */
export function evaluateInSandbox(bundle: Bundle, entry: string, timeoutMs: number): Promise<RealmOutcome> {
  return evaluateOnThread({ bundle, entry, timeoutMs });
}
