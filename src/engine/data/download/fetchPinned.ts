// The one fetcher (docs/downloads.md): a pinned file into a cache folder, or a DatasetError that
// says what to place where by hand. A download is written to `<name>.part`, resumed with an HTTP
// Range request after a cut connection, checked against its size and SHA-256, then renamed into
// place, so a file under its final name is always complete and checked.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { STATUS_CODES } from 'node:http';
import { Writable } from 'node:stream';
import { interceptors, stream, type Dispatcher } from 'undici';
import { DatasetError } from '../errors';
import { withProcessDefaults } from './defaults';
import { effectivePin } from './manifest';
import { downloadDispatcher } from './proxy';
import type { DownloadOptions, DownloadProgress, PinnedFile } from './types';

const PROGRESS_INTERVAL_MS = 250;
/** Tries per URL in one call: the first, then one resume after a cut connection. */
const TRIES_PER_URL = 2;

/** Cancelled through DownloadOptions.signal: the .part stays for a later resume. */
export class DownloadCancelled extends Error {
  override name = 'DownloadCancelled';
  constructor(readonly url: string) {
    super(`${url}: download cancelled`);
  }
}

/** The server answered with an HTTP status that is not the file: try the next URL. */
class HttpStatusError extends Error {}

/** What to put where when the download cannot be made. */
function byHand(pin: PinnedFile, dir: string): string {
  const size = pin.bytes === null ? '' : `${pin.bytes} bytes, `;
  return `put ${pin.name} (${size}SHA-256 ${pin.sha256}) in ${dir} by hand`;
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The first byte of a 206 answer's Content-Range ("bytes 100-199/200"), or null. */
function rangeStart(header: string | null): number | null {
  const m = header ? /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header.trim()) : null;
  return m ? Number(m[1]) : null;
}

interface Attempt {
  url: string;
  part: string;
  pin: PinnedFile;
  dispatcher: Dispatcher;
  opts: DownloadOptions;
}

/**
 * One request, appending to the .part from where it ends. Resolves when the body ended; the
 * caller checks whether it is all there. Throws HttpStatusError, DownloadCancelled or the
 * network's error (then the .part keeps every byte that arrived: each is written as it comes).
 */
async function downloadOnce({ url, part, pin, dispatcher, opts }: Attempt): Promise<void> {
  let have = sizeOf(part);
  if (pin.bytes !== null && have > pin.bytes) {
    fs.rmSync(part, { force: true });
    have = 0;
  }
  let status: string | null = null;
  let fd: number | null = null;
  const started = Date.now();
  let received = have;
  let from = have;
  let total: number | null = pin.bytes;
  let lastReport = 0;
  const report = (final: boolean) => {
    if (!opts.onProgress || fd === null) return;
    const now = Date.now();
    if (!final && now - lastReport < PROGRESS_INTERVAL_MS) return;
    lastReport = now;
    const seconds = (now - started) / 1000;
    const bytesPerSecond = seconds > 0 ? (received - from) / seconds : 0;
    const etaSeconds = total === null ? null : bytesPerSecond > 0 ? Math.max(0, (total - received) / bytesPerSecond) : null;
    const p: DownloadProgress = { file: pin.name, url, received, total, bytesPerSecond, etaSeconds };
    opts.onProgress(p);
  };
  const discard = () => new Writable({ write: (_chunk, _enc, done) => done() });
  try {
    await stream(url, { dispatcher, signal: opts.signal, method: 'GET', headers: have > 0 ? { range: `bytes=${have}-` } : {} }, ({ statusCode, headers }) => {
      // 416: the part is already as long as the file (or the server has less): the check decides.
      if (statusCode === 416 && have > 0) return discard();
      if (statusCode !== 200 && statusCode !== 206) {
        status = `HTTP ${statusCode}${STATUS_CODES[statusCode] ? ` ${STATUS_CODES[statusCode]}` : ''}`;
        return discard();
      }
      // A 200 is the whole file (the server ignores Range): start again. A 206 must start where we are.
      const resumed = statusCode === 206 && rangeStart(header(headers['content-range'])) === have;
      from = received = resumed ? have : 0;
      const length = header(headers['content-length']);
      if (total === null && length !== null && /^\d+$/.test(length)) total = from + Number(length);
      fd = fs.openSync(part, resumed ? 'a' : 'w');
      return new Writable({
        write: (chunk: Buffer, _enc, done) => {
          try {
            fs.writeSync(fd!, chunk);
          } catch (err) {
            done(err as Error);
            return;
          }
          received += chunk.length;
          report(false);
          done();
        },
      });
    });
  } finally {
    if (fd !== null) {
      report(true);
      fs.closeSync(fd);
    }
  }
  if (status !== null) throw new HttpStatusError(status);
}

