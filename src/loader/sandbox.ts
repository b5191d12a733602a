// The evaluation process as its callers see it: one long-lived child process (started on first
// use, replaced when it dies) that evaluates bundles one at a time with a heap limit. A process,
// not a worker thread: a worker's heap limit does not hold against one large allocation (V8
// then ends the whole process, the extension host with it), while a child that runs out of
// memory dies alone. So a model that loops past every limit, or runs out of memory, ends its own
// evaluation with a located error, and the caller (the extension host, the CLI) goes on.
import { spawn, type ChildProcess } from 'node:child_process';
import { findProgram, processExecArgv } from '../engine/programs';
import { LocatedError } from '../dsl/errors';
import type { SourceRange } from '../dsl/ir';
import { currentTranslations } from '../shared/l10n/translate';
import type { FromEvaluator, ToEvaluator } from './evaluator';
import type { RealmOutcome } from './realmApi';

/** The evaluation process's heap limit. */
export const MEMORY_LIMIT_MB = 512;
/** How long past its time limits an evaluation may take before the process is killed. */
const KILL_GRACE_MS = 1000;
/**
 * Past this much heap after an evaluation, the process is replaced before the next one: what
 * realms leave behind must never add up to the limit (and fail a model that fits in it).
 */
const RETIRE_HEAP_BYTES = (MEMORY_LIMIT_MB / 2) * 2 ** 20;
/** How long a new process may take to start (it compiles the realm's program). */
const START_LIMIT_MS = 30_000;

type Message = Omit<ToEvaluator, 'id' | 'translations'>;

interface Job {
  message: Message;
  resolve: (outcome: RealmOutcome) => void;
  reject: (err: Error) => void;
}

class Evaluator {
  private readonly child: ChildProcess;
  private ready = false;
  private current: { id: number; job: Job; timer: NodeJS.Timeout } | null = null;
  private readonly queue: Job[] = [];
  private nextId = 1;
  private startTimer: NodeJS.Timeout | null;
  private stderrTail = '';
  /** The table this process was last sent: a job carries the active one only when it differs. */
  private sentTable: Readonly<Record<string, string>> | null = null;
  /** Set once the process is ended or has died: it takes no more jobs. */
  dead = false;

  constructor() {
    const file = findProgram(__dirname, 'modelEvaluator.js', 'evaluator.ts', 'the model evaluation program');
    this.child = spawn(process.execPath, [
      ...processExecArgv(file),
      `--max-old-space-size=${MEMORY_LIMIT_MB}`,
      // Lets the process answer model code's import() itself (evaluate.ts).
      '--experimental-vm-modules',
      // Nothing in this process compiles strings: if model code ever reached one of its
      // functions, their constructors would still compile nothing.
      '--disallow-code-generation-from-strings',
      // V8's optimized code keeps the realm it was optimized in alive (Node 20): without it, each
      // evaluation of a large model left about half a megabyte behind. Realms start cold anyway.
      '--no-opt',
      file,
    ], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      // In desktop VS Code the extension host's executable is Electron: run it as plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    // V8's report when the heap is exhausted goes here, not to the user.
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    this.startTimer = setTimeout(() => this.end(new Error('the model evaluation process did not start')), START_LIMIT_MS);
    this.child.on('message', (m: FromEvaluator) => this.receive(m));
    this.child.on('error', (err) => this.end(new Error(`the model evaluation process failed: ${err.message}`)));
    // 'close' comes after the last of stderr, which says whether the heap ran out.
    this.child.on('close', (code, signal) => {
      const outOfMemory = /heap out of memory|allocation failed/i.test(this.stderrTail);
      this.end(outOfMemory ? 'memory' : new Error(`the model evaluation process stopped (${signal ?? `exit code ${code}`}): ${this.stderrTail.trim().split('\n').slice(-3).join(' ')}`));
    });
    this.hold(false);
  }

  evaluate(message: Message): Promise<RealmOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.hold(true);
      this.next();
    });
  }

  /** Whether this process keeps the caller's event loop alive: only while it has work. */
  private hold(busy: boolean): void {
    const handles = [this.child, this.child.channel, this.child.stderr, this.startTimer] as ({ ref?(): unknown; unref?(): unknown } | null | undefined)[];
    for (const handle of handles) {
      if (busy) handle?.ref?.(); else handle?.unref?.();
    }
  }

  private next(): void {
    if (!this.ready || this.current || this.dead) return;
    const job = this.queue.shift();
    if (!job) {
      this.hold(false);
      return;
    }
    const id = this.nextId++;
    // Two timed runs (the model's script, then reading its exports back), then a margin.
    const limit = 2 * job.message.timeoutMs + KILL_GRACE_MS;
    this.current = { id, job, timer: setTimeout(() => this.end('time'), limit) };
    this.child.send({ ...job.message, id, translations: this.translationsToSend() } satisfies ToEvaluator);
  }

  /** The caller's language and table as JSON, unless this process has that table already. */
  private translationsToSend(): string | undefined {
    const { language, table } = currentTranslations();
    if (table === this.sentTable) return undefined;
    this.sentTable = table;
    return JSON.stringify({ language, table });
  }

  private receive(m: FromEvaluator): void {
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
      if (m.type === 'done' && m.heapUsed > RETIRE_HEAP_BYTES) this.end('retire');
    }
    this.next();
  }

  /**
   * Ends the process. For `time` and `memory` the job in flight fails at its file's start; for
   * those and `retire` the queued ones move to a new process; a process that failed by itself
   * fails them all.
   */
  private end(reason: 'time' | 'memory' | 'retire' | Error): void {
    if (this.dead) return;
    this.dead = true;
    if (this.startTimer) clearTimeout(this.startTimer);
    this.child.kill('SIGKILL');
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
      } else if (reason instanceof Error) {
        current.job.reject(reason);
      }
    }
    for (const job of this.queue.splice(0)) {
      if (reason instanceof Error) job.reject(reason);
      else evaluateInSandbox(job.message).then(job.resolve, job.reject);
    }
  }
}

let evaluator: Evaluator | null = null;

function current(): Evaluator {
  if (!evaluator || evaluator.dead) evaluator = new Evaluator();
  return evaluator;
}

/** Starts the evaluation process if none runs, so that it is ready sooner (it starts in the background). */
export function warmSandbox(): void {
  current();
}

/** Evaluates a bundle in the evaluation process; a time or memory overrun is a LocatedError. */
export function evaluateInSandbox(message: Message): Promise<RealmOutcome> {
  return current().evaluate(message);
}
