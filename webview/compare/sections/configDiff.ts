import type { Comparison, ConfigValue } from '../../../src/runs/compare';
import { configDiffTable } from '../../../src/runs/compareTables';
import { toCsv, toMarkdown } from '../../../src/shared/tableFormats';
import { tr } from '../../../src/shared/l10n/translate';
import { custom, el } from '../../shared/dom';
import { tableExportBar, type Exporter } from '../../shared/exportBar';
import { runHeaderCells } from '../../shared/runs';

// The config diff: only the keys whose values differ, one column per run, cells that differ
// from run #1 marked; everything the runs share is folded away below (vscode-collapsible). The
// table of what differs exports as Markdown or CSV (src/runs/compareTables.ts).

function formatValue(v: ConfigValue | undefined): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function configSection(c: Comparison, sameOpen: boolean, onToggle: (open: boolean) => void, exporter: Exporter): HTMLElement {
  const keys = Object.keys(c.configDiff);
  const same = Object.entries(c.configSame);
  const section = el('section', { class: 'config', 'aria-labelledby': 'config-h' }, el('h2', { id: 'config-h' }, tr('What differs')));
  if (keys.length) {
    section.append(tableExportBar('config-diff', tr('table of what differs'),
      { md: () => toMarkdown(configDiffTable(c)), csv: () => toCsv(configDiffTable(c)) }, exporter));
    section.append(el('table', { class: 'diff-table' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, tr('setting')), ...runHeaderCells(c))),
      el('tbody', {}, ...keys.map((key) => {
        const values = c.configDiff[key]!;
        const first = JSON.stringify(values[0]);
        return el('tr', { 'data-key': key },
          el('th', { scope: 'row' }, el('code', {}, key)),
          ...values.map((v, k) => el('td', { class: k > 0 && JSON.stringify(v) !== first ? 'changed' : '' }, formatValue(v))));
      }))));
  } else {
    section.append(el('p', { class: 'muted' }, tr('The runs are configured the same (model, training settings, data and backend).')));
  }
  const collapsible = custom('vscode-collapsible', { heading: tr('{0} settings the same', same.length), class: 'same', open: sameOpen });
  collapsible.append(el('table', { class: 'same-table' }, el('tbody', {}, ...same.map(([key, v]) =>
    el('tr', { 'data-key': key }, el('th', { scope: 'row' }, el('code', {}, key)), el('td', {}, formatValue(v)))))));
  collapsible.addEventListener('vsc-collapsible-toggle', (e: Event) => onToggle(Boolean((e as CustomEvent<{ open: boolean }>).detail?.open)));
  section.append(collapsible);
  return section;
}
