import * as fs from 'node:fs';

// The entries of a .vsix (a zip file) from its central directory: name and uncompressed size,
// enough to list a package and add up what it takes once installed.

export interface ZipEntry {
  name: string;
  size: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;

export function zipEntries(file: string): ZipEntry[] {
  const zip = fs.readFileSync(file);
  // The end record is the last 22 bytes plus a comment of at most 65535 bytes.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) { end = i; break; }
  }
  if (end < 0) throw new Error(`${file}: not a zip file (no end of central directory)`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw new Error(`${file}: bad central directory entry ${i}`);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28), extraLength = zip.readUInt16LE(at + 30), commentLength = zip.readUInt16LE(at + 32);
    entries.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLength), size });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** A .vsix's figures: its size, and the files it installs (under extension/) with their total size. */
export function vsixFigures(file: string): { packed: number; installed: number; files: string[] } {
  const installedEntries = zipEntries(file).filter((e) => e.name.startsWith('extension/'));
  return {
    packed: fs.statSync(file).size,
    installed: installedEntries.reduce((sum, e) => sum + e.size, 0),
    files: installedEntries.map((e) => e.name.slice('extension/'.length)),
  };
}
