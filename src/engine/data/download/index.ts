// The only code that downloads (docs/downloads.md): the pinned fetcher, the built-in pins and
// their override manifest, and unpacking a checked archive.
export type { DownloadOptions, DownloadProgress, PinnedFile } from './types';
export { DownloadCancelled, fetchPinned } from './fetchPinned';
export { CIFAR10_ARCHIVE, CIFAR100_ARCHIVE, FASHION_FILES, MNIST_FILES } from './manifest';
export { extractMembers } from './extract';
export { setDownloadDefaults } from './defaults';
