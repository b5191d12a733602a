// Downloading Fashion-MNIST's official IDX files into the cache, when the user allows it
// (`online`). Each file is checked against its published size and SHA-256 before it is moved
// into place, so a cut connection or a changed mirror never leaves a bad file that looks good.

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError } from './errors';

export interface RemoteFile {
  name: string;
  bytes: number;
  sha256: string;
}

// The zalandoresearch/fashion-mnist repository's copies (HTTPS; the S3 website is HTTP only).
export const FASHION_BASE_URL = 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/';
export const FASHION_FILES: RemoteFile[] = [
  { name: 'train-images-idx3-ubyte.gz', bytes: 26421880, sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
  { name: 'train-labels-idx1-ubyte.gz', bytes: 29515, sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
  { name: 't10k-images-idx3-ubyte.gz', bytes: 4422102, sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
  { name: 't10k-labels-idx1-ubyte.gz', bytes: 5148, sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
];

/** Checks content against the published size and hash; returns a problem, or undefined. */
export function checkFile(content: Uint8Array, expected: RemoteFile): string | undefined {
  if (content.length !== expected.bytes) return `${content.length} bytes, expected ${expected.bytes}`;
  const sha = createHash('sha256').update(content).digest('hex');
  if (sha !== expected.sha256) return `SHA-256 ${sha}, expected ${expected.sha256}`;
  return undefined;
}

/** Downloads each missing file of `files` from `baseUrl` into `dir`; files already there are kept. */
export async function downloadInto(dir: string, baseUrl: string, files: RemoteFile[]): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const target = path.join(dir, f.name);
    if (fs.existsSync(target)) continue;
    const url = baseUrl + f.name;
    let content: Uint8Array;
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      content = new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      throw new DatasetError(url, `download failed (${(err as Error).message}); put the files in ${dir} yourself`, 'missing');
    }
    const problem = checkFile(content, f);
    if (problem) throw new DatasetError(url, `downloaded file is not the expected one: ${problem}`);
    // Temp file + rename: the target either does not exist or is complete and checked.
    const temp = `${target}.${process.pid}.part`;
    fs.writeFileSync(temp, content);
    fs.renameSync(temp, target);
  }
}
