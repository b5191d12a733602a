// The trainer process's downloads, reported to its starter: each progress report becomes a
// `download` message on stdout (transient: not in metrics.jsonl, see docs/trainer-protocol.md),
// and a stop cancels a download in progress. Used by both engines' trainer programs.
import { setDownloadDefaults } from '../data/download/index';
import { encodeTrainerMessage } from '../../shared/trainerProtocol';
import type { RunSpec } from './spec';

/** Sets this process's download defaults; returns what a stop calls to cancel a download. */
export function reportDownloads(spec: Pick<RunSpec, 'data'>, write: (line: string) => void): () => void {
  const controller = new AbortController();
  setDownloadDefaults({
    signal: controller.signal,
    proxy: spec.data.proxy,
    onProgress: (p) => write(encodeTrainerMessage({ type: 'download', ...p, time: Date.now() })),
  });
  return () => controller.abort();
}
