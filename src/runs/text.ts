// Plain-text views of runs for the CLI: the list, one run, and a comparison. Pure strings, so
// tests read exactly what a terminal shows.
import * as path from 'node:path';
import type { ArchitectureDiff } from './archDiff';
import { EPOCH_METRICS, type Comparison } from './compare';
import { flatten, formatConfigValue, runDefinition } from './configDiff';
import type { RunMeta } from './meta';
import type { EpochRecord, RunRecord } from './types';
import { runBackendLabel } from '../shared/backends';
import { decimal, duration, exactCount, percent, points } from '../shared/format';

/** Columns padded to their widest cell; `right` columns (numbers) are right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function runSeconds(r: RunRecord, now = Date.now()): number | null {
  if (r.wallSeconds !== null) return r.wallSeconds;
  const start = Date.parse(r.startedAt);
  const end = r.endedAt ? Date.parse(r.endedAt) : r.status === 'running' ? now : NaN;
  return Number.isFinite(start) && Number.isFinite(end) ? (end - start) / 1000 : null;
}

/** `mnist`, `mnist (permuted)`, `folder data/cats`. */
export function datasetLabel(r: RunRecord): string {
  const d = r.config.dataset;
  const base = r.dataset?.id ?? (typeof d === 'string' ? d : `folder ${d.folder}`);
  return r.config.permutePixels !== null ? `${base} (permuted)` : base;
}

function modelLabel(r: RunRecord): string {
  return `${r.model.name} (${path.basename(r.source.file)}${r.model.export === 'default' ? '' : `#${r.model.export}`})`;
}

/** `name #tag #tag`; empty when the run has neither. */
function metaLabel(meta: RunMeta): string {
  return [meta.name ?? '', ...meta.tags.map((t) => `#${t}`)].filter(Boolean).join(' ');
}

export interface ListedRun {
  id: string;
  record: RunRecord | null;
  meta: RunMeta;
  /** What is damaged: why run.json could not be read (record is null then), or what metrics.jsonl lost. */
  problem: string | null;
}

export function formatRunList(runs: readonly ListedRun[], runsDir: string): string {
  if (runs.length === 0) return `no runs in ${runsDir}\n`;
  const withMeta = runs.some((r) => r.meta.name || r.meta.tags.length);
  const header = ['ID', ...(withMeta ? ['NAME'] : []), 'STATUS', 'MODEL', 'DATASET', 'BEST ACC', 'EPOCHS', 'DURATION', 'BACKEND'];
  const offset = withMeta ? 1 : 0;
  const rows = runs.map((run) => {
    const r = run.record;
    const metaCell = withMeta ? [metaLabel(run.meta)] : [];
    if (!r) return [run.id, ...metaCell, 'damaged', '—', '', '', '', '', ''];
    return [
      run.id, ...metaCell, r.status, modelLabel(r), datasetLabel(r),
      percent(r.best?.test.accuracy),
      `${r.epochsCompleted}/${r.config.epochs}`,
      duration(runSeconds(r)),
      runBackendLabel(r) ?? '—',
    ];
  });
  const notes = runs.filter((run) => run.problem).map((run) => `${run.id} is damaged: ${run.problem}`);
  return table(header, rows, new Set([4 + offset, 5 + offset, 6 + offset])) + '\n' + (notes.length ? `\n${notes.join('\n')}\n` : '');
}

function metricRows(best: EpochRecord | null, final: EpochRecord | null): string[][] {
  const value = (e: EpochRecord | null, m: (typeof EPOCH_METRICS)[number]) => {
    if (!e) return '—';
    const [split, key] = m.split('_') as ['train' | 'val' | 'test', 'loss' | 'accuracy'];
    const s = e[split];
    return s ? (key === 'accuracy' ? percent(s.accuracy) : decimal(s.loss)) : '—';
  };
  return [
    ['epoch', best ? String(best.epoch) : '—', final ? String(final.epoch) : '—'],
    ...EPOCH_METRICS.map((m) => [m, value(best, m), value(final, m)]),
  ];
}

