import { analyzeModel } from '../analysis/index';
import { buildSummary } from '../analysis/summary';
import { formatSummaryAs } from '../analysis/summaryFormats';
import { formatSummaryTable } from '../analysis/table';
import type { Diagnostic } from '../analysis/types';
import { formatLocation } from '../dsl/errors';
import { trainingBudget } from '../engine/training/memory';
import { loadModelFile, selectModel } from '../loader/index';
import { TABLE_FORMATS } from '../shared/tableFormats';
import { choiceFlag, oneFileProblem, parseCommandArgs, UsageError, usageLine } from './args';
import { relativeToCwd } from './paths';

// `cnn-explorer summary FILE [--model EXPORT] [--json | --format table|json|md|csv|latex]`: the
// analysis of one exported model, as a table for people, as the CLI contract's JSON object, or as
// Markdown, CSV or LaTeX to paste elsewhere. A model with errors is still summarised (shapes stop
// where the error is) and the command exits 1.

const USAGE = 'summary FILE [--model EXPORT] [--json | --format table|json|md|csv|latex]';
const FORMATS = ['table', 'json', ...TABLE_FORMATS] as const;

export async function summaryCommand(argv: string[]): Promise<void> {
  const { text, hasErrors, problems } = await runSummary(argv);
  process.stdout.write(text);
  if (problems) process.stderr.write(problems);
  if (hasErrors) process.exitCode = 1;
}

/**
 * What `summary` prints, and whether the model has errors (exit status 1); an export format's
 * output keeps to the format, so the model's problems then go to stderr (`problems`). `memoryBytes`: what
 * training may use (this machine's memory unless a test says otherwise), for the warning when
 * the model cannot train in it at the file's batch size.
 */
export async function runSummary(argv: string[], memoryBytes?: number): Promise<{ text: string; hasErrors: boolean; problems?: string }> {
  const { values, positionals } = parseCommandArgs(argv, {
    model: { type: 'string' },
    json: { type: 'boolean' },
    format: { type: 'string' },
  }, USAGE);
  if (positionals.length !== 1) {
    throw new UsageError(`${oneFileProblem(positionals.length)}\n${usageLine(USAGE)}`);
  }
  const asked = choiceFlag('--format', values.format, FORMATS, USAGE);
  if (values.json && asked && asked !== 'json') throw new UsageError(`--json and --format ${asked} disagree\n${usageLine(USAGE)}`);
  const format = values.json ? 'json' : asked ?? 'table';
  const loaded = await loadModelFile(positionals[0]!);
  const { exportName, model } = selectModel(loaded, values.model);
  const analysis = analyzeModel(model, trainingBudget(loaded.training, memoryBytes));
  const hasErrors = analysis.diagnostics.some((d) => d.severity === 'error');
  if (format === 'json') return { text: JSON.stringify(buildSummary(model, exportName, analysis)) + '\n', hasErrors };
  const diagnostics = analysis.diagnostics.map((d) => formatDiagnostic(d, model.source?.file ?? loaded.file));
  if (format !== 'table') {
    const text = formatSummaryAs(model, exportName, analysis, format);
    return { text, hasErrors, ...(diagnostics.length ? { problems: diagnostics.join('\n') + '\n' } : {}) };
  }
  const text = formatSummaryTable(model, exportName, analysis) + '\n' +
    (diagnostics.length > 0 ? '\n' + diagnostics.join('\n') + '\n' : '');
  return { text, hasErrors };
}

/** `file:line:column: severity: message`, the file relative to the working directory. */
export function formatDiagnostic(d: Diagnostic, fallbackFile: string): string {
  const where = d.source ? formatLocation(d.source) : fallbackFile;
  return relativeToCwd(`${where}: ${d.severity}: ${d.message}`);
}
