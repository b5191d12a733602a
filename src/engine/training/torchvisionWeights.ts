// `initFrom: 'torchvision:<name>'`: the published file fetched (or found) in `<cache>/torchvision/`
// by the trainer process of either engine, through the one pinned fetcher (docs/downloads.md),
// so that its progress reaches the CLI and the editor as the trainer's `download` messages.
import * as path from 'node:path';
import { defaultCacheDir } from '../data/cacheDir';
import { fetchPinned, type DownloadOptions } from '../data/download/index';
import type { InitSource } from './initFromSource';

export interface WeightsFetchOptions extends DownloadOptions {
  /** The run's cache folder (spec.data.cacheDir); default: the user's. */
  cacheDir?: string;
}

/** Where torchvision's weights are kept. */
const torchvisionCacheDir = (cacheDir?: string): string => path.join(path.resolve(cacheDir ?? defaultCacheDir()), 'torchvision');

/** The checked weights file of a torchvision source: in the cache already (no request), or downloaded there now. */
export function fetchTorchvisionWeights(source: Extract<InitSource, { kind: 'torchvision' }>, opts: WeightsFetchOptions = {}): Promise<string> {
  const { cacheDir, ...download } = opts;
  return fetchPinned(source.pin, torchvisionCacheDir(cacheDir), download);
}