function header(value: string | string[] | undefined): string | null {
  return value === undefined ? null : Array.isArray(value) ? value[0] ?? null : value;
}

function isAbort(err: unknown, opts: DownloadOptions): boolean {
  return opts.signal?.aborted === true || (err as Error | undefined)?.name === 'AbortError';
}

/** The network's error in words, with its code (undici may wrap the socket's error as `cause`). */
function describeNetworkError(err: unknown): string {
  const outer = err as Error & { cause?: Error & { code?: string }; code?: string };
  const e = outer.cause ?? outer;
  return e.code && !e.message.includes(e.code) ? `${e.code}: ${e.message}` : e.message;
}

/**
 * Downloads from one URL into the .part: up to TRIES_PER_URL requests, each resuming what the
 * last one left. Resolves when the .part is as long as the pin says (or, for an unknown size,
 * when a body ended); throws the last failure otherwise.
 */
async function downloadFrom(a: Attempt): Promise<void> {
  let failure: string | null = null;
  for (let tryNo = 0; tryNo < TRIES_PER_URL; tryNo++) {
    try {
      await downloadOnce(a);
      if (a.pin.bytes === null || sizeOf(a.part) >= a.pin.bytes) return;
      failure = `the connection ended after ${sizeOf(a.part)} of ${a.pin.bytes} bytes`;
    } catch (err) {
      if (isAbort(err, a.opts)) throw new DownloadCancelled(a.url);
      if (err instanceof HttpStatusError) throw err;
      const have = sizeOf(a.part);
      failure = `${describeNetworkError(err)}${have > 0 ? ` after ${have}${a.pin.bytes === null ? '' : ` of ${a.pin.bytes}`} bytes` : ''}`;
    }
  }
  throw new Error(failure ?? 'no answer');
}

/** The checked file `dir/<name>`: already there (no request), or downloaded, checked, renamed into place. */
export async function fetchPinned(file: PinnedFile, dir: string, given: DownloadOptions = {}): Promise<string> {
  const target = path.join(dir, file.name);
  if (fs.existsSync(target)) return target;
  const opts = withProcessDefaults(given);
  const pin = effectivePin(file, `${path.basename(dir)}/${file.name}`);
  const part = `${target}.part`;
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new DatasetError(dir, `cannot be created for the download (${(err as NodeJS.ErrnoException).code ?? String(err)}); ${byHand(pin, dir)}`, 'missing');
  }
  const agent = downloadDispatcher(opts.proxy);
  const dispatcher = agent.compose(interceptors.redirect({ maxRedirections: 5 }));
  const failures: string[] = [];
  let from: string | null = null;
  try {
    for (const url of pin.urls) {
      try {
        await downloadFrom({ url, part, pin, dispatcher, opts });
        from = url;
        break;
      } catch (err) {
        if (err instanceof DownloadCancelled) throw err;
        failures.push(`${url} (${(err as Error).message})`);
      }
    }
  } finally {
    // destroy, not close: a cancelled request's connection may still be open, and nothing else is pending.
    await agent.destroy().catch(() => undefined);
  }
  if (from === null) {
    const kept = sizeOf(part) > 0 ? `; ${sizeOf(part)} bytes are kept in ${part} and the next try resumes them` : '';
    throw new DatasetError(pin.urls[0]!, `download failed: ${failures.join('; ')}${kept}; or ${byHand(pin, dir)}`, 'missing');
  }
  // The check: a part that is not the published file is removed, never renamed.
  const size = sizeOf(part);
  const sha = await sha256Of(part);
  const sizeWrong = pin.bytes !== null && size !== pin.bytes;
  if (sizeWrong || !sha.startsWith(pin.sha256)) {
    fs.rmSync(part, { force: true });
    const what = sizeWrong ? `${size} bytes, expected ${pin.bytes}` : `SHA-256 ${sha}, expected ${pin.sha256}`;
    throw new DatasetError(from, `downloaded file is not the published one: ${what}; nothing was kept; ${byHand(pin, dir)}`, 'corrupt');
  }
  fs.renameSync(part, target);
  return target;
}
