// Runs on disk: create, read, list, watch. Used by the trainer, the CLI and the extension.
export * from './store';
export * from './types';
export { JsonlReader, writeJsonAtomic } from './files';
