// Small CIFAR files in the real binary formats, and the .tar.gz archives the publisher ships
// them in, written by tests (records: label byte(s), then 32×32 red, green and blue planes).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tar from 'tar';

export const cifarPixel = (record: number, plane: number, p: number): number => (record * 31 + plane * 85 + p) % 256;

/** `labels.length` records; each label is an array of the label bytes (CIFAR-100: [coarse, fine]). */
export function cifarRecords(labels: number[][]): Buffer {
  const width = labels[0]!.length + 3072;
  const buf = Buffer.alloc(labels.length * width);
  labels.forEach((label, r) => {
    label.forEach((b, i) => { buf[r * width + i] = b; });
    for (let k = 0; k < 3; k++) for (let p = 0; p < 1024; p++) buf[r * width + label.length + k * 1024 + p] = cifarPixel(r, k, p);
  });
  return buf;
}

/** Writes `files` (name → content) under `folder/` in a fresh temp dir and packs them as a .tar.gz; returns its bytes. */
export async function tarGz(folder: string, files: Record<string, Buffer | string>): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-tar-'));
  fs.mkdirSync(path.join(dir, folder));
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, folder, name), content);
  const out = path.join(dir, 'archive.tar.gz');
  await tar.c({ gzip: true, file: out, cwd: dir, portable: true }, [folder]);
  return fs.readFileSync(out);
}

/** A cifar-10-binary.tar.gz with `perBatch` records in each of the five training batches and `test` in the test batch. */
export function cifar10Archive(perBatch: number, test: number): Promise<Buffer> {
  const batch = (n: number, offset: number) => cifarRecords(Array.from({ length: n }, (_, r) => [(r + offset) % 10]));
  const files: Record<string, Buffer | string> = { 'test_batch.bin': batch(test, 5), 'batches.meta.txt': 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n' };
  for (let b = 1; b <= 5; b++) files[`data_batch_${b}.bin`] = batch(perBatch, b);
  return tarGz('cifar-10-batches-bin', files);
}
