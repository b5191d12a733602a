import { execFile } from 'node:child_process';
import * as path from 'node:path';

// The `git` command line, for when VS Code's git extension is not there (disabled, or another
// editor): a file's text at a revision, the HEAD commit, the revisions worth offering. Each runs
// in the file's folder, so git finds the repository the file is in. No VS Code here (unit-tested
// on a real repository).

/** A revision the user may compare with: a branch, a tag or a commit. */
export interface Revision {
  /** What git understands: `main`, `v1.0`, `3f2a9c1`. */
  ref: string;
  kind: 'branch' | 'tag' | 'commit';
  /** A commit's subject, a branch's or tag's commit. */
  detail: string;
}

/** A git failure as one line: what was asked and git's own first line of complaint. */
class GitError extends Error {}

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      if (!err) {
        resolve(stdout);
        return;
      }
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      const said = String(stderr).split('\n').map((l) => l.replace(/^(fatal|error): /, '').trim()).find((l) => l) ?? err.message;
      reject(new GitError(missing ? 'git is not installed (or not on PATH)' : said));
    });
  });
}

/** The file's text at `rev` (`HEAD`, a branch, a tag, a commit). */
export async function gitShow(file: string, rev: string): Promise<string> {
  // `./name` is relative to the working directory; a plain path would be from the repository root.
  return git(path.dirname(file), ['show', `${rev}:./${path.basename(file)}`]);
}

/** The commit HEAD points at, or null outside a repository (or before the first commit). */
export async function gitHeadCommit(file: string): Promise<string | null> {
  try {
    return (await git(path.dirname(file), ['rev-parse', '--verify', '--quiet', 'HEAD'])).trim() || null;
  } catch {
    return null;
  }
}

/** Local branches, tags, then the recent commits that touched the file (newest first). */
export async function gitRevisions(file: string, commits = 20): Promise<Revision[]> {
  const cwd = path.dirname(file);
  const refs = await git(cwd, ['for-each-ref', '--sort=-committerdate', '--format=%(refname)%09%(objectname:short)', 'refs/heads', 'refs/tags']);
  const out: Revision[] = [];
  for (const line of refs.split('\n').filter(Boolean)) {
    const [name, sha] = line.split('\t') as [string, string];
    const kind = name.startsWith('refs/tags/') ? 'tag' : 'branch';
    out.push({ ref: name.replace(/^refs\/(heads|tags)\//, ''), kind, detail: sha });
  }
  const log = await git(cwd, ['log', `-n${commits}`, '--format=%h%x09%s', '--', path.basename(file)]);
  for (const line of log.split('\n').filter(Boolean)) {
    const tab = line.indexOf('\t');
    out.push({ ref: line.slice(0, tab), kind: 'commit', detail: line.slice(tab + 1) });
  }
  return out;
}
