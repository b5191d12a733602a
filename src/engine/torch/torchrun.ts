// What the launcher needs to know about torchrun (docs/distributed.md): the arguments that start
// a DDP run, how to read torchrun's report of the ranks that failed (the ChildFailedError block
// it prints on stderr), and which of those failures is the run's cause, as one line and one code.
// No processes here: the launcher runs torchrun, this module only speaks its language.
import * as net from 'node:net';
import * as os from 'node:os';
import { RUN_ERROR_CODES, type RunErrorCode } from '../../runs/types';
import type { TorchDistributed } from '../trainer/spec';

/**
 * A rank's own failure exits 1; a rank whose collective failed because a peer went away exits
 * with this code (python/cnn_explorer_torch): it lost its peers, it is not the cause.
 */
const LOST_PEERS_EXIT_CODE = 3;

/**
 * `<python> <these>`: torchrun as a module of the run's Python, one run, no restarts. The
 * underscore spellings are the only ones torch 1.13 takes; `--redirects 2 --tee 2` labels each
 * rank's stderr and leaves stdout (rank 0's protocol) alone.
 */
export function torchrunArgs(d: TorchDistributed, specPath: string): string[] {
  return [
    '-m', 'torch.distributed.run',
    '--nproc_per_node', String(d.nprocPerNode),
    '--nnodes', String(d.nnodes),
    '--node_rank', String(d.nodeRank),
    '--master_addr', d.masterAddr,
    '--master_port', String(d.masterPort),
    '--max_restarts', '0',
    '--monitor_interval', '1',
    '--redirects', '2',
    '--tee', '2',
    '-m', 'cnn_explorer_torch', specPath,
  ];
}

/**
 * A TCP port free on the loopback now, for a one-node job's rendezvous: the system picks it, so
 * two jobs on one machine do not both take torchrun's default.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One failed rank as torchrun reports it. */
export interface TorchrunFailure {
  rank: number;
  localRank: number;
  /** The rank's exit code; negative: the signal that killed it. */
  exitcode: number;
  pid: number | null;
  /**
   * What the rank said: the message of its error file, or the last line of a Python traceback;
   * null when torchrun has nothing (a signal, or a rank that wrote no error file).
   */
  message: string | null;
}

const FIELD = /^ {2}(\w+)\s*: ?(.*)$/;
const BLOCK_START = /^\[\d+\]:\s*$/;
const SEPARATOR = /^(?:-{8,}|={8,})\s*$/;

/** The text torchrun puts in `traceback` that says nothing about the rank. */
const NO_TRACEBACK = /^To enable traceback see:|^<N\/A>$|^Signal \d+ \(\w+\) received by PID \d+$/;

function tracebackMessage(lines: string[]): string | null {
  const text = lines.map((l) => l.trimEnd());
  const first = text[0]?.trim() ?? '';
  if (first === '' || NO_TRACEBACK.test(first)) return null;
  // A @record-decorated entry point's exception: its last line is `Type: message`.
  if (first === 'Traceback (most recent call last):') return text.map((l) => l.trim()).filter(Boolean).at(-1) ?? null;
  return first;
}

function failureFrom(fields: Map<string, string>, traceback: string[]): TorchrunFailure | null {
  const rank = /^(\d+) \(local_rank: (\d+)\)/.exec(fields.get('rank') ?? '');
  const exit = /^(-?\d+)(?: \(pid: (\d+)\))?/.exec(fields.get('exitcode') ?? '');
  if (!rank || !exit) return null;
  return {
    rank: Number(rank[1]), localRank: Number(rank[2]),
    exitcode: Number(exit[1]), pid: exit[2] !== undefined ? Number(exit[2]) : null,
    message: tracebackMessage(traceback),
  };
}

/**
 * The failures in torchrun's last ChildFailedError report in `stderr` (what the launcher kept of
 * it), torchrun's root cause (its first observed failure) first, then the others in the order it
 * lists them. Null when there is no report (torchrun itself failed, or was killed).
 */
export function parseTorchrunReport(stderr: string): TorchrunFailure[] | null {
  const lines = stderr.split(/\r?\n/);
  const start = lines.map((l) => /ChildFailedError:\s*$/.test(l)).lastIndexOf(true);
  if (start < 0) return null;
  const others: TorchrunFailure[] = [];
  const rootCauses: TorchrunFailure[] = [];
  let section: 'others' | 'root' = 'others';
  let fields: Map<string, string> | null = null;
  let traceback: string[] | null = null;
  const close = () => {
    const failure = fields ? failureFrom(fields, traceback ?? []) : null;
    if (failure) (section === 'root' ? rootCauses : others).push(failure);
    fields = null;
    traceback = null;
  };
  for (const line of lines.slice(start + 1)) {
    if (/^Root Cause/.test(line)) { close(); section = 'root'; continue; }
    if (BLOCK_START.test(line) || SEPARATOR.test(line)) { close(); if (BLOCK_START.test(line)) fields = new Map(); continue; }
    if (!fields) continue;
    const field: RegExpExecArray | null = traceback ? null : FIELD.exec(line);
    if (field) {
      if (field[1] === 'traceback') traceback = [field[2]!];
      else fields.set(field[1]!, field[2]!.trim());
    } else if (traceback) {
      traceback.push(line);
    }
  }
  close();
  return [...rootCauses, ...others];
}

/** `Signal 9 (SIGKILL)` for exit code -9. */
function signalText(exitcode: number): string {
  const n = -exitcode;
  const name = Object.entries(os.constants.signals).find(([, v]) => v === n)?.[0];
  return `Signal ${n}${name ? ` (${name})` : ''}`;
}

/** The code a rank's message starts with (`out-of-memory: …`), and the message without it. */
function codedMessage(message: string): { code: RunErrorCode; text: string } {
  const m = /^([a-z-]+): (.*)$/.exec(message);
  if (m && RUN_ERROR_CODES.includes(m[1] as RunErrorCode)) return { code: m[1] as RunErrorCode, text: m[2]! };
  return { code: 'internal', text: message };
}

/**
 * Why a DDP run failed, from the failed ranks: the first whose exit code is not
 * LOST_PEERS_EXIT_CODE (a rank that only lost its peers), else the first.
 */
export function torchrunCause(failures: TorchrunFailure[], worldSize: number): { code: RunErrorCode; message: string } | null {
  const cause = failures.find((f) => f.exitcode !== LOST_PEERS_EXIT_CODE) ?? failures[0];
  if (!cause) return null;
  const who = `rank ${cause.rank} of ${worldSize}`;
  const pid = cause.pid !== null ? ` (pid ${cause.pid})` : '';
  if (cause.exitcode < 0) return { code: 'internal', message: `${who}${pid} died: ${signalText(cause.exitcode)}` };
  if (cause.message) {
    const { code, text } = codedMessage(cause.message);
    return { code, message: `${who} failed: ${text}` };
  }
  const why = cause.exitcode === LOST_PEERS_EXIT_CODE ? 'lost its peers' : `exited with code ${cause.exitcode}`;
  return { code: 'internal', message: `${who}${pid} ${why}` };
}
