import * as path from 'node:path';
import { importRuns } from '../runs/importRun';
import { comparisonContract, compareRuns, bestEpochOf, finalEpochOf, EPOCH_METRICS, type Comparison } from '../runs/compare';
import { configDiffTable, curvesTable, metricsTable, perClassTable, runsTable } from '../runs/compareTables';
import { loadRun, loadRuns, resolveRunId, RunLookupError } from '../runs/lookup';
import { readMeta } from '../runs/meta';
import { loadRunModels } from '../runs/runModels';
import { defaultRunsDir, listRuns } from '../runs/store';
import { formatComparison, formatRunList, formatRunShow, runSeconds, type ListedRun } from '../runs/text';
import { formatTable, type DataTable } from '../shared/tableFormats';
import { choiceFlag, parseCommandArgs, UsageError, usageLine } from './args';

// `cnn-explorer runs list | show ID | compare ID ID… | import DIR [--runs-dir DIR] [--json]`: the
// run store for people (tables) and for programs (the contract's JSON). Ids may be given by unique
// prefix. `import` copies runs trained elsewhere (a training job's, docs/export.md) into the store.
// To paste elsewhere: `compare --format md|csv [--table T]` writes the comparison's tables (CSV:
// one table, the metrics unless --table names another), `show --curves csv` the run's curves.

const USAGE = 'runs list|show ID [--curves csv]|compare ID ID… [--format md|csv [--table runs|config|metrics|per-class|curves]]'
  + '|import DIR [--runs-dir DIR] [--json]';

const OPTIONS = {
  'runs-dir': { type: 'string' },
  json: { type: 'boolean' },
  format: { type: 'string' },
  table: { type: 'string' },
  curves: { type: 'string' },
} as const;

/** The comparison's tables, by --table name, with the heading Markdown gives each. */
const COMPARE_TABLES: Record<string, { heading: string; empty: string; of: (c: Comparison) => DataTable }> = {
  runs: { heading: 'Runs', empty: '', of: runsTable },
  config: { heading: 'What differs', empty: 'The runs are configured the same.', of: configDiffTable },
  metrics: { heading: 'Best and final metrics', empty: '', of: metricsTable },
  'per-class': { heading: 'Per-class test accuracy (best epoch)', empty: 'No run has a finished epoch yet.', of: perClassTable },
  curves: { heading: 'Curves', empty: 'No epoch has finished yet.', of: (c) => curvesTable(c, [...EPOCH_METRICS, 'lr']) },
};

export async function runsCommand(argv: string[]): Promise<void> {
  process.stdout.write(await runRuns(argv));
}

/** What `runs …` prints on stdout; errors are thrown (one line each). */
export async function runRuns(argv: string[]): Promise<string> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, USAGE);
  const [sub, ...ids] = positionals;
  const runsDir = values['runs-dir'] ? path.resolve(values['runs-dir']) : defaultRunsDir();
  const json = values.json === true;
  const only = (flag: string, command: string) => {
    if (values[flag as keyof typeof values] !== undefined && sub !== command) throw new UsageError(`--${flag} is for runs ${command}\n${usageLine(USAGE)}`);
  };
  only('format', 'compare');
  only('table', 'compare');
  only('curves', 'show');
  switch (sub) {
    case 'list':
      if (ids.length) throw new UsageError(`runs list takes no ids\n${usageLine(USAGE)}`);
      return list(runsDir, json);
    case 'show':
      if (ids.length !== 1) throw new UsageError(`runs show takes one id\n${usageLine(USAGE)}`);
      if (values.curves !== undefined && json) throw new UsageError(`--json and --curves disagree\n${usageLine(USAGE)}`);
      if (values.curves !== undefined) return curves(runsDir, ids[0]!, choiceFlag('--curves', values.curves, ['csv'] as const, USAGE)!);
      return show(runsDir, ids[0]!, json);
    case 'compare':
      if (ids.length < 2) throw new UsageError(`runs compare takes two or more ids\n${usageLine(USAGE)}`);
      if (values.format !== undefined || values.table !== undefined) {
        if (json) throw new UsageError(`--json and --format disagree\n${usageLine(USAGE)}`);
        const format = choiceFlag('--format', values.format ?? 'md', ['md', 'csv'] as const, USAGE)!;
        const table = choiceFlag('--table', values.table, Object.keys(COMPARE_TABLES), USAGE);
        return compareTables(runsDir, ids, format, table);
      }
      return compare(runsDir, ids, json);
    case 'import':
      if (ids.length !== 1) throw new UsageError(`runs import takes one folder\n${usageLine(USAGE)}`);
      return importInto(runsDir, ids[0]!, json);
    default:
      throw new UsageError(`${sub ? `unknown runs command '${sub}'` : 'missing runs command'}\n${usageLine(USAGE)}`);
  }
}

