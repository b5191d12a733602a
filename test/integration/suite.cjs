// Runs inside the desktop VS Code's extension host (loaded by @vscode/test-electron).
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

exports.run = async function run() {
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'lenet.cnn.ts'));
  await vscode.window.showTextDocument(doc);
  const ext = vscode.extensions.getExtension('cnn-explorer.cnn-explorer');
  assert.ok(ext, 'the extension is installed');
  await ext.activate();
  const commands = await vscode.commands.getCommands(true);
  for (const c of ['cnnExplorer.showSummary', 'cnnExplorer.showGraph', 'cnnExplorer.compareRuns']) {
    assert.ok(commands.includes(c), `${c} is registered`);
  }
  await vscode.commands.executeCommand('cnnExplorer.showSummary');
  const summary = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'cnn-summary');
  assert.ok(summary && summary.getText().includes('61,706'), 'the summary shows LeNet-5\'s parameters');
  const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(7, 4));
  const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(text, /28×28×1 → 28×28×6/);
  console.log(`integration suite passed (${path.basename(doc.fileName)})`);
};
