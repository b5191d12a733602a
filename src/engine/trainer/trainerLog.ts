// The trainer's stderr lives in its run folder, as trainer.log: the starter opens the file and
// hands it to the trainer as fd 2. Everything written there stays out of the user's terminal
// and out of the editor's notifications (the native libraries' own lines while backends are
// probed, library warnings, the stack of a failure), and is still there after the starter has
// gone (a reloaded window) or the trainer has died. The CLI shows it with --verbose, the editor
// in its output channel.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';

const TRAINER_LOG = 'trainer.log';

export function trainerLogPath(runDir: string): string {
  return path.join(runDir, TRAINER_LOG);
}

/** The file descriptor to give the trainer as its stderr (appended to, never truncated). */
export function openTrainerLog(runDir: string): number {
  return fs.openSync(trainerLogPath(runDir), 'a');
}

/** The bytes of `file` from `start` to `end` (its current size by default); none when unreadable. */
function readBytes(file: string, start: number, end?: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const stop = end ?? fs.fstatSync(fd).size;
    if (stop <= start) return Buffer.alloc(0);
    const buf = Buffer.alloc(stop - start);
    return buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, start));
  } finally {
    fs.closeSync(fd);
  }
}

/** The last `maxBytes` of a run's trainer.log ('' when there is none). */
export function trainerLogTail(runDir: string, maxBytes = 64 * 1024): string {
  const file = trainerLogPath(runDir);
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return '';
  }
  return readBytes(file, Math.max(0, size - maxBytes), size).toString('utf8');
}

/** Calls `onText` with what `file` holds and what is appended to it, until stop() (which reads the rest first). */
export function followLog(file: string, onText: (text: string) => void, pollMs = 200): { stop(): void } {
  let offset = 0;
  const decoder = new StringDecoder('utf8');
  const poll = () => {
    const bytes = readBytes(file, offset);
    offset += bytes.length;
    // The decoder holds back a character cut by the end of what was written so far.
    const text = decoder.write(bytes);
    if (text) onText(text);
  };
  const timer = setInterval(poll, pollMs);
  timer.unref();
  return { stop() { clearInterval(timer); poll(); } };
}

/**
 * Inside the trainer: runs `fn` and returns what was written to this process's stderr meanwhile,
 * native code included, when stderr is the run's trainer.log (as the CNN Explorer starters
 * arrange); undefined when stderr is something else (a terminal, a pipe), which cannot be read back.
 */
export function stderrCapture(runDir: string): (<T>(fn: () => Promise<T>) => Promise<{ value: T; output: string }>) | undefined {
  const file = trainerLogPath(runDir);
  try {
    const own = fs.fstatSync(2);
    const log = fs.statSync(file);
    if (!own.isFile() || own.ino !== log.ino || own.dev !== log.dev) return undefined;
  } catch {
    return undefined;
  }
  return async (fn) => {
    const start = fs.fstatSync(2).size;
    const value = await fn();
    return { value, output: readBytes(file, start).toString('utf8') };
  };
}
