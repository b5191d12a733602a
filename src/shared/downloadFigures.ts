// A `download` message's figures as both readers show them (the CLI's bar, the editor's
// notification): the rate, the ETA while bytes are still to come, and whether the file is complete.
import { byteSize, duration } from './format';
import type { TrainerMessage } from './trainerProtocol';

export type DownloadMessage = Extract<TrainerMessage, { type: 'download' }>;

/** '5.12 MiB/s'. */
export function downloadRate(d: DownloadMessage): string {
  return `${byteSize(Math.round(d.bytesPerSecond))}/s`;
}

/** Whether the file has arrived whole (the last report of a file). */
export function downloadDone(d: DownloadMessage): boolean {
  return d.total !== null && d.received >= d.total;
}

/** 'ETA 18s' while a file of known size is still coming and the fetcher has an estimate; else null. */
export function downloadEta(d: DownloadMessage): string | null {
  return d.etaSeconds === null || d.total === null || downloadDone(d) ? null : `ETA ${duration(d.etaSeconds)}`;
}
