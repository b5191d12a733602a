// Small file helpers for run folders: JSON written atomically (temp file + rename, so readers
// see the old document or the new one, never half of one) and an append-only JSON-lines log.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
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

  /** Appends one line already encoded (it must end with a newline and hold no other). */
  appendLine(line: string): void {
    fs.writeSync(this.fd, line);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/**
 * Reads a JSON-lines file incrementally: each `read()` returns the records completed since the
 * last one. A line still being written (no newline yet) waits for the next read; a line that is
 * not JSON (a crash mid-write long ago), or that `decode` turns down, is skipped.
 */
export class JsonlReader<T = unknown> {
  private offset = 0;
  private pending: Buffer = Buffer.alloc(0);

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
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue; // a torn line
      }
      const record = this.decode(value);
      if (record !== null) out.push(record);
    }
    return out;
  }
}