function listed(runsDir: string): ListedRun[] {
  // Newest first; no runs folder yet is an empty list, not an error.
  return listRuns(runsDir).map(({ id, dir, record, damaged }) => ({ id, record, meta: readMeta(dir), problem: damaged }));
}

function list(runsDir: string, json: boolean): string {
  const runs = listed(runsDir);
  if (!json) return formatRunList(runs, runsDir);
  return JSON.stringify(runs.map(({ id, record: r, meta, problem }) => (r ? {
    id, name: meta.name, tags: meta.tags, status: r.status,
    model: { name: r.model.name, export: r.model.export, file: r.source.file },
    dataset: r.dataset?.id ?? (typeof r.config.dataset === 'string' ? r.config.dataset : r.config.dataset.folder),
    permutePixels: r.config.permutePixels,
    bestEpoch: r.bestEpoch, bestTestAccuracy: r.best?.test.accuracy ?? null,
    epochsCompleted: r.epochsCompleted, epochs: r.config.epochs,
    seconds: runSeconds(r), backend: r.backend?.name ?? null, startedAt: r.startedAt, error: r.error, errorCode: r.errorCode ?? null,
    damaged: problem,
  } : { id, name: meta.name, tags: meta.tags, status: null, error: problem, errorCode: null, damaged: problem }))) + '\n';
}

function show(runsDir: string, id: string, json: boolean): string {
  const { dir } = resolveRunId(runsDir, id);
  const run = loadRun(dir);
  const best = bestEpochOf(run);
  const final = finalEpochOf(run);
  if (!json) return formatRunShow({ record: run.record, meta: run.meta!, best, final, damaged: run.damaged ?? null });
  return JSON.stringify({
    run: run.record,
    meta: run.meta,
    damaged: run.damaged ?? null,
    best, final,
    perClassAccuracy: {
      classNames: run.record.dataset?.classNames ?? [],
      best: best?.perClassAccuracy ?? [],
      final: final?.perClassAccuracy ?? [],
    },
  }) + '\n';
}

async function compare(runsDir: string, ids: string[], json: boolean): Promise<string> {
  const runs = loadRuns(runsDir, ids);
  if (json) return JSON.stringify(comparisonContract(compareRuns(runs))) + '\n';
  // The architecture diff re-evaluates each run's copy of its model file (people only).
  const models = await loadRunModels(runs.map((r) => r.record));
  return formatComparison(compareRuns(runs, models));
}

/** The comparison as Markdown (every table, or the one named) or CSV (one table: metrics by default). */
function compareTables(runsDir: string, ids: string[], format: 'md' | 'csv', table: string | undefined): string {
  const c = compareRuns(loadRuns(runsDir, ids));
  if (format === 'csv') return formatTable(COMPARE_TABLES[table ?? 'metrics']!.of(c), 'csv');
  const names = table ? [table] : ['runs', 'config', 'metrics', 'per-class'];
  return names.map((name) => {
    const { heading, empty, of } = COMPARE_TABLES[name]!;
    const t = of(c);
    return `## ${heading}\n\n${t.rows.length ? formatTable(t, 'md') : `${empty}\n`}`;
  }).join('\n');
}

/** One run's epoch curves (losses, accuracies, learning rate) as CSV, one row per epoch. */
function curves(runsDir: string, id: string, format: 'csv'): string {
  const { dir } = resolveRunId(runsDir, id);
  return formatTable(COMPARE_TABLES.curves!.of(compareRuns([loadRun(dir)])), format);
}

function importInto(runsDir: string, dir: string, json: boolean): string {
  const imported = importRuns(dir, runsDir);
  if (json) return JSON.stringify(imported) + '\n';
  return imported.map((r) => (r.copied
    ? `imported ${r.id} (${r.status}) from ${r.from}\n`
    : `${r.id} was imported before from ${r.from}: left as it is\n`)).join('');
}

export { RunLookupError };
