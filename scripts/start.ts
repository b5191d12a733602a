import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyExamples, packageExtension, ROOT, startCodeServer } from './vscode-server';

// `npm start`: CNN Explorer in a real VS Code with the examples, LeNet-5 and its graph open.
// The desktop `code` when there is one; otherwise code-server on loopback, opened in a browser.

const log = (line: string) => console.error(`[start] ${line}`);
const WORKSPACE = process.env.CNN_EXPLORER_WORKSPACE ?? path.join(ROOT, '.cache', 'workspace');
const WORKSPACE_SETTINGS = { 'cnnExplorer.openOnStartup': 'lenet.cnn.ts' };

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Experiments stay in the copy between starts; a missing copy is made afresh from examples/. */
function workspace(): string {
  if (fs.existsSync(path.join(WORKSPACE, 'lenet.cnn.ts'))) return WORKSPACE;
  log(`copying examples/ to ${path.relative(ROOT, WORKSPACE)} (your experiments never touch the repository)`);
  return copyExamples(WORKSPACE, WORKSPACE_SETTINGS);
}

async function main(): Promise<void> {
  const folder = workspace();
  if (onPath('code') && !process.env.CNN_EXPLORER_CODE_SERVER) {
    log('building the extension and opening it in your VS Code (`code`)…');
    spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
    spawnSync('code', ['--extensionDevelopmentPath', ROOT, folder], { stdio: 'inherit' });
    return;
  }
  const vsix = packageExtension(log);
  const server = await startCodeServer({ vsix, log, port: Number(process.env.PORT) || undefined });
  const url = server.folderUrl(folder);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping code-server…');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(`\nCNN Explorer is running in VS Code (code-server): ${url}\nPress Ctrl-C to stop.\n`);
  if (onPath('xdg-open') && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) {
    spawn('xdg-open', [url], { stdio: 'ignore', detached: true }).unref();
  }
  await new Promise(() => {}); // until Ctrl-C
}

main().catch((err) => {
  console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
