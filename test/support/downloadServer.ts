// Real loopback servers for the download tests: a file server that answers Range requests and
// can misbehave on purpose (cut the connection, send too few bytes, 404), and a forward proxy
// (CONNECT and absolute-form GET) that counts what it forwarded. Each listens on 127.0.0.1:0.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Deterministic bytes that are not all alike. */
export function someBytes(n: number, seed = 1): Buffer {
  const b = Buffer.alloc(n);
  let x = seed * 2654435761 >>> 0;
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; b[i] = x >>> 24; }
  return b;
}

/** How the server answers one request for a path (called with the request's number for that path, from 0). */
export type Behaviour =
  | { kind: 'ok' }
  /** Status 404. */
  | { kind: 'missing' }
  /** Sends `bytes` of the body (announcing all of it), then closes the connection. */
  | { kind: 'cut'; bytes: number }
  /** Sends `bytes` of the body without announcing its length, then closes: a body that ends early. */
  | { kind: 'short'; bytes: number }
  /** Sends the whole body but the other bytes: `body` instead of the file. */
  | { kind: 'other'; body: Buffer }
  /** Sends `bytes` of the body (announcing all of it), then nothing more until the server closes. */
  | { kind: 'stall'; bytes: number }
  /** Ignores Range and answers 200 with the whole file. */
  | { kind: 'no-range' };

export interface Served {
  body: Buffer;
  behave?: (requestNo: number) => Behaviour;
}

export interface RequestSeen { path: string; range: string | undefined }

export interface FileServer {
  base: string;
  requests: RequestSeen[];
  close(): Promise<void>;
}

export async function startFileServer(files: Record<string, Served>): Promise<FileServer> {
  const requests: RequestSeen[] = [];
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const range = req.headers.range;
    requests.push({ path: url.pathname, range });
    const file = files[url.pathname];
    const n = counts.get(url.pathname) ?? 0;
    counts.set(url.pathname, n + 1);
    const behaviour: Behaviour = file ? file.behave?.(n) ?? { kind: 'ok' } : { kind: 'missing' };
    if (!file || behaviour.kind === 'missing') { res.writeHead(404).end('not here'); return; }
    const body = behaviour.kind === 'other' ? behaviour.body : file.body;
    const m = behaviour.kind !== 'no-range' && range ? /^bytes=(\d+)-$/.exec(range) : null;
    const start = m ? Number(m[1]) : 0;
    if (start >= body.length && m) { res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end(); return; }
    const slice = body.subarray(start);
    if (behaviour.kind === 'short') {
      // Raw, so that no Content-Length or chunked framing tells the client the body is short.
      const head = m ? `HTTP/1.1 206 Partial Content\r\ncontent-range: bytes ${start}-${body.length - 1}/${body.length}\r\n` : 'HTTP/1.1 200 OK\r\n';
      res.socket?.end(Buffer.concat([Buffer.from(`${head}connection: close\r\n\r\n`), slice.subarray(0, behaviour.bytes)]));
      return;
    }
    res.writeHead(m ? 206 : 200, {
      'content-length': String(slice.length),
      ...(m ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (behaviour.kind === 'stall') {
      res.write(slice.subarray(0, behaviour.bytes));
      return;
    }
    if (behaviour.kind === 'cut') {
      res.write(slice.subarray(0, behaviour.bytes), () => res.socket?.end());
      return;
    }
    res.end(slice);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export interface ForwardProxy {
  url: string;
  /** 'GET http://…' for absolute-form requests, 'CONNECT host:port' for tunnels. */
  forwarded: string[];
  close(): Promise<void>;
}

export async function startForwardProxy(): Promise<ForwardProxy> {
  const forwarded: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    forwarded.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const up = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
      upRes.on('error', () => res.destroy());
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    forwarded.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const up = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    sockets.add(up); sockets.add(client);
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Writes a CNN_EXPLORER_DOWNLOADS manifest into a fresh temp folder; returns its path. */
export function writeManifest(files: Record<string, { urls: string[]; bytes: number | null; sha256: string }>): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-manifest-')), 'downloads.json');
  fs.writeFileSync(file, JSON.stringify({ files }));
  return file;
}
