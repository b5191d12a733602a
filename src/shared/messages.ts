import type { AnalyzedModel } from '../analysis/types';
import type { SourceRange } from '../dsl/ir';
import type { RunStatus } from '../runs/types';
import type { Comparison } from '../runs/compare';
import type { GraphDiff } from '../runs/archMerge';
import type { InsightAnswer, InsightQuery } from './trainerProtocol';

// Every message that crosses between the extension host and a webview, in one place.
// One section per view; each direction is a discriminated union on `type`. Payloads are plain
// JSON (webview messages are structured-cloned), so no classes, functions or Uris: Uris travel
// as strings.

// ───────────── What a finished run's network sees (src/extension/insight), in any view ─────────────

/** A view's question about a run's best checkpoint (`requestId` pairs it with its answer). */
export interface InsightAsk {
  type: 'insight';
  requestId: number;
  query: InsightQuery;
}

/** The answer, as data to draw. `runId` null: no run to ask (the answer says why). */
export interface InsightResult {
  type: 'insight';
  requestId: number;
  runId: string | null;
  answer: InsightAnswer;
  /** The run's classes (empty when it could not be loaded). */
  classNames: string[];
  /** Its test images' [height, width, channels] (null when it could not be loaded). */
  imageShape: [number, number, number] | null;
  /** How it was computed, when that is worth a line (a torch run read on tfjs); else empty. */
  note: string;
}

// ───────────────────────────── Graph view (webview/graph) ─────────────────────────────

/** The webview panel type of the graph view (also its serializer's key). */
export const GRAPH_VIEW_TYPE = 'cnnExplorer.graph';

/** The webview panel type of the architecture diff (the graph view showing two versions merged). */
export const ARCH_DIFF_VIEW_TYPE = 'cnnExplorer.archDiff';

/** A model document's evaluation error, as the graph shows it. */
export interface GraphError {
  message: string;
  location: SourceRange | null;
}

export type ExtensionToGraph =
  /**
   * The model to show, sent on open and after every re-evaluation of its document. When the
   * text no longer evaluates, `graph` is the last good model, `stale` is true and `error` says
   * why; `graph` is null when nothing ever evaluated.
   */
  | {
      type: 'update';
      documentUri: string;
      /** File name for titles and exported file names, e.g. `lenet.cnn.ts`. */
      documentLabel: string;
      /** All models the file exports (the view offers to switch between them). */
      exports: string[];
      graph: AnalyzedModel | null;
      stale: boolean;
      error: GraphError | null;
      /**
       * In the architecture diff view: `graph` is both versions merged, and this says which
       * layers were added, removed or changed, and by how much. Absent in the plain graph view.
       */
      diff?: GraphDiff;
    }
  /** The editor's cursor is on the call that made these nodes / groups (empty: nowhere). */
  | { type: 'highlight'; nodeIds: string[]; groupIds: string[] }
  /** A sample image of the model's dataset for the receptive-field view (PNG or JPEG data URI). */
  | { type: 'sampleImage'; dataUri: string; width: number; height: number; label: string }
  /** The outcome of an `export` request (`path` null when the user cancelled). */
  | { type: 'exported'; format: GraphExportFormat; path: string | null; error: string | null }
  /** Feature maps or the effective receptive field, from the newest finished run of this model. */
  | InsightResult;

export type GraphExportFormat = 'svg' | 'png';

export type GraphToExtension =
  /** The view is loaded and listening: send the current model. */
  | { type: 'ready' }
  /** The user chose a node or group: reveal and select its call in the editor. */
  | { type: 'reveal'; nodeId: string | null; groupId: string | null; source: SourceRange }
  /** The user picked another exported model of the same file. */
  | { type: 'selectExport'; exportName: string }
  /**
   * Save the drawing: `data` is the SVG text for `svg` and base64 (no data: prefix) for `png`.
   * The extension asks where, with `suggestedName` as the default file name.
   */
  | { type: 'export'; format: GraphExportFormat; data: string; suggestedName: string }
  /** Ask the newest finished run of the shown model (feature maps, effective receptive field). */
  | InsightAsk;

/**
 * What the graph webview persists with `setState` (and VS Code hands to the panel serializer
 * after a reload): enough for the extension to re-attach the panel to its document.
 */
export interface GraphPersistedState {
  documentUri: string | null;
  exportName: string | null;
}

// ───────────────────────────── Compare view (webview/compare) ─────────────────────────────

/** The webview panel type of the compare view (also its serializer's key). */
export const COMPARE_VIEW_TYPE = 'cnnExplorer.compare';

export type ExtensionToCompare =
  /**
   * The runs compared (sent on open, after every change to one of them, and as a live run
   * writes metrics). `live` lists the ids still training.
   */
  | {
      type: 'comparison'; comparison: Comparison; runsDir: string; live: string[];
      /** Whether `comparison.architectureDiff` is there, still being computed, or not allowed. */
      architecture: CompareArchitectureState;
    }
  /** Nothing to show (no runs left, or they cannot be read): why. */
  | { type: 'empty'; message: string; runsDir: string | null };

