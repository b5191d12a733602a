import assert from 'node:assert/strict';
import { execSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { ensureChromium, ROOT } from '../../scripts/vscode-server';
import { screenshot, webviewFrame } from './harness';

// `npm start` as a newcomer runs it: a VS Code in the browser with CNN Explorer, LeNet-5 and its
// graph open; Ctrl-C (SIGINT) leaves no process behind.

function alive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

test('npm start opens LeNet-5 and its graph in VS Code, and Ctrl-C stops everything', async () => {
  const workspace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cnn-start-')), 'examples');
  const start = spawn('npm', ['start', '--silent'], {
    cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CNN_EXPLORER_WORKSPACE: workspace, CNN_EXPLORER_CODE_SERVER: '1' },
  });
  let output = '';
  start.stdout.on('data', (d) => { output += d; });
  start.stderr.on('data', (d) => { output += d; });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /running in VS Code \(code-server\): (\S+)/.exec(output);
      if (m) { clearInterval(timer); resolve(m[1]!); }
      if (start.exitCode !== null) { clearInterval(timer); reject(new Error(`npm start exited:\n${output}`)); }
    }, 200);
  });
  const browser = await chromium.launch({
    executablePath: ensureChromium(() => {}), headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(url);
    try {
      await page.locator('.tab.active[aria-label*="lenet.cnn.ts"], .tab[aria-label*="lenet.cnn.ts"]').first().waitFor({ timeout: 120_000 });
      const graph = await webviewFrame(page, 'svg.graph g.node[data-node-id="conv2d_1"]', 90_000);
      assert.match(await graph.locator('body').innerText(), /61,706 params/);
      await screenshot(page, '20-npm-start');
    } catch (err) {
      await screenshot(page, '20-npm-start-FAILED').catch(() => {});
      throw err;
    }
  } finally {
    await browser.close();
    process.kill(-start.pid!, 'SIGINT');
    await new Promise((r) => start.once('exit', r));
    fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
  }
  // The code-server it started had a process group of its own: both groups must be gone.
  const deadline = Date.now() + 10_000;
  while (alive(start.pid!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.equal(alive(start.pid!), false, 'npm start left processes behind');
  const port = new URL(url).port;
  const left = execSync('ps -eo args', { encoding: 'utf8' }).split('\n').filter((l) => l.includes('entry.js') && l.includes(`127.0.0.1:${port}`));
  assert.deepEqual(left, [], 'the code-server npm start started is still running');
  await assert.rejects(fetch(url), 'nothing answers on its port any more');
});
