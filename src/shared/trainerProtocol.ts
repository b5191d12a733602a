// The trainer protocol: every message between the trainer process and whoever started or follows
// it (the CLI, the extension, tests), in one place. docs/trainer-protocol.md is its schema for
// other implementations; change both together, and bump TRAINER_PROTOCOL_VERSION for any change
// an existing reader could misread.
//
// Transport: one JSON object per line. The trainer writes TrainerMessages on stdout (lines that
// are not JSON objects are stray library output, ignored) and appends the same messages (but the
// transient `download`) to the run's metrics.jsonl, so a watcher that joins late reads the file instead. It reads
// TrainerCommands on stdin. Pure: no Node, no DOM.
import type { SourceRange } from '../dsl/ir';
import type { BackendName } from './backends';
import {
  RUN_ERROR_CODES, type EpochRecord, type IterationRecord, type RunErrorCode, type TrainResult,
} from '../runs/types';

/** The version the trainer announces in its first message (`hello`), and the one readers know. */
export const TRAINER_PROTOCOL_VERSION = 1;

/** What the trainer is doing, in `status` messages. */
export type TrainerPhase =
  /** Loading the dataset, then what was loaded (counts per split, where from). */
  | 'data'
  /** initFrom: which weights were copied from the earlier run. */
  | 'init'
  /** An epoch starts (epoch, frozen layers, learning rate), or the schedule or early stopping acted. */
  | 'training'
  /** The epoch's training steps are done; its evaluation runs. */
  | 'evaluating'
  /** A stop was requested: checkpoints/last is being saved. */
  | 'stopping';

const TRAINER_PHASES: readonly TrainerPhase[] = ['data', 'init', 'training', 'evaluating', 'stopping'];

export type TrainerMessage =
  /** The first message of every run: who is speaking, in which protocol version. */
  | { type: 'hello'; protocol: number; runId: string; pid: number; time: number }
  /** The backend chosen and why (`message` is the same as one line for people). */
  | { type: 'backend'; backend: BackendName; reason: string; detail?: string; message: string; time: number }
  | { type: 'status'; phase: TrainerPhase; message: string; time: number }
  | IterationRecord
  | EpochRecord
  /**
   * A download's progress (a dataset, pretrained weights), at most every 250 ms and once at its
   * end. Transient: on stdout only, never in metrics.jsonl (a watcher that joins later has
   * nothing to show for a download that is over; the `data` status says where the data came from).
   */
  | {
    type: 'download'; file: string; url: string; received: number; total: number | null;
    bytesPerSecond: number; etaSeconds: number | null; time: number;
  }
  /** The run failed: sent once, just before `done`. */
  | { type: 'error'; code: RunErrorCode; message: string; location: SourceRange | null; time: number }
  /** The last message: the run's result (also when it failed or was stopped). */
  | { type: 'done'; result: TrainResult; time: number };

export type TrainerMessageType = TrainerMessage['type'];

export type TrainerCommand =
  /** Stop after the current batch, saving checkpoints/last; the run ends `stopped`. */
  { type: 'stop' };

const MESSAGE_TYPES: readonly TrainerMessageType[] = ['hello', 'backend', 'status', 'download', 'iteration', 'epoch', 'error', 'done'];

/** One message as one line (newline included), as the trainer writes it on stdout. */
export function encodeTrainerMessage(msg: TrainerMessage): string {
  return `${JSON.stringify(msg)}\n`;
}

/** One command as one line (newline included), as a starter writes it on the trainer's stdin. */
export function encodeTrainerCommand(cmd: TrainerCommand): string {
  return `${JSON.stringify(cmd)}\n`;
}

