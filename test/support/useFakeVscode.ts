// Import this first in a test of extension code: from then on `import … from 'vscode'` in the
// code under test loads ./fakeVscode. (tsx runs the tests as CommonJS, so resolution goes
// through Module._resolveFilename, in import order.)
import Module from 'node:module';

const fake = require.resolve('./fakeVscode');
const moduleWithResolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = moduleWithResolver._resolveFilename;
moduleWithResolver._resolveFilename = function (request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? fake : resolve.call(this, request, ...rest);
};
