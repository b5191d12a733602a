import * as vscode from 'vscode';
import type { SourceRange } from '../../dsl/ir';
import type { Position } from './lookup';

// The IR counts lines and columns from 1 (as people and the CLI do); VS Code from 0.

/** Model files on disk. */
export const MODEL_SELECTOR: vscode.DocumentSelector = { scheme: 'file', pattern: '**/*.cnn.ts' };
/** Model files and the helper modules they import (any TypeScript file on disk). */
export const SOURCE_SELECTOR: vscode.DocumentSelector = { scheme: 'file', language: 'typescript' };

export function toVsRange(r: SourceRange): vscode.Range {
  return new vscode.Range(r.line - 1, r.column - 1, r.endLine - 1, r.endColumn - 1);
}

export function toVsPosition(p: Position): vscode.Position {
  return new vscode.Position(p.line - 1, p.column - 1);
}

export function fromVsPosition(p: vscode.Position): Position {
  return { line: p.line + 1, column: p.character + 1 };
}
