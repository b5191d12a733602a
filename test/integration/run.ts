import * as dns from 'node:dns/promises';
import * as path from 'node:path';

// The @vscode/test-electron suite: the extension in a downloaded desktop VS Code. It needs
// update.code.visualstudio.com; where that is out of reach (these build machines), it says so in
// one line and leaves the job to the code-server suite (npm run test:e2e).

const ROOT = path.resolve(__dirname, '..', '..');
const HOST = 'update.code.visualstudio.com';

async function reachable(): Promise<string | null> {
  try {
    await Promise.race([
      dns.lookup(HOST),
      new Promise((_, reject) => setTimeout(() => reject(new Error('DNS timeout')), 3000)),
    ]);
    const res = await fetch(`https://${HOST}/api/releases/stable`, { signal: AbortSignal.timeout(5000) });
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (err) {
    return (err as { code?: string }).code ?? (err as Error).message;
  }
}

async function main(): Promise<void> {
  const why = await reachable();
  if (why) {
    console.log(`integration suite skipped: VS Code cannot be downloaded here (${HOST}: ${why}); npm run test:e2e covers the extension in code-server`);
    return;
  }
  const { runTests } = await import('@vscode/test-electron');
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(__dirname, 'suite.cjs'),
    launchArgs: [path.join(ROOT, 'examples'), '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((err) => {
  console.error(`integration suite failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
