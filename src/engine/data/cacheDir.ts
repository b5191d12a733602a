// The cache folder: downloads (Fashion-MNIST) and the torch engine's prepared datasets. Apart
// from the loaders, so that a starter can name a file in it without loading any.
import * as os from 'node:os';
import * as path from 'node:path';

/** Where downloads are kept when no cacheDir is given: $XDG_CACHE_HOME or ~/.cache, then cnn-explorer. */
export function defaultCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'cnn-explorer');
}