export type CompareToExtension =
  /** The view is loaded and listening: send the comparison. */
  | { type: 'ready' }
  /** Ask for a new name for the run (empty clears it). */
  | { type: 'rename'; runId: string }
  /** Ask for the run's tags. */
  | { type: 'editTags'; runId: string }
  /** Delete the run's folder, after a modal confirmation. */
  | { type: 'delete'; runId: string }
  /** Take the run out of this comparison (nothing on disk changes). */
  | { type: 'remove'; runId: string }
  /** Pick more runs to add to the comparison. */
  | { type: 'addRuns' }
  /** Deliver an exported table or chart: copy `data` to the clipboard, or save it where the user says. */
  | ExportRequest;

/** The formats the views export: tables as text, charts as images. */
export type ExportFormat = 'md' | 'csv' | 'latex' | 'svg' | 'png';

/**
 * An exported table or chart, made in the webview: `data` is the text, or base64 (no data:
 * prefix) for `png`. `to: 'file'` asks where to save it, with `suggestedName` as the default.
 */
export interface ExportRequest {
  type: 'export';
  format: ExportFormat;
  data: string;
  suggestedName: string;
  to: 'file' | 'clipboard';
  /** What it is, for the confirmation: `metrics table`, `loss chart`. */
  what: string;
}

/** The architecture diff evaluates model files: only in a trusted workspace, and it takes a moment. */
export type CompareArchitectureState = 'ready' | 'loading' | 'untrusted';

/** What the compare webview persists (and the serializer reads after a reload). */
export interface ComparePersistedState {
  runIds: string[];
  runsDir: string | null;
}

// ───────────────────────────── Runs sidebar (webview/sidebar) ─────────────────────────────

/** The webview view id of the runs sidebar. */
export const RUNS_VIEW_ID = 'cnnExplorer.runs';

/** One row of the runs list. */
export interface RunRow {
  id: string;
  /** `damaged`: run.json cannot be read (`damaged` says why); the other fields are then empty. */
  status: RunStatus | 'damaged';
  model: string;
  dataset: string;
  /** Best test (or validation) accuracy so far, a fraction; null before the first epoch. */
  bestAccuracy: number | null;
  seconds: number | null;
  /** `wasm`; a DDP run's with its world, `torch · cpu ×2 · DDP` (runBackendLabel in src/shared/backends.ts). */
  backend: string | null;
  /** The error of a failed run. */
  error: string | null;
  /** What a crash or a fault damaged, naming the file (run.json unreadable, metrics.jsonl torn); null when whole. */
  damaged: string | null;
}

/** Where the live run is, between epoch records. */
export interface RunProgress {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number | null;
  lr: number | null;
  imagesPerSecond: number | null;
  /** Seconds left for the whole run, from the pace so far. */
  etaSeconds: number | null;
}

export type ExtensionToSidebar =
  /** The runs, newest first (a live run on top), sent when anything in the runs folder changes. */
  | { type: 'runs'; runs: RunRow[]; runsDir: string | null; liveRunId: string | null }
  /** The selected (or live) run in full: its curves, per-class accuracy and confusion matrix. */
  | { type: 'detail'; runId: string; comparison: Comparison; progress: RunProgress | null }
  | { type: 'noDetail' }
  /** A confusion cell's images, or one image's Grad-CAM, of the run shown. */
  | InsightResult;

export type SidebarToExtension =
  | { type: 'ready' }
  | { type: 'select'; runId: string }
  /** Open the compare view on these runs. */
  | { type: 'compare'; runIds: string[] }
  /** Open the sweep view on these runs. */
  | { type: 'sweep'; runIds: string[] }
  | { type: 'stop' }
  | { type: 'openFolder'; runId: string }
  | { type: 'train' }
  /** Ask the shown run's best checkpoint (a confusion cell's images, Grad-CAM). */
  | (InsightAsk & { runId: string });

// ───────────────────────────── Sweep view (webview/sweep) ─────────────────────────────

/** The webview panel type of the sweep view (also its serializer's key). */
export const SWEEP_VIEW_TYPE = 'cnnExplorer.sweep';

/** The metrics the sweep view shows per run (columns and axes), in this order. */
export const SWEEP_METRICS = ['bestTestAccuracy', 'finalTestAccuracy', 'bestTestLoss', 'finalTestLoss', 'imagesPerSecond', 'seconds'] as const;
export type SweepMetric = typeof SWEEP_METRICS[number];

/** A hyperparameter value as the config diff has it: JSON scalars, arrays or objects (src/runs/configDiff.ts). */
export type SweepValue = string | number | boolean | null | SweepValue[] | { [key: string]: SweepValue };

/** One run of the sweep: one value per `SweepTable.params` key, one per SWEEP_METRICS entry (null: none yet). */
export interface SweepRun {
  id: string;
  /** The run's name (meta.json) or its id. */
  label: string;
  status: RunStatus;
  params: SweepValue[];
  metrics: (number | null)[];
}

/** The runs as a table: the dotted keys that vary between them (the config diff's), and each run's values. */
export interface SweepTable {
  params: string[];
  runs: SweepRun[];
}

export type ExtensionToSweep =
  /** The runs (sent on open and when the set changes). `problems`: runs that could not be read, one line each. */
  | { type: 'sweep'; table: SweepTable; runsDir: string; problems: string[] }
  | { type: 'empty'; message: string };

export type SweepToExtension =
  | { type: 'ready' }
  /** Open one run (the compare view on that run alone). */
  | { type: 'openRun'; runId: string }
  /** Open the compare view on these runs. */
  | { type: 'compare'; runIds: string[] };

/** What the sweep webview persists (and the serializer reads after a reload). */
export interface SweepPersistedState {
  runIds: string[];
  runsDir: string | null;
}