function jsonObject(line: string): Record<string, unknown> | null {
  const text = line.trim();
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/**
 * A decoded JSON value as a message of this protocol version, or null: not an object, a `type`
 * this version does not have, or a status `phase` it does not have. An error `code` it does not
 * know reads as `internal`, so that a failure is never lost.
 */
export function toTrainerMessage(value: unknown): TrainerMessage | null {
  if (typeof value !== 'object' || value === null) return null;
  const msg = value as { type?: unknown; phase?: unknown; code?: unknown };
  if (!MESSAGE_TYPES.includes(msg.type as TrainerMessageType)) return null;
  if (msg.type === 'status' && !TRAINER_PHASES.includes(msg.phase as TrainerPhase)) return null;
  if (msg.type === 'error' && !RUN_ERROR_CODES.includes(msg.code as RunErrorCode)) {
    return { ...(value as TrainerMessage), code: 'internal' } as TrainerMessage;
  }
  return value as TrainerMessage;
}

/** Parses one stdout line; null for anything that is not a message of this protocol (stray library output). */
export function parseTrainerLine(line: string): TrainerMessage | null {
  return toTrainerMessage(jsonObject(line));
}

/** Parses one stdin line; null for anything that is not a command. */
export function parseTrainerCommand(line: string): TrainerCommand | null {
  const msg = jsonObject(line);
  return msg?.type === 'stop' ? { type: 'stop' } : null;
}

/** Why a reader cannot follow a trainer that announced `hello`; null when it can. */
export function protocolMismatch(hello: Extract<TrainerMessage, { type: 'hello' }>): string | null {
  return hello.protocol === TRAINER_PROTOCOL_VERSION ? null
    : `the trainer speaks protocol version ${hello.protocol}; this CNN Explorer reads version ${TRAINER_PROTOCOL_VERSION}`;
}

// ─────────────── Insight: what a finished run's network sees (docs/trainer-protocol.md) ───────────────
// A short-lived process (`cnn-explorer insight RUN --serve`) loads the run's best checkpoint and
// test set once, then answers InsightRequests read on stdin with InsightReplies on stdout, one
// JSON object a line, until stdin closes.

/** One test image as the views draw it. */
export interface InsightImage {
  /** Position in the test split. */
  index: number;
  label: number;
  predicted: number;
  /** One probability per class. */
  probabilities: number[];
  /** height × width × channels bytes (0–255), row-major: the image as the model sees it, before normalization. */
  pixels: number[];
}

/** A map over an image or a layer's output: height × width values, row-major. */
export interface InsightMap {
  height: number;
  width: number;
  values: number[];
}

export type InsightQuery =
  /** The test images of one confusion cell (true class `actual`, predicted `predicted`), the first `limit` of them. */
  | { type: 'cell'; actual: number; predicted: number; limit: number }
  /** Grad-CAM at the last convolution for one test image and class. */
  | { type: 'gradCam'; image: number; classIndex: number }
  /** One layer's feature maps for one test image. */
  | { type: 'featureMaps'; image: number; nodeId: string }
  /** The effective receptive field of one layer's centre unit, averaged over the first `images` test images. */
  | { type: 'effectiveRf'; nodeId: string; images: number };

/** A query as sent to the process: `id` pairs it with its reply. */
export type InsightRequest = InsightQuery & { id: number };

export type InsightAnswer =
  | { type: 'cell'; actual: number; predicted: number; total: number; images: InsightImage[] }
  | { type: 'gradCam'; image: InsightImage; classIndex: number; nodeId: string; map: InsightMap }
  | { type: 'featureMaps'; image: InsightImage; nodeId: string; maps: InsightMap[] }
  | { type: 'effectiveRf'; nodeId: string; centre: [number, number]; images: number; map: InsightMap }
  /** The query failed (one line: what and why). */
  | { type: 'error'; message: string };

export type InsightReply =
  /** The first line: the run is loaded. */
  | { type: 'ready'; protocol: number; runId: string; classNames: string[]; imageShape: [number, number, number]; testCount: number; engine: 'tfjs'; note: string }
  /** The answer to request `id`. */
  | { id: number; answer: InsightAnswer }
  /** The run could not be loaded: the process exits after this line. */
  | { type: 'failed'; message: string };

const INSIGHT_QUERY_TYPES: readonly InsightQuery['type'][] = ['cell', 'gradCam', 'featureMaps', 'effectiveRf'];

/** Parses one stdin line of the insight process; null for anything that is not a request. */
export function parseInsightRequest(line: string): InsightRequest | null {
  const msg = jsonObject(line);
  if (!msg || typeof msg.id !== 'number' || !INSIGHT_QUERY_TYPES.includes(msg.type as InsightQuery['type'])) return null;
  return msg as unknown as InsightRequest;
}

/** Parses one stdout line of the insight process; null for stray library output. */
export function parseInsightReply(line: string): InsightReply | null {
  const msg = jsonObject(line);
  if (!msg) return null;
  if (msg.type === 'ready' || msg.type === 'failed') return msg as unknown as InsightReply;
  return typeof msg.id === 'number' && typeof msg.answer === 'object' && msg.answer !== null ? msg as unknown as InsightReply : null;
}
