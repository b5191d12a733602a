// `npm run package`: the extension as one .vsix per platform (dist/cnn-explorer-<target>.vsix)
// and the CLI as an npm package (dist/cnn-explorer-<version>.tgz), all from one production
// build; then each one's size. `--target T` (repeatable) builds only those platforms' .vsix.
import * as path from 'node:path';
import { buildBundles, packNpm, packVsix, removeRunFolders, ROOT, stageNpm, stageVsix, TARGETS, type Target } from './packageLayout';
import { vsixFigures } from './zipListing';

const log = (line: string) => console.log(line);
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function targetsAsked(argv: string[]): Target[] {
  const asked = argv.flatMap((a, i) => (a === '--target' ? [argv[i + 1] ?? ''] : []));
  for (const t of asked) {
    if (!(TARGETS as readonly string[]).includes(t)) throw new Error(`--target ${t}: not one of ${TARGETS.join(', ')}`);
  }
  return asked.length ? (asked as Target[]) : [...TARGETS];
}

function main(): void {
  const targets = targetsAsked(process.argv.slice(2));
  buildBundles(log);
  const rows: string[] = [];
  for (const target of targets) {
    stageVsix(target, log);
    const vsix = packVsix(target, log);
    const f = vsixFigures(vsix);
    rows.push(`${path.relative(ROOT, vsix)}: ${mb(f.packed)} packed, ${mb(f.installed)} installed, ${f.files.length} files`);
  }
  stageNpm();
  const npm = packNpm(log);
  rows.push(`${path.relative(ROOT, npm.file)}: ${mb(npm.size)} packed, ${mb(npm.unpackedSize)} unpacked, ${npm.files.length} files`);
  console.log(`\n${rows.join('\n')}`);
}

try {
  main();
} catch (e) {
  console.error(`packaging failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  removeRunFolders();
}
