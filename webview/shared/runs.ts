import type { ComparedRun, Comparison } from '../../src/runs/compare';
import { el } from './dom';

// One colour per run, the same in every chart and table: the run's position picks a class
// (`run-0` … `run-7`, cycling) whose colour is a theme variable in compare.css.

const RUN_COLOURS = 8;

export function runClass(index: number): string {
  return `run-${index % RUN_COLOURS}`;
}

/** `#2`: how columns and legends refer to a run. */
export function runTag(index: number): string {
  return `#${index + 1}`;
}

/** The name the user gave, else the id. */
export function runName(run: ComparedRun): string {
  return run.name ?? run.id;
}

/** `#2 CNN plain`, for legends and tooltips. */
export function runTitle(run: ComparedRun, index: number): string {
  return `${runTag(index)} ${runName(run)}`;
}

/** A table's header cells, one per run: its colour swatch and `#k`. */
export function runHeaderCells(c: Comparison): HTMLElement[] {
  return c.runs.map((_, k) => el('th', { scope: 'col', class: `run-col ${runClass(k)}` }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), runTag(k)));
}