export function formatRunShow(run: { record: RunRecord; meta: RunMeta; best: EpochRecord | null; final: EpochRecord | null; damaged?: string | null }): string {
  const r = run.record;
  const out: string[] = [];
  out.push(`run ${r.id}${run.meta.name ? ` "${run.meta.name}"` : ''}${run.meta.tags.length ? ` ${run.meta.tags.map((t) => `#${t}`).join(' ')}` : ''}`);
  out.push(`  status    ${r.status}${r.error ? ` (${r.error})` : ''}${r.endedEarly ? ` (ended early: ${r.endedEarly})` : ''}`);
  if (run.damaged) out.push(`  damaged   ${run.damaged} (every complete record is kept)`);
  out.push(`  model     ${modelLabel(r)}  sha256 ${r.source.sha256.slice(0, 12)}`);
  out.push(`  file      ${r.source.file}`);
  if (r.dataset) {
    out.push(`  dataset   ${datasetLabel(r)}: ${r.dataset.trainCount} train, ${r.dataset.validationCount} validation, ${r.dataset.testCount} test (${r.dataset.source})`);
  } else {
    out.push(`  dataset   ${datasetLabel(r)}`);
  }
  out.push(`  backend   ${r.backend ? `${runBackendLabel(r)}: ${r.backend.reason}` : '—'}`);
  out.push(`  machine   ${r.machine.os}, ${r.machine.cpus}× ${r.machine.cpuModel}, node ${r.machine.node}`);
  if (r.importedFrom) out.push(`  imported  from ${r.importedFrom}`);
  out.push(`  time      ${r.startedAt} → ${r.endedAt ?? '…'} (${duration(runSeconds(r))})${r.trainImagesPerSecond ? `, ${Math.round(r.trainImagesPerSecond)} train images/s` : ''}`);
  out.push(`  epochs    ${r.epochsCompleted}/${r.config.epochs}, best ${r.bestEpoch ?? '—'}${r.monitor ? ` by ${r.monitor}` : ''}`);
  out.push('', 'training config');
  const config = flatten(runDefinition(r));
  out.push(table(['key', 'value'], Object.entries(config).filter(([k]) => !k.startsWith('model.')).map(([k, v]) => [`  ${k}`, formatConfigValue(v)])));
  out.push('', 'metrics');
  out.push(table(['  metric', 'best', 'final'], metricRows(run.best, run.final).map(([m, b, f]) => [`  ${m}`, b!, f!]), new Set([1, 2])));
  const classes = r.dataset?.classNames ?? [];
  const bestPc = run.best?.perClassAccuracy ?? [];
  const finalPc = run.final?.perClassAccuracy ?? [];
  if (bestPc.length) {
    out.push('', `per-class test accuracy (best epoch ${run.best!.epoch}, final epoch ${run.final?.epoch ?? '—'})`);
    out.push(table(['  class', 'best', 'final'], bestPc.map((v, k) => [`  ${classes[k] ?? k}`, percent(v), percent(finalPc[k])]), new Set([1, 2])));
  }
  return out.join('\n') + '\n';
}

function runHeading(c: Comparison, k: number): string {
  const run = c.runs[k]!;
  const label = run.name ? `${run.name} (${run.id})` : run.id;
  const tags = run.tags.length ? ` ${run.tags.map((t) => `#${t}`).join(' ')}` : '';
  return `  #${k + 1}  ${label}${tags}: ${run.model.name} on ${run.dataset ?? '—'}, ${run.status}, ${run.epochsCompleted}/${run.epochsPlanned} epochs`;
}

