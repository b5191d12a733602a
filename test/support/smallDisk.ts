import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * A real small disk for full-disk tests: a tmpfs of `kb` KiB mounted in a new folder under
 * `parent` (root only); null where it cannot be mounted, and the test then skips, saying so.
 */
export function smallDisk(parent: string, kb: number): { dir: string; unmount: () => void } | null {
  const dir = fs.mkdtempSync(path.join(parent, 'disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kb}k`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  return { dir, unmount: () => execFileSync('umount', [dir]) };
}
