/** A processor run: one processor working on one input for one user. */
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface ProcessorRun {
  id: string;
  key: string;
  userId: string;
  processorId: string;
  processorVersion: string;
  /** The event that started it (replayed on retry). */
  event: unknown;
  inputBlobId: string | null;
  inputVersion: number | null;
  bookId: string | null;
  outputBlobId: string | null;
  status: RunStatus;
  attempts: number;
  error: string | null;
  model: string | null;
  progress: unknown;
  /** The text the current (or last) attempt has streamed, as last written (capped). */
  textSoFar: string;
  /** Sequence of the last update written with `textSoFar`. */
  streamSeq: number;
  /** Sequence from which `textSoFar` is one continuous text (the attempt's first update). */
  streamStart: number;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** A run's status and progress as run subscribers see it. */
export interface RunUpdate {
  runId: string;
  processorId: string;
  status: RunStatus;
  inputBlobId: string | null;
  outputBlobId: string | null;
  attempts: number;
  error: string | null;
  textDelta?: string;
  message?: string;
  fraction?: number;
}

/**
 * A RunUpdate as the runtime publishes it live: numbered per run (`sequence`, +1 per update
 * within an attempt), with where its continuous text began (`textStart`) and the text's length
 * after it, so a subscriber can tell a missed update from a new start. See run-stream.ts.
 */
export interface RunMessage extends RunUpdate {
  kind: 'run';
  sequence: number;
  textStart: number;
  textLength: number;
}

/** What a run's row keeps of its stream (see RunStream), and the model when it is to be set. */
export interface StreamState {
  seq: number;
  start: number;
  text: string;
  model?: string;
}
