// The pinned fetcher's shapes (docs/downloads.md): a file known in advance, its progress, and
// what a caller may pass (cancel, progress, the editor's proxy setting).

/** A file we know in advance: where it is published, and what it must be. */
export interface PinnedFile {
  /** The file's name in its cache folder, e.g. 'cifar-10-binary.tar.gz'. */
  name: string;
  /** The publisher's location first, then mirrors, tried in order. */
  urls: string[];
  /** The exact size when published (null: unknown, e.g. torchvision's weights). */
  bytes: number | null;
  /** The whole SHA-256 in hex, or a published prefix of it (torchvision's 8 hex digits). */
  sha256: string;
}

export interface DownloadProgress {
  file: string;
  url: string;
  /** Bytes in the file so far, a resumed part included. */
  received: number;
  total: number | null;
  /** Over this download's own bytes (not the resumed part). */
  bytesPerSecond: number;
  etaSeconds: number | null;
}

/** A proxy named by the starter (the editor's http.proxy / http.noProxy); null url: none named. */
export interface ProxySetting {
  url: string | null;
  noProxy: string[];
}

export interface DownloadOptions {
  /** Cancel: the download stops, the .part stays for a later resume, nothing is renamed into place. */
  signal?: AbortSignal;
  /** At most every 250 ms, and once at the end. */
  onProgress?: (p: DownloadProgress) => void;
  /** Absent (or a null url): HTTPS_PROXY, HTTP_PROXY and NO_PROXY from the environment. */
  proxy?: ProxySetting;
}
