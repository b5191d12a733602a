// What a whole process's downloads share: in the trainer process, where they report their
// progress (the starter, as `download` messages), what cancels them (a stop) and the proxy the
// starter named. Downloads happen deep inside the dataset loaders and the weights fetchers of both
// engines; the process sets this once instead of threading it through each of them. What a
// caller passes to fetchPinned wins over it.
import type { DownloadOptions } from './types';

let defaults: DownloadOptions = {};

export function setDownloadDefaults(opts: DownloadOptions): void {
  defaults = opts;
}

/** `given`, with the process's defaults for what it leaves out. */
export function withProcessDefaults(given: DownloadOptions): DownloadOptions {
  return {
    signal: given.signal ?? defaults.signal,
    onProgress: given.onProgress ?? defaults.onProgress,
    proxy: given.proxy ?? defaults.proxy,
  };
}
