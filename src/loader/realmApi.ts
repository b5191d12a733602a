// What the loader and the evaluation realm (realm.ts) agree on: the names of the few globals
// through which they talk, and the shape of what a run hands back. Inputs go in as strings and
// the outcome comes out as plain data, so no object of either side is ever held by the other.
import type { SourceRange } from '../dsl/ir';

/** The script name model code runs under; its frames in a stack are the model's. */
export const MODEL_SCRIPT = 'cnn-explorer:model-bundle.js';
/** The script name of the realm's own program (the DSL, the locator). */
export const REALM_SCRIPT = 'cnn-explorer:realm.js';

/** Where the bundle's `cnn-explorer` module finds the DSL the realm built. */
export const DSL_GLOBAL = '__cnnExplorerDsl';
/** The bundle's exports (the name of its IIFE). */
export const EXPORTS_GLOBAL = '__cnnExplorerExports';
/** The realm's program (`RealmApi`). */
export const REALM_GLOBAL = '__cnnExplorerRealm';
/** Strings the loader sets before the realm's program runs (read once, then removed). */
export const SOURCE_MAP_GLOBAL = '__cnnExplorerSourceMap';
export const FILES_GLOBAL = '__cnnExplorerFiles';
/** The host's display language and its table, as JSON `{ language, table }`: the DSL's messages read in it. */
export const TRANSLATIONS_GLOBAL = '__cnnExplorerTranslations';
/** Set by the loader when the model's script threw: the thrown value, as the realm made it. */
export const THROWN_GLOBAL = '__cnnExplorerThrown';

export type RealmOutcome =
  | { ok: true; exports: [string, unknown][]; log: string[] }
  | { ok: false; message: string; location: SourceRange | null; log: string[] };

/** What the realm's program offers the evaluation process (its functions run in the realm). */
export interface RealmApi {
  /** The run as data: the exports, or the error that ended it, and the console output. */
  finish(): RealmOutcome;
  /** The error an `import()` is rejected with; it also fails the evaluation. */
  refuseImport(specifier: string): Error;
}
