// Unpacking a checked .tar.gz into a cache folder: the members a loader reads are extracted into
// `<folder>.part/`, which is renamed to `<folder>` only when all of them are there, so a folder
// under its final name is always complete.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { DatasetError } from '../errors';

/**
 * Extracts `members` (paths inside the archive, e.g. 'cifar-10-batches-bin/test_batch.bin') into
 * `folder`, each under its base name; an archive without one of them is a corrupt one.
 */
export async function extractMembers(archive: string, members: string[], folder: string): Promise<void> {
  const part = `${folder}.part`;
  fs.rmSync(part, { recursive: true, force: true });
  fs.mkdirSync(part, { recursive: true });
  const wanted = new Set(members);
  try {
    await tar.x({
      file: archive, cwd: part, strip: 0,
      filter: (p) => wanted.has(p.replace(/^\.\//, '')),
    });
    const missing = members.filter((m) => !fs.existsSync(path.join(part, m)));
    if (missing.length > 0) throw new DatasetError(archive, `the archive has no ${missing.join(', ')}`);
    // Flatten: each member under its base name, as the loaders look for them.
    for (const m of members) {
      const base = path.basename(m);
      if (m !== base) fs.renameSync(path.join(part, m), path.join(part, base));
    }
    for (const m of members) {
      const dirOf = path.dirname(m);
      if (dirOf !== '.') fs.rmSync(path.join(part, dirOf.split('/')[0]!), { recursive: true, force: true });
    }
  } catch (err) {
    fs.rmSync(part, { recursive: true, force: true });
    if (err instanceof DatasetError) throw err;
    throw new DatasetError(archive, `cannot be extracted (${(err as Error).message})`);
  }
  fs.renameSync(part, folder);
}
