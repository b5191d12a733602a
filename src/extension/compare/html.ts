import { newNonce } from '../graph/html';

// The compare webview's page. Pure (no vscode import) so the tests serve exactly this page.
// Strict CSP as for the graph view: scripts only with this page's nonce, styles only from the
// extension's files (no inline styles: the view styles through classes and the CSSOM).

export interface ComparePageResources {
  /** `webview.cspSource`. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export function compareContentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

export function compareHtml(r: ComparePageResources): string {
  const nonce = r.nonce ?? newNonce();
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(compareContentSecurityPolicy(r.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(r.styleUri)}">
<title>Compare runs</title>
</head>
<body>
<main id="app" aria-label="Run comparison"><p class="empty">Loading runs…</p></main>
<script nonce="${nonce}" src="${attr(r.scriptUri)}"></script>
</body>
</html>
`;
}
