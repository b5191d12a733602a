// The zip container of torch.save (PyTorch 1.6 and later): `<name>/data.pkl`, the pickled
// object, and `<name>/data/<key>`, one entry per storage. torch.save stores entries
// uncompressed; deflated ones (a file re-zipped by another tool) are inflated with node:zlib.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

/** A file that is not a readable zip: the message names the file and what is wrong. */
export class ZipError extends Error {
  override name = 'ZipError';
  constructor(readonly file: string, what: string) {
    super(`${file}: ${what}`);
  }
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export class ZipFile {
  readonly entries = new Map<string, ZipEntry>();
  private readonly bytes: Buffer;

  constructor(readonly file: string) {
    this.bytes = fs.readFileSync(file);
    this.readCentralDirectory();
  }

  private fail(what: string): never {
    throw new ZipError(this.file, what);
  }

  private readCentralDirectory(): void {
    const b = this.bytes;
    // The end record is in the last 22 + 65535 (comment) bytes.
    let eocd = -1;
    for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
      if (b.readUInt32LE(i) === EOCD) { eocd = i; break; }
    }
    if (eocd < 0) this.fail('not a zip file, or a truncated one (no end of central directory record)');
    let count = b.readUInt16LE(eocd + 10);
    let size = b.readUInt32LE(eocd + 12);
    let offset = b.readUInt32LE(eocd + 16);
    if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
      const locator = eocd - 20;
      if (locator < 0 || b.readUInt32LE(locator) !== ZIP64_LOCATOR) this.fail('zip64 end of central directory locator missing');
      const at = Number(b.readBigUInt64LE(locator + 8));
      if (at + 56 > b.length || b.readUInt32LE(at) !== ZIP64_EOCD) this.fail('zip64 end of central directory record missing');
      count = Number(b.readBigUInt64LE(at + 32));
      size = Number(b.readBigUInt64LE(at + 40));
      offset = Number(b.readBigUInt64LE(at + 48));
    }
    if (offset + size > b.length) this.fail(`the central directory (${size} bytes at ${offset}) lies past the end of the file (${b.length} bytes): truncated?`);
    let p = offset;
    for (let i = 0; i < count; i++) {
      if (p + 46 > b.length || b.readUInt32LE(p) !== CENTRAL) this.fail(`central directory entry ${i + 1} of ${count} is damaged`);
      const method = b.readUInt16LE(p + 10);
      let compressedSize = b.readUInt32LE(p + 20);
      let entrySize = b.readUInt32LE(p + 24);
      const nameLength = b.readUInt16LE(p + 28);
      const extraLength = b.readUInt16LE(p + 30);
      const commentLength = b.readUInt16LE(p + 32);
      let localHeaderOffset = b.readUInt32LE(p + 42);
      const name = b.toString('utf8', p + 46, p + 46 + nameLength);
      // Zip64: the sizes and offset that overflowed 32 bits are in extra field 0x0001, in this order.
      let e = p + 46 + nameLength;
      const extraEnd = e + extraLength;
      while (e + 4 <= extraEnd) {
        const id = b.readUInt16LE(e);
        const len = b.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (entrySize === 0xffffffff) { entrySize = Number(b.readBigUInt64LE(q)); q += 8; }
          if (compressedSize === 0xffffffff) { compressedSize = Number(b.readBigUInt64LE(q)); q += 8; }
          if (localHeaderOffset === 0xffffffff) { localHeaderOffset = Number(b.readBigUInt64LE(q)); }
        }
        e += 4 + len;
      }
      this.entries.set(name, { name, method, compressedSize, size: entrySize, localHeaderOffset });
      p = extraEnd + commentLength;
    }
  }

  /** The entry's bytes (a view of the file for stored entries). */
  read(name: string): Buffer {
    const entry = this.entries.get(name);
    if (!entry) this.fail(`no entry ${name} in the archive`);
    const b = this.bytes;
    const h = entry.localHeaderOffset;
    if (h + 30 > b.length || b.readUInt32LE(h) !== LOCAL) this.fail(`the local header of ${name} is damaged`);
    const start = h + 30 + b.readUInt16LE(h + 26) + b.readUInt16LE(h + 28);
    if (start + entry.compressedSize > b.length) this.fail(`${name} runs past the end of the file: truncated?`);
    const raw = b.subarray(start, start + entry.compressedSize);
    switch (entry.method) {
      case 0: return raw;
      case 8: return zlib.inflateRawSync(raw);
      default: return this.fail(`${name} is compressed with zip method ${entry.method}, which is not read (stored and deflate are)`);
    }
  }
}
