/**
 * The worker's side of a run's live stream. Every update of a run (status change or progress)
 * gets the next `sequence` of that run, and the text streamed by the current attempt is kept
 * (up to RUN_TEXT_LIMIT characters) and written to the run's row: at most every STREAM_WRITE_MS
 * while it streams, and before every status change is published, so the row is exact whenever
 * the run is not streaming. Any API instance can then bring a late subscriber up to date (see
 * run-follow.ts), and `ProcessorRun.textSoFar` reads the row.
 *
 * Progress is published at most every PROGRESS_EVERY_MS: an LLM's words that come closer
 * together go out as one update (one message on the backbone instead of one per word).
 *
 * Sequences only grow. An attempt continues from the sequence last written; an attempt that
 * follows a crashed one (whose last updates may have gone out unwritten) starts ATTEMPT_SPAN
 * further on, and an attempt publishes fewer updates than that.
 */
import type { Logger } from '../logger';
import type { RunRepository } from './run-repository';
import type { ProcessorRun, RunMessage, RunUpdate, StreamState } from './run-types';

/**
 * Most characters of a run's text kept for late subscribers and queries by default
 * (REYNA_RUN_TEXT_LIMIT): beyond it the text still streams as deltas but `textSoFar` stops
 * growing (an expansion of the largest input at 5x fits; an endless or hostile answer costs no
 * more than this per run).
 */
export const RUN_TEXT_LIMIT = 512 * 1024;
/** Most updates one attempt publishes (the rest of its progress is not streamed). */
export const ATTEMPT_SPAN = 1_000_000;
/** How often a streaming run's text is written to its row, at most. */
export const STREAM_WRITE_MS = 250;
/**
 * How often a run's progress is published, at most: pieces that come sooner (an LLM sends a
 * word at a time) wait and go out together in one update. The first piece after a pause goes
 * out at once.
 */
export const PROGRESS_EVERY_MS = 20;

/** `text` followed by `delta`, within `limit` characters. */
export function appendText(text: string, delta: string | undefined, limit: number): string {
  if (!delta || text.length >= limit) return text;
  const next = text + delta;
  return next.length > limit ? next.slice(0, limit) : next;
}

type Progress = Pick<RunUpdate, 'textDelta' | 'message' | 'fraction'>;

export class RunStream {
  private seq: number;
  private readonly start: number;
  private text: string;
  private written: number;
  /** `written` as it was before `closing` (see `reopen`). */
  private writtenBeforeClosing = 0;
  private timer: NodeJS.Timeout | undefined;
  private writes: Promise<void> = Promise.resolve();
  /** Progress not published yet, and when it will be. */
  private pending: Progress | undefined;
  private pendingTimer: NodeJS.Timeout | undefined;
  private lastPublished = Number.NEGATIVE_INFINITY;
  /** The model the attempt uses, until written. */
  private model: string | undefined;
  /** The model the attempt uses, written or not. */
  private attemptModel: string | undefined;
  private run: ProcessorRun;
  private readonly limit: number;

  /**
   * A stream for `run` as stored. `newText`: an attempt starts, its text begins empty.
   * `crashed`: the previous attempt died, its last updates may be unwritten. `begun`: `run` is
   * as `RunRepository.start` left it, whose row holds the attempt's first update already
   * (`announce` publishes it).
   */
  constructor(
    run: ProcessorRun,
    private readonly publish: (message: RunMessage) => void,
    private readonly repository: RunRepository,
    private readonly log: Logger,
    options: { newText: boolean; crashed: boolean; begun?: boolean; textLimit?: number },
  ) {
    this.limit = options.textLimit ?? RUN_TEXT_LIMIT;
    this.run = run;
    this.written = run.streamSeq;
    if (options.begun) {
      this.seq = run.streamSeq;
      this.start = run.streamStart;
      this.text = '';
      return;
    }
    this.seq = run.streamSeq + (options.crashed ? ATTEMPT_SPAN : 0);
    const fresh = options.newText || options.crashed;
    this.start = fresh ? this.seq + 1 : run.streamStart;
    this.text = options.newText ? '' : run.textSoFar;
  }

