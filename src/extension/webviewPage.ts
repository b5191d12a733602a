import { randomBytes } from 'node:crypto';

// The HTML page every CNN Explorer webview is served in. Pure (no vscode import) so the tests
// serve exactly this page. Strict CSP: scripts only with this page's nonce; styles, fonts and
// images only from the extension (no inline style elements or attributes: each view styles
// itself through its stylesheet and the CSSOM); data:/blob: images for sample images and PNG export.

export interface WebviewPageResources {
  /** `webview.cspSource`: the origin the webview serves extension files from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export interface WebviewPageContent {
  title: string;
  /** Static markup the script takes over (escaped by the caller where it holds data). */
  body: string;
}

function newNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
  ].join('; ');
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function webviewPageHtml(r: WebviewPageResources, content: WebviewPageContent): string {
  const nonce = r.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(r.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(r.styleUri)}">
<title>${content.title}</title>
</head>
<body>
${content.body}
<script nonce="${nonce}" src="${attr(r.scriptUri)}"></script>
</body>
</html>
`;
}
