import type * as vscode from 'vscode';

// The part of VS Code's built-in git extension API (extension `vscode.git`, API version 1) that
// the architecture diff uses. The extension ships no typings package; this mirrors its git.d.ts
// for exactly these members, so a change there shows up here as a type to check.

export interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

export interface GitApi {
  getRepository(uri: vscode.Uri): GitRepository | null;
}

/** git.d.ts RefType: 0 a local branch, 1 a remote branch, 2 a tag. */
export interface GitRef {
  readonly type: 0 | 1 | 2;
  readonly name?: string;
  readonly commit?: string;
}

export interface GitCommit {
  readonly hash: string;
  readonly message: string;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly HEAD: { readonly name?: string; readonly commit?: string } | undefined;
    /** Empty in newer versions, which have `getRefs`. */
    readonly refs: readonly GitRef[];
  };
  getRefs?(query: { pattern?: string; count?: number; sort?: 'alphabetically' | 'committerdate' }): Promise<GitRef[]>;
  /** The text of `path` (absolute) at `ref`. */
  show(ref: string, path: string): Promise<string>;
  log(options?: { maxEntries?: number; path?: string }): Promise<GitCommit[]>;
}
