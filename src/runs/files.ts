// Small file helpers for run folders: JSON written atomically (temp file + rename, so readers
// see the old document or the new one, never half of one) and an append-only JSON-lines log.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A run folder that cannot be written (a full disk, a quota): the message names the file and why. */
export class RunWriteError extends Error {
  override name = 'RunWriteError';
  constructor(readonly file: string, override readonly cause: NodeJS.ErrnoException) {
    super(`cannot write ${file}: ${WRITE_FAILURES[cause.code ?? ''] ?? cause.message}`);
  }
}

const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded', EFBIG: 'file too large', EROFS: 'read-only file system',
};

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  try {
    fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
    fs.renameSync(tmp, file);
  } catch (err) {
    // A half-written temporary file would hold on to the space a full disk needs back.
    try { fs.unlinkSync(tmp); } catch { /* never created */ }
    throw new RunWriteError(file, err as NodeJS.ErrnoException);
  }
}

export function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null; // missing, or written by an older/foreign tool: the caller decides
  }
}

/** Appends JSON records, one per line; each append is one write(2), so it is on disk for readers at once. */
export class JsonlWriter {
  private readonly fd: number;
  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a');
  }

  append(record: unknown): void {
    this.appendLine(JSON.stringify(record) + '\n');
  }

  /**
   * Appends lines already encoded (whole lines: it must end with a newline). A write that fails
   * part-way (a full disk) is cut back off, so the file keeps only whole lines.
   */
  appendLine(line: string): void {
    const bytes = Buffer.from(line, 'utf8');
    let written = 0;
    try {
      while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written, bytes.length - written);
    } catch (err) {
      if (written > 0) {
        try { fs.ftruncateSync(this.fd, fs.fstatSync(this.fd).size - written); } catch { /* left torn: readers skip it */ }
      }
      throw new RunWriteError(this.file, err as NodeJS.ErrnoException);
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** A line that failed to parse may be a torn record with a whole one appended after it. */
const RECORD_START = '{"type":';

/**
 * Reads a JSON-lines file incrementally: each `read()` returns the records completed since the
 * last one. A line still being written (no newline yet) waits for the next read; a line that is
 * not JSON (a crash mid-write long ago) is skipped and counted, keeping a whole record written
 * after a torn one on the same line; a record that `decode` turns down is left out.
 */
export class JsonlReader<T = unknown> {
  private offset = 0;
  private pending: Buffer = Buffer.alloc(0);
  /** Lines that were not JSON, so far. */
  skippedLines = 0;

  /** Bytes after the last newline: a line being written, or, in a finished file, a torn one. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  constructor(readonly file: string, private readonly decode: (value: unknown) => T | null = (v) => v as T) {}

  read(): T[] {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return []; // not written yet
    }
    const chunks: Buffer[] = [];
    try {
      const buf = Buffer.alloc(1 << 16);
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, this.offset);
        if (n <= 0) break;
        chunks.push(Buffer.from(buf.subarray(0, n)));
        this.offset += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    // Split on the last newline byte, so a character cut between two reads is decoded whole.
    const all = Buffer.concat([this.pending, ...chunks]);
    const end = all.lastIndexOf(10) + 1;
    this.pending = all.subarray(end);
    const lines = all.subarray(0, end).toString('utf8').split('\n');
    const out: T[] = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      const value = parseLine(line);
      if (value === undefined) {
        this.skippedLines++;
        const start = line.lastIndexOf(RECORD_START);
        const rest = start > 0 ? parseLine(line.slice(start)) : undefined;
        if (rest === undefined) continue;
        const record = this.decode(rest);
        if (record !== null) out.push(record);
        continue;
      }
      const record = this.decode(value);
      if (record !== null) out.push(record);
    }
    return out;
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
