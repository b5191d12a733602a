import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DatasetError } from '../../../../../src/engine/data/errors';
import { DownloadCancelled, fetchPinned, type DownloadProgress, type PinnedFile } from '../../../../../src/engine/data/download/index';
import { sha256, someBytes, startFileServer, startForwardProxy, writeManifest } from '../../../../support/downloadServer';

// The pinned fetcher against a real loopback server serving real bytes: each way a download can
// go, and what is (and is not) left on disk afterwards.

// The machine's own proxy settings must not route these loopback requests.
for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'CNN_EXPLORER_DOWNLOADS']) delete process.env[name];

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-fetch-'));
let n = 0;
const freshDir = () => path.join(root, `c${++n}`);

const body = someBytes(200_000);
const pinOf = (urls: string[], content = body): PinnedFile => ({ name: 'data.bin', urls, bytes: content.length, sha256: sha256(content) });

test('a download is checked and renamed into place; a second call makes no request', async (t) => {
  const server = await startFileServer({ '/data.bin': { body } });
  t.after(() => server.close());
  const dir = freshDir();
  const seen: DownloadProgress[] = [];
  const file = await fetchPinned(pinOf([`${server.base}/data.bin`]), dir, { onProgress: (p) => seen.push(p) });
  assert.equal(file, path.join(dir, 'data.bin'));
  assert.deepEqual(fs.readFileSync(file), body);
  assert.deepEqual(fs.readdirSync(dir), ['data.bin']);
  const last = seen.at(-1)!;
  assert.deepEqual({ received: last.received, total: last.total, url: last.url, file: last.file },
    { received: body.length, total: body.length, url: `${server.base}/data.bin`, file: 'data.bin' });
  assert.equal(server.requests.length, 1);
  assert.equal(await fetchPinned(pinOf([`${server.base}/data.bin`]), dir), file);
  assert.equal(server.requests.length, 1, 'a cache hit makes no request');
});

test('a wrong hash: dataset-corrupt naming the URL and both hashes, nothing left behind', async (t) => {
  const other = someBytes(body.length, 7);
  const server = await startFileServer({ '/data.bin': { body: other } });
  t.after(() => server.close());
  const dir = freshDir();
  const url = `${server.base}/data.bin`;
  const err = await fetchPinned(pinOf([url]), dir).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof DatasetError);
  assert.equal(err.kind, 'corrupt');
  assert.equal(err.message, `${url}: downloaded file is not the published one: SHA-256 ${sha256(other)}, expected ${sha256(body)}; `
    + `nothing was kept; put data.bin (${body.length} bytes, SHA-256 ${sha256(body)}) in ${dir} by hand`);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('a truncated body keeps the .part and no final file; the next call resumes it with Range', async (t) => {
  let truncating = true;
  const server = await startFileServer({ '/data.bin': { body, behave: () => (truncating ? { kind: 'cut', bytes: 50_000 } : { kind: 'ok' }) } });
  t.after(() => server.close());
  const dir = freshDir();
  const url = `${server.base}/data.bin`;
  const err = await fetchPinned(pinOf([url]), dir).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof DatasetError);
  assert.equal(err.kind, 'missing');
  const part = path.join(dir, 'data.bin.part');
  assert.match(err.message, new RegExp(`^${url}: download failed: ${url} \\(UND_ERR_SOCKET: other side closed after 100000 of 200000 bytes\\); 100000 bytes are kept in ${part.replace(/[.]/g, '\\.')} and the next try resumes them; or put data.bin`));
  assert.deepEqual(fs.readdirSync(dir), ['data.bin.part']);
  assert.deepEqual(server.requests.map((r) => r.range), [undefined, 'bytes=50000-']);
  truncating = false;
  const file = await fetchPinned(pinOf([url]), dir);
  assert.deepEqual(fs.readFileSync(file), body);
  assert.equal(server.requests.at(-1)!.range, 'bytes=100000-');
  assert.deepEqual(fs.readdirSync(dir), ['data.bin']);
});

test('a connection cut mid-body is resumed within the same call', async (t) => {
  const server = await startFileServer({ '/data.bin': { body, behave: (i) => (i === 0 ? { kind: 'cut', bytes: 70_000 } : { kind: 'ok' }) } });
  t.after(() => server.close());
  const dir = freshDir();
  const file = await fetchPinned(pinOf([`${server.base}/data.bin`]), dir);
  assert.deepEqual(fs.readFileSync(file), body);
  assert.deepEqual(server.requests.map((r) => r.range), [undefined, 'bytes=70000-']);
});

test('a server that ignores Range starts the file again', async (t) => {
  const server = await startFileServer({ '/data.bin': { body, behave: (i) => (i === 0 ? { kind: 'cut', bytes: 70_000 } : { kind: 'no-range' }) } });
  t.after(() => server.close());
  const file = await fetchPinned(pinOf([`${server.base}/data.bin`]), freshDir());
  assert.deepEqual(fs.readFileSync(file), body);
});

test('a 404 moves on to the next mirror', async (t) => {
  const server = await startFileServer({ '/b/data.bin': { body } });
  t.after(() => server.close());
  const file = await fetchPinned(pinOf([`${server.base}/a/data.bin`, `${server.base}/b/data.bin`]), freshDir());
  assert.deepEqual(fs.readFileSync(file), body);
  assert.deepEqual(server.requests.map((r) => r.path), ['/a/data.bin', '/b/data.bin']);
});

