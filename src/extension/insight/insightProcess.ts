import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as readline from 'node:readline';
import * as vscode from 'vscode';
import type { BackendPreference } from '../../shared/backends';
import type { InsightAsk, InsightResult } from '../../shared/messages';
import { parseInsightReply, type InsightAnswer, type InsightQuery, type InsightReply } from '../../shared/trainerProtocol';

// One `cnn-explorer insight RUN --serve` process (docs/trainer-protocol.md, "Insight") per run the
// editor asks about: tfjs loads there, never in the extension host. The run is loaded once; each
// question is a line, its answer comes back as data for the webview to draw.

type Ready = Extract<InsightReply, { type: 'ready' }>;

/** What the webviews need besides an answer: the run's classes, and a note (a torch run read on tfjs). */
export interface InsightContext {
  classNames: string[];
  imageShape: [number, number, number];
  note: string;
}

export class InsightProcess implements vscode.Disposable {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, (answer: InsightAnswer) => void>();
  private nextId = 1;
  private stderrTail = '';
  /** The run loaded, or why it could not be. */
  readonly ready: Promise<Ready | { type: 'failed'; message: string }>;

  constructor(cli: string, runsDir: string, readonly runId: string) {
    const configured = vscode.workspace.getConfiguration('cnnExplorer').get<BackendPreference>('backend') ?? 'auto';
    // Insight runs on tfjs: a torch setting asks tfjs to choose its fastest backend here.
    const backend = configured === 'torch' ? 'auto' : configured;
    this.child = spawn(process.execPath, [cli, 'insight', runId, '--serve', '--runs-dir', runsDir, '--backend', backend], {
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    this.child.stderr.on('data', (d: Buffer) => { this.stderrTail = (this.stderrTail + d.toString()).slice(-2000); });
    const lines = readline.createInterface({ input: this.child.stdout });
    this.ready = new Promise((resolve) => {
      lines.on('line', (line) => {
        const reply = parseInsightReply(line);
        if (!reply) return;
        if ('id' in reply) {
          this.pending.get(reply.id)?.(reply.answer);
          this.pending.delete(reply.id);
        } else {
          resolve(reply);
        }
      });
      this.child.on('exit', () => {
        const why = this.stderrTail.trim().split('\n').pop() || vscode.l10n.t('the insight process ended');
        resolve({ type: 'failed', message: why });
        for (const answer of this.pending.values()) answer({ type: 'error', message: why });
        this.pending.clear();
      });
      this.child.on('error', (err) => resolve({ type: 'failed', message: err.message }));
    });
  }

  async ask(query: InsightQuery): Promise<InsightAnswer> {
    const ready = await this.ready;
    if (ready.type === 'failed') return { type: 'error', message: ready.message };
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ ...query, id })}\n`);
    });
  }

  dispose(): void {
    this.child.stdin.end();
    this.child.kill();
  }
}

/** The processes of the runs recently asked about: the newest few stay loaded, older ones end. */
export class InsightProcesses implements vscode.Disposable {
  private readonly processes: InsightProcess[] = [];

  constructor(private readonly cli: string, private readonly keep = 2) {}

  /** The answer to `query` about run `runId`, with the run's classes (null when it could not load). */
  async ask(runsDir: string, runId: string, query: InsightQuery): Promise<{ answer: InsightAnswer; context: InsightContext | null }> {
    let proc = this.processes.find((p) => p.runId === runId);
    if (!proc) {
      proc = new InsightProcess(this.cli, runsDir, runId);
      this.processes.unshift(proc);
      for (const old of this.processes.splice(this.keep)) old.dispose();
    }
    const ready = await proc.ready;
    if (ready.type === 'failed') {
      this.processes.splice(this.processes.indexOf(proc), 1);
      proc.dispose();
      return { answer: { type: 'error', message: ready.message }, context: null };
    }
    return { answer: await proc.ask(query), context: { classNames: ready.classNames, imageShape: ready.imageShape, note: ready.note } };
  }

  dispose(): void {
    for (const p of this.processes.splice(0)) p.dispose();
  }
}

/** A view's question answered as the message it draws from. */
export async function answerInsight(processes: InsightProcesses, runsDir: string | null, runId: string | null, ask: InsightAsk): Promise<InsightResult> {
  if (!runsDir || !runId) {
    const message = vscode.l10n.t('No finished run of this model with a checkpoint: train it first.');
    return { type: 'insight', requestId: ask.requestId, runId: null, answer: { type: 'error', message }, classNames: [], imageShape: null, note: '' };
  }
  const { answer, context } = await processes.ask(runsDir, runId, ask.query);
  return { type: 'insight', requestId: ask.requestId, runId, answer, classNames: context?.classNames ?? [], imageShape: context?.imageShape ?? null, note: context?.note ?? '' };
}
