import * as vscode from 'vscode';
import type { GitExtension, GitRepository } from '../typings/vscodeGit';
import { gitHeadCommit, gitRevisions, gitShow, type Revision } from './gitCli';

// A model file's history, through VS Code's git extension when it is there and knows the file's
// repository (no process per question: HEAD is in its state), else through the `git` command.

async function repositoryOf(uri: vscode.Uri): Promise<GitRepository | null> {
  const extension = vscode.extensions.getExtension<GitExtension>('vscode.git');
  if (!extension) return null;
  try {
    const exports = extension.isActive ? extension.exports : await extension.activate();
    return exports.enabled ? exports.getAPI(1).getRepository(uri) : null;
  } catch {
    return null; // the git extension failed to start: the command line may still work
  }
}

/** The file's text at `rev`; throws one line when it has none there. */
export async function textAtRevision(uri: vscode.Uri, rev: string): Promise<string> {
  const repo = await repositoryOf(uri);
  if (repo) {
    try {
      return await repo.show(rev, uri.fsPath);
    } catch {
      // The extension's errors say little ("Failed to execute git"): ask git itself for the reason.
    }
  }
  return gitShow(uri.fsPath, rev);
}

/** The commit HEAD is at, or null outside a repository. */
export async function headCommit(uri: vscode.Uri): Promise<string | null> {
  const repo = await repositoryOf(uri);
  return repo?.state.HEAD?.commit ?? gitHeadCommit(uri.fsPath);
}

/** Branches, tags and the recent commits of the file, to pick one to compare with. */
export async function revisions(uri: vscode.Uri): Promise<Revision[]> {
  const repo = await repositoryOf(uri);
  if (!repo) return gitRevisions(uri.fsPath);
  try {
    const refs = repo.getRefs ? await repo.getRefs({ sort: 'committerdate' }) : repo.state.refs;
    const commits = await repo.log({ maxEntries: 20, path: uri.fsPath });
    return [
      ...refs.filter((r) => r.name && r.type !== 1).map((r): Revision => ({ ref: r.name!, kind: r.type === 2 ? 'tag' : 'branch', detail: r.commit?.slice(0, 7) ?? '' })),
      ...commits.map((c): Revision => ({ ref: c.hash.slice(0, 7), kind: 'commit', detail: c.message.split('\n')[0] ?? '' })),
    ];
  } catch {
    return gitRevisions(uri.fsPath);
  }
}
