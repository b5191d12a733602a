// A download's progress for people on a terminal: a bar, bytes, rate and ETA, from the trainer's
// `download` messages.
import { downloadEta, downloadRate, type DownloadMessage as Download } from '../shared/downloadFigures';
import { byteSize } from '../shared/format';

const BAR_WIDTH = 24;

/** 'downloading NAME [#####-----]  42%  70.00 MiB / 162.17 MiB  5.12 MiB/s  ETA 18s' (no bar for an unknown size). */
export function downloadLine(d: Download): string {
  const rate = downloadRate(d);
  if (d.total === null || d.total <= 0) return `downloading ${d.file}  ${byteSize(d.received)}  ${rate}`;
  const share = Math.min(1, d.received / d.total);
  const filled = Math.round(share * BAR_WIDTH);
  const eta = downloadEta(d);
  return `downloading ${d.file} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%`
    + `  ${byteSize(d.received)} / ${byteSize(d.total)}  ${rate}${eta ? `  ${eta}` : ''}`;
}

/** Which tenth of the file has arrived (for a log that is not a terminal: a line per tenth). */
export function downloadDecile(d: Download): number {
  return d.total ? Math.floor((Math.min(d.received, d.total) * 10) / d.total) : 0;
}
