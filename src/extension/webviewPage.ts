import { randomBytes } from 'node:crypto';
import { currentTranslations } from '../shared/l10n/translate';

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
  /**
   * The page runs a Web Worker from a script of its own: it may fetch from the extension's
   * origin and start workers from Blob URLs (a webview may not start one from a resource URL).
   */
  workers?: boolean;
}

function newNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string, opts: { workers?: boolean } = {}): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
    ...(opts.workers ? [`connect-src ${cspSource}`, 'worker-src blob:'] : []),
  ].join('; ');
}

function attr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The display language's table as a JSON data block (never executed): the view's script reads
 * its strings from it (webview/shared/l10n.ts), so webviews speak the language without a bundle
 * of their own. Nothing in English.
 */
function translationsBlock(nonce: string): string {
  const { table } = currentTranslations();
  if (Object.keys(table).length === 0) return '';
  const json = JSON.stringify(table).replace(/</g, '\\u003c');
  return `<script nonce="${nonce}" type="application/json" id="cnn-l10n">${json}</script>\n`;
}

export function webviewPageHtml(r: WebviewPageResources, content: WebviewPageContent): string {
  const nonce = r.nonce ?? newNonce();
  return `<!DOCTYPE html>
<html lang="${attr(currentTranslations().language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(r.cspSource, nonce, { workers: content.workers }))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(r.styleUri)}">
<title>${content.title}</title>
</head>
<body>
${content.body}
${translationsBlock(nonce)}<script nonce="${nonce}" src="${attr(r.scriptUri)}"></script>
</body>
</html>
`;
}