  /** Publishes a status change once the row holds everything up to it. */
  async status(run: ProcessorRun): Promise<void> {
    this.flush();
    this.run = run;
    const message = this.next({});
    await this.write();
    this.publish(message);
  }

  /**
   * For a status change that its own statement writes: the row's state after it (the next
   * sequence, the text so far, the model of the attempt, if known). Then `announce` the new status
   * once that statement has run.
   */
  closing(): StreamState {
    this.flush();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.seq += 1;
    this.writtenBeforeClosing = this.written;
    this.written = this.seq;
    // The attempt's model even when a write took it already: that write may still be queued,
    // and once this state is stored the row refuses the older one (its sequence is behind).
    const model = this.model ?? this.attemptModel;
    this.model = undefined;
    return { seq: this.seq, start: this.start, text: this.text, model };
  }

  /**
   * After `closing`, when the statement that was to write that state did not run or did not
   * write it: the row is behind again, and the next write or status change brings it up to date.
   */
  reopen(closed: StreamState): void {
    if (this.seq !== closed.seq) return;
    // The status update `closing` numbered was never published: its number is free again.
    this.seq -= 1;
    this.written = this.writtenBeforeClosing;
    if (closed.model !== undefined) this.model ??= closed.model;
  }

  /** Publishes the update the row holds now (see `begun` and `closing`), with `run`'s status. */
  announce(run: ProcessorRun): void {
    this.run = run;
    this.publish(this.message({}));
  }

  /** Keeps the model the attempt uses, for the row's next write. */
  setModel(model: string): void {
    this.model = model;
    this.attemptModel = model;
    this.timer ??= setTimeout(() => void this.write(), STREAM_WRITE_MS);
  }

  /**
   * Publishes progress within PROGRESS_EVERY_MS (at once after a pause), together with any
   * that comes meanwhile; the row catches up within STREAM_WRITE_MS.
   */
  progress(update: Progress): void {
    const p = this.pending;
    if (!p) this.pending = { ...update };
    else {
      if (update.textDelta) p.textDelta = (p.textDelta ?? '') + update.textDelta;
      if (update.message !== undefined) p.message = update.message;
      if (update.fraction !== undefined) p.fraction = update.fraction;
    }
    if (this.pendingTimer) return;
    const wait = this.lastPublished + PROGRESS_EVERY_MS - performance.now();
    if (wait <= 0) this.flush();
    else this.pendingTimer = setTimeout(() => this.flush(), wait);
  }

  /** Writes what is pending now: the attempt is over. */
  async finish(): Promise<void> {
    this.flush();
    await this.write();
  }

  /** Publishes the progress waiting, if any. */
  private flush(): void {
    clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    const update = this.pending;
    this.pending = undefined;
    if (!update || this.seq - this.start >= ATTEMPT_SPAN - 2) return;
    this.lastPublished = performance.now();
    this.publish(this.next(update));
    this.timer ??= setTimeout(() => void this.write(), STREAM_WRITE_MS);
  }

  private next(update: Progress): RunMessage {
    this.seq += 1;
    this.text = appendText(this.text, update.textDelta, this.limit);
    return this.message(update);
  }

  /** The update at the current sequence. */
  private message(update: Progress): RunMessage {
    const r = this.run;
    return {
      kind: 'run',
      runId: r.id,
      processorId: r.processorId,
      status: r.status,
      inputBlobId: r.inputBlobId,
      outputBlobId: r.outputBlobId,
      attempts: r.attempts,
      error: r.error,
      ...update,
      sequence: this.seq,
      textStart: this.start,
      textLength: this.text.length,
    };
  }

  /** Writes the state now (after the writes before it); a failed write only delays the row. */
  private write(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.written === this.seq && this.model === undefined) return this.writes;
    const state: StreamState = {
      seq: this.seq,
      start: this.start,
      text: this.text,
      model: this.model,
    };
    this.model = undefined;
    this.written = this.seq;
    this.writes = this.writes
      .then(() => this.repository.saveStream(this.run.id, state))
      .catch((error) => {
        this.log.warn('run text not written', {
          run: this.run.id,
          error: error instanceof Error ? error.message : String(error),
        });
      });
    return this.writes;
  }
}
