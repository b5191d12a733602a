import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PLUGIN_PACKAGE } from '../../../../src/extension/typings/names';
import { writePluginPackage } from '../../../../src/extension/typings/pluginPackage';

// The TS server plugin, loaded the way VS Code loads a contributed plugin (`--globalPlugins`
// + `--pluginProbeLocations <extension dir>`), by the real tsserver, on a folder that holds only
// a model file: no package.json, no tsconfig, no node_modules.

const LENET = `import { model, conv2d, avgPool2d, sigmoid, flatten, dense, type Training } from 'cnn-explorer';

export default model('LeNet-5', [28, 28, 1], [
  conv2d(6, 5, { padding: 2 }), sigmoid(),
  avgPool2d(2),
  conv2d(16, 5), sigmoid(),
  avgPool2d(2),
  flatten(),
  dense(120), sigmoid(),
  dense(84), sigmoid(),
  dense(10),
]);

export const training: Training = { dataset: 'mnist', epochs: 10, batchSize: 64,
  optimizer: { type: 'adam', lr: 1e-3 } };
`;

/** A minimal tsserver client: one request at a time, answers matched by request_seq. */
class TsServer {
  private seq = 0;
  private buffer = Buffer.alloc(0);
  private readonly waiting = new Map<number, (body: unknown) => void>();
  private readonly proc: ChildProcessWithoutNullStreams;

  constructor(probeLocation: string) {
    const tsserver = path.resolve('node_modules/typescript/lib/tsserver.js');
    this.proc = spawn(process.execPath, [tsserver, '--globalPlugins', PLUGIN_PACKAGE,
      '--pluginProbeLocations', probeLocation, '--disableAutomaticTypingAcquisition']);
    this.proc.stdout.on('data', (chunk: Buffer) => this.read(chunk));
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const header = this.buffer.indexOf('\r\n\r\n');
      if (header < 0) return;
      const length = Number(/Content-Length: (\d+)/.exec(this.buffer.subarray(0, header).toString())?.[1]);
      if (this.buffer.length < header + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(header + 4, header + 4 + length).toString());
      this.buffer = this.buffer.subarray(header + 4 + length);
      if (message.type === 'response') this.waiting.get(message.request_seq)?.(message);
    }
  }

  request<T>(command: string, args: unknown): Promise<{ success: boolean; body?: T; message?: string }> {
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.waiting.set(seq, resolve as (body: unknown) => void);
      this.proc.stdin.write(`${JSON.stringify({ seq, type: 'request', command, arguments: args })}\n`);
    });
  }

  /** Requests without a response (open, change). */
  notify(command: string, args: unknown): void {
    this.proc.stdin.write(`${JSON.stringify({ seq: ++this.seq, type: 'request', command, arguments: args })}\n`);
  }

  close(): void {
    this.proc.kill();
  }
}

interface Diag { text: string; start: { line: number; offset: number } }

describe('TS server plugin: IntelliSense for cnn-explorer in a bare folder', () => {
  let probe: string, folder: string, file: string, server: TsServer;
  let current = LENET;

  /** Replaces the open file's whole text, as an editor would. */
  const replaceText = (text: string): void => {
    const lines = current.split('\n');
    server.notify('change', { file, line: 1, offset: 1, endLine: lines.length, endOffset: lines.at(-1)!.length + 1, insertString: text });
    current = text;
  };

  before(async () => {
    probe = mkdtempSync(path.join(tmpdir(), 'cnn-ext-'));
    await writePluginPackage(path.join(probe, 'node_modules', PLUGIN_PACKAGE));
    folder = mkdtempSync(path.join(tmpdir(), 'cnn-fresh-'));
    file = path.join(folder, 'lenet.cnn.ts');
    writeFileSync(file, LENET);
    server = new TsServer(probe);
    server.notify('open', { file, projectRootPath: folder });
  });

  after(() => {
    server.close();
    rmSync(probe, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  it('resolves the module: no errors in LeNet', async () => {
    const res = await server.request<Diag[]>('semanticDiagnosticsSync', { file });
    assert.ok(res.success, res.message);
    assert.deepEqual(res.body!.map((d) => d.text), []);
  });

  it('offers conv2d with its documentation', async () => {
    // Type `con` on a new line inside the layer list: it becomes line 12 (1-based).
    const text = LENET.replace('  dense(10),\n', '  dense(10),\n  con\n');
    replaceText(text);
    const res = await server.request<{ entries: { name: string }[] }>('completionInfo', { file, line: 12, offset: 6 });
    assert.ok(res.success, res.message);
    assert.ok(res.body!.entries.some((e) => e.name === 'conv2d'), 'conv2d is offered');
    const details = await server.request<{ documentation: { text: string }[] }[]>('completionEntryDetails',
      { file, line: 12, offset: 6, entryNames: ['conv2d'] });
    assert.match(details.body![0]!.documentation.map((d) => d.text).join(''), /2-D convolution/);
  });

  it('gives signature help inside conv2d(', async () => {
    const text = LENET.replace('  dense(10),\n', '  dense(10),\n  conv2d(\n');
    replaceText(text);
    const res = await server.request<{ items: { parameters: { name: string }[] }[] }>('signatureHelp', { file, line: 12, offset: 10 });
    assert.ok(res.success, res.message);
    assert.deepEqual(res.body!.items[0]!.parameters.map((p) => p.name), ['filters', 'kernel', 'opts']);
  });

  it('reports a type error for a wrong argument', async () => {
    const text = LENET.replace('conv2d(16, 5)', "conv2d('16', 5)");
    replaceText(text);
    const res = await server.request<Diag[]>('semanticDiagnosticsSync', { file });
    assert.ok(res.success, res.message);
    assert.equal(res.body!.length, 1);
    assert.match(res.body![0]!.text, /'string' is not assignable to parameter of type 'number'/);
    assert.equal(res.body![0]!.start.line, 6);
  });
});