function formatArchitecture(a: ArchitectureDiff, runCount: number): string[] {
  const out: string[] = [];
  const runs = (idx: number[]) => idx.map((i) => `#${i + 1}`).join(',');
  out.push(table(['  runs', 'model', 'params', 'MACs', 'layers'], a.models.map((m) => [
    `  ${runs(m.runs)}`, m.name, exactCount(m.trainableParams + m.nonTrainableParams), exactCount(m.macs), String(m.layers),
  ]), new Set([2, 3, 4])));
  a.unavailable.forEach((why, k) => { if (why && k < runCount) out.push(`  #${k + 1}: ${why}`); });
  if (a.models.length === 1 && !a.unavailable.some(Boolean)) out.push('  every run trained the same architecture');
  for (const p of a.pairs) {
    const from = a.models[p.from]!;
    const to = a.models[p.to]!;
    out.push('', `  ${from.name} (${runs(from.runs)}) → ${to.name} (${runs(to.runs)}): params ${exactCount(p.trainableParams[0])} → ${exactCount(p.trainableParams[1])}, MACs ${exactCount(p.macs[0])} → ${exactCount(p.macs[1])}`);
    for (const c of p.changes) out.push(`    ${c.text}`);
    if (!p.changes.length) out.push('    (same layers)');
  }
  return out;
}

export function formatComparison(c: Comparison): string {
  const n = c.runs.length;
  const cols = c.runs.map((_, k) => `#${k + 1}`);
  const numeric = new Set(cols.map((_, k) => k + 1));
  const out: string[] = [`comparing ${n} runs`, ...c.runs.map((_, k) => runHeading(c, k))];

  const diffKeys = Object.keys(c.configDiff);
  out.push('', diffKeys.length ? 'config: what differs' : 'config: the runs are configured the same');
  if (diffKeys.length) {
    out.push(table(['  key', ...cols], diffKeys.map((key) => [`  ${key}`, ...c.configDiff[key]!.map(formatConfigValue)])));
  }
  out.push(`  (${Object.keys(c.configSame).length} keys the same; \`runs show ID\` lists them)`);

  out.push('', 'metrics (best epoch / final epoch)');
  const rows: string[][] = [['  epoch', ...c.runs.map((_, k) => `${c.metrics.epoch.best[k] ?? '—'} / ${c.metrics.epoch.final[k] ?? '—'}`)]];
  for (const m of EPOCH_METRICS) {
    const { best, final } = c.metrics[m];
    if (best.every((v) => v === null) && final.every((v) => v === null)) continue;
    const fmt = (v: number | null) => (m.endsWith('accuracy') ? percent(v) : decimal(v));
    rows.push([`  ${m}`, ...c.runs.map((_, k) => `${fmt(best[k] ?? null)} / ${fmt(final[k] ?? null)}`)]);
  }
  rows.push(['  images/s', ...c.runs.map((r) => (r.trainImagesPerSecond ? String(Math.round(r.trainImagesPerSecond)) : '—'))]);
  rows.push(['  duration', ...c.runs.map((r) => duration(r.wallSeconds))]);
  out.push(table(['  metric', ...cols], rows, numeric));

  const pc = c.perClassAccuracy;
  if (pc.runs.some((r) => r.length)) {
    out.push('', `per-class test accuracy at the best epoch${n > 1 ? ' (Δ vs #1, percentage points)' : ''}`);
    const classRows = pc.classNames.map((name, k) => [
      `  ${name}`,
      ...pc.runs.map((row, r) => {
        const v = row[k];
        if (v === undefined) return '—';
        const d = c.perClassDelta[r]?.[k];
        return r === 0 || d === undefined ? percent(v) : `${percent(v)} (${points(d)})`;
      }),
    ]);
    out.push(table(['  class', ...cols], classRows, numeric));
  }
  if (c.architectureDiff) {
    out.push('', 'architecture');
    out.push(...formatArchitecture(c.architectureDiff, n));
  }
  for (const w of c.warnings) out.push('', `note: ${w}`);
  return out.join('\n') + '\n';
}