test('every mirror 404: one line naming each URL and where to put the file', async (t) => {
  const server = await startFileServer({});
  t.after(() => server.close());
  const dir = freshDir();
  const [a, b] = [`${server.base}/a/data.bin`, `${server.base}/b/data.bin`];
  const err = await fetchPinned(pinOf([a, b]), dir).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof DatasetError);
  assert.equal(err.kind, 'missing');
  assert.equal(err.message, `${a}: download failed: ${a} (HTTP 404 Not Found); ${b} (HTTP 404 Not Found); `
    + `or put data.bin (${body.length} bytes, SHA-256 ${sha256(body)}) in ${dir} by hand`);
  assert.ok(!err.message.includes('\n'));
  assert.ok(!fs.existsSync(path.join(dir, 'data.bin')));
});

test('nothing listening: the network error is named', async () => {
  const gone = await startFileServer({});
  await gone.close();
  const url = `${gone.base}/data.bin`;
  const err = await fetchPinned(pinOf([url]), freshDir()).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof DatasetError);
  assert.ok(err.message.startsWith(`${url}: download failed: ${url} (connect ECONNREFUSED `), err.message);
});

test('a proxy from the options carries the request; noProxy bypasses it', async (t) => {
  const server = await startFileServer({ '/data.bin': { body } });
  const proxy = await startForwardProxy();
  t.after(async () => { await server.close(); await proxy.close(); });
  const url = `${server.base}/data.bin`;
  const file = await fetchPinned(pinOf([url]), freshDir(), { proxy: { url: proxy.url, noProxy: [] } });
  assert.deepEqual(fs.readFileSync(file), body);
  assert.deepEqual(proxy.forwarded, [`GET ${url}`]);
  await fetchPinned(pinOf([url]), freshDir(), { proxy: { url: proxy.url, noProxy: ['127.0.0.1'] } });
  assert.equal(proxy.forwarded.length, 1, 'noProxy goes direct');
  assert.equal(server.requests.length, 2);
});

test('HTTP_PROXY and NO_PROXY from the environment; https goes through a CONNECT tunnel', async (t) => {
  const server = await startFileServer({ '/data.bin': { body } });
  const proxy = await startForwardProxy();
  t.after(async () => {
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY']) delete process.env[name];
    await server.close(); await proxy.close();
  });
  process.env.HTTP_PROXY = proxy.url;
  process.env.HTTPS_PROXY = proxy.url;
  const url = `${server.base}/data.bin`;
  await fetchPinned(pinOf([url]), freshDir());
  assert.deepEqual(proxy.forwarded, [`GET ${url}`]);
  // The loopback server speaks no TLS: the tunnel is made, then the handshake fails, as one line.
  const https = url.replace('http:', 'https:');
  const err = await fetchPinned(pinOf([https]), freshDir()).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof DatasetError);
  assert.equal(proxy.forwarded[1], `CONNECT ${new URL(url).host}`);
  process.env.NO_PROXY = '127.0.0.1';
  await fetchPinned(pinOf([url]), freshDir());
  assert.equal(proxy.forwarded.filter((f) => f.startsWith('GET')).length, 1, 'NO_PROXY goes direct');
});

test('cancel through the signal: DownloadCancelled, no final file', async (t) => {
  const server = await startFileServer({ '/data.bin': { body: someBytes(5_000_000) } });
  t.after(() => server.close());
  const dir = freshDir();
  const controller = new AbortController();
  const big = someBytes(5_000_000);
  const err = await fetchPinned(pinOf([`${server.base}/data.bin`], big), dir, {
    signal: controller.signal, onProgress: () => controller.abort(),
  }).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof DownloadCancelled);
  assert.ok(!fs.existsSync(path.join(dir, 'data.bin')));
});

test('CNN_EXPLORER_DOWNLOADS replaces a pin by name, folder-qualified first', async (t) => {
  const server = await startFileServer({ '/elsewhere.bin': { body } });
  t.after(() => { delete process.env.CNN_EXPLORER_DOWNLOADS; return server.close(); });
  const builtIn: PinnedFile = { name: 'data.bin', urls: ['http://127.0.0.1:1/never'], bytes: 3, sha256: '00'.repeat(32) };
  const dir = freshDir();
  process.env.CNN_EXPLORER_DOWNLOADS = writeManifest({
    'data.bin': { urls: ['http://127.0.0.1:1/wrong'], bytes: 1, sha256: '11'.repeat(32) },
    [`${path.basename(dir)}/data.bin`]: { urls: [`${server.base}/elsewhere.bin`], bytes: body.length, sha256: sha256(body) },
  });
  assert.deepEqual(fs.readFileSync(await fetchPinned(builtIn, dir)), body);
  process.env.CNN_EXPLORER_DOWNLOADS = writeManifest({ 'data.bin': { urls: [], bytes: 1, sha256: 'x' } });
  await assert.rejects(fetchPinned(builtIn, freshDir()), (e: Error) => e instanceof DatasetError && /files\["data\.bin"\] must be/.test(e.message));
});
