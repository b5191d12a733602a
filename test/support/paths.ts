import * as path from 'node:path';

// Where the tests find the repository's own files, wherever a test file sits in test/unit/.

/** The repository's root folder. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** The example models (`examples/*.cnn.ts`). */
export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
