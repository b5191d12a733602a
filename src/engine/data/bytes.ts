// Reading a prefix of a data file without loading all of it, gzip or not. Gzip is recognized
// by its magic bytes (not the name), because people gunzip files and keep the name, or not.

import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { DatasetError, unreadable } from './errors';

export interface ByteSource {
  readonly file: string;
  /** Size of the (uncompressed) content. */
  readonly size: number;
  readonly compressed: boolean;
  /** `length` bytes from `offset`; the caller has checked they exist. */
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

/** Opens `file`; a gzip file is decompressed whole (zlib has no random access). */
function openBytes(file: string): ByteSource {
  let fd: number;
  let size: number;
  const magic = Buffer.alloc(2);
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw unreadable(file, err);
  }
  try {
    // A folder opens, but does not read (EISDIR): the user's error, not a bug.
    size = fs.fstatSync(fd).size;
    fs.readSync(fd, magic, 0, 2, 0);
  } catch (err) {
    fs.closeSync(fd);
    throw unreadable(file, err);
  }
  if (size >= 2 && magic[0] === 0x1f && magic[1] === 0x8b) {
    const packed = Buffer.alloc(size);
    fs.readSync(fd, packed, 0, size, 0);
    fs.closeSync(fd);
    let content: Buffer;
    try {
      content = zlib.gunzipSync(packed);
    } catch (err) {
      throw new DatasetError(file, `corrupt gzip data (${(err as Error).message})`);
    }
    return {
      file, size: content.length, compressed: true,
      read: (offset, length) => content.subarray(offset, offset + length),
      close: () => {},
    };
  }
  return {
    file, size, compressed: false,
    read(offset, length) {
      const out = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, out, done, length - done, offset + done);
        if (n === 0) throw new DatasetError(file, `changed while being read (ended at byte ${offset + done})`);
        done += n;
      }
      return out;
    },
    close: () => fs.closeSync(fd),
  };
}

/** Runs `use` on the opened file and always closes it. */
export function withBytes<T>(file: string, use: (src: ByteSource) => T): T {
  const src = openBytes(file);
  try {
    return use(src);
  } finally {
    src.close();
  }
}

/** "1000 bytes" or "1000 bytes uncompressed", for size messages. */
export function describeSize(src: ByteSource): string {
  return `${src.size} bytes${src.compressed ? ' uncompressed' : ''}`;
}
