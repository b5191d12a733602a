import { randomBytes } from 'node:crypto';

// The graph webview's page. Pure (no vscode import) so the tests serve exactly this page.
// Strict CSP: scripts only with this page's nonce, styles and fonts only from the extension
// (no inline style elements or attributes: the webview styles itself through its stylesheet and
// the CSSOM), images from the extension or data:/blob: URIs (sample images, PNG export).

export interface GraphPageResources {
  /** `webview.cspSource`: the origin the webview serves extension files from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function graphContentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
  ].join('; ');
}

export function graphHtml(r: GraphPageResources): string {
  const nonce = r.nonce ?? newNonce();
  const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(graphContentSecurityPolicy(r.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(r.styleUri)}">
<title>Model graph</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${attr(r.scriptUri)}"></script>
</body>
</html>
`;
}
