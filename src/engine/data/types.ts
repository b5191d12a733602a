// The shapes the datasets layer hands to the training loop. Images are stored flat, NHWC,
// as float32 scaled to [0, 1] (normalization is the loop's choice, applied later).
import type { DownloadOptions, DownloadProgress, ProxySetting } from './download/types';

/** One split of a dataset: `count` images of `imageShape` each, and their labels. */
export interface Split {
  /** count × h × w × c values, NHWC, in [0, 1]. */
  images: Float32Array;
  /** count class indices in [0, classNames.length). */
  labels: Int32Array;
  count: number;
}

export interface Dataset {
  /** 'mnist', 'fashion-mnist', 'cifar10', 'cifar100', 'synthetic' or 'folder:<path as written>'. */
  id: string;
  classNames: string[];
  /** [h, w, c] */
  imageShape: [number, number, number];
  train: Split;
  test: Split;
  /** Where it was read from (a folder, a package, a cache), recorded in run.json. */
  source: string;
}

export type FolderSpec = { folder: string; imageSize: [number, number]; channels?: 1 | 3; testSplit?: number };

export type DatasetSpec = 'mnist' | 'fashion-mnist' | 'cifar10' | 'cifar100' | 'synthetic' | FolderSpec;

export interface LoadDatasetOptions {
  /** Looked in first: DIR/mnist/, DIR/fashion-mnist/, DIR/cifar10/, DIR/cifar100/. */
  dataDir?: string;
  /** Where downloads go (online) and are found again. Default: ~/.cache/cnn-explorer. */
  cacheDir?: string;
  /** Keep only the first N training / test images. */
  limitTrain?: number;
  limitTest?: number;
  /** Folder specs are relative to this (the model file's folder). Default: the working directory. */
  baseDir?: string;
  /** Allow downloading a dataset that is not found locally (docs/downloads.md). Default: false; the CLI and the editor turn it on. */
  online?: boolean;
  /** The editor's proxy (http.proxy, http.noProxy); absent: the environment's HTTPS_PROXY / NO_PROXY. */
  proxy?: ProxySetting;
  /** A download's progress (at most every 250 ms, and once at its end). */
  onDownload?: (p: DownloadProgress) => void;
  /** Cancels a download (the run was stopped). */
  signal?: AbortSignal;
  /**
   * How the person starting the run sets the data folder, for "not found" messages:
   * `--data-dir DIR` (the default, the CLI's flag) or the editor's setting.
   */
  dataDirOption?: string;
}

/** Where the built-in datasets' loaders look, resolved from LoadDatasetOptions. */
export interface DatasetPlaces {
  dataDir?: string;
  cacheDir: string;
  online: boolean;
  /** Progress, cancel and proxy for fetchPinned. */
  download: DownloadOptions;
  limits: { train?: number; test?: number };
  dataDirOption: string;
}

/**
 * A split's image values, in shared memory: the thread that prepares training batches
 * (batchPipeline.ts) reads the images where they are, without a copy of the whole set.
 */
export function imageValues(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * Float32Array.BYTES_PER_ELEMENT));
}
