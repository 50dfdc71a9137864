/**
 * The one way runs are asked for and steered: GraphQL, REST, the processor runtime and the
 * operator commands all request, retry, cancel and replay runs here, never by building events
 * or run keys themselves.
 *
 * What it owns:
 * - Run keys. A run is keyed by processor, processor version and input version (or by the event
 *   that asked for it, for runs without an input blob); the blobs a run derives are keyed by the
 *   run key, so whatever path brings the same work twice stores one blob.
 * - The events that set runs going: a request event for on-request processors, a retry event
 *   for a run put back in the queue, each written in the transaction that records the run.
 * - Telling subscribers: a queued run that is cancelled is announced here; a running one is
 *   announced by the handler running it when it stops (one writer per live stream).
 *
 * What it does not own: a run's life while a worker executes it (start, progress, success,
 * failure, requeue), which stays with the runtime that executes it.
 */
import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode, notFound } from '../errors';
import type { EventBackbone } from '../events/backbone';
import type { EventCatalog } from '../events/catalog';
import type { StudioEvent } from '../events/event';
import type { Logger } from '../logger';
import type { RunRepository } from './run-repository';
import { RunStream } from './run-stream';
import type { ProcessorRun } from './run-types';

/** The event that puts a run back in its processor's queue (`details.runId` names the run). */
export const retryEventType = (processorId: string) => `processor.retry.${processorId}`;

/** A processor, as far as run keys are concerned. */
export interface ProcessorVersion {
  id: string;
  version: string;
}

/** The key of the run of `processor` for one input version, or for one event without input. */
export function runKey(
  processor: ProcessorVersion,
  target: { inputBlobId: string; inputVersion: number } | { eventId: string },
): string {
  const base = `${processor.id}@${processor.version}`;
  return 'eventId' in target
    ? `${base}:event:${target.eventId}`
    : `${base}:${target.inputBlobId}@${target.inputVersion}`;
}

/** What an on-request processor is asked to do. */
export interface RunRequest {
  /** The event type the processor subscribes to for requests: `book.compile.requested`. */
  type: string;
  bookId?: string | null;
  /** The blob a run on a blob works on, at `inputVersion` (its version when asked). */
  blobId?: string | null;
  inputVersion?: number | null;
  details?: Record<string, unknown>;
}

export interface RunServiceOptions {
  runs: RunRepository;
  /** The event kinds, among them the request each on-request processor declared. */
  catalog: EventCatalog;
  events: Pick<EventBackbone, 'publishLive' | 'deadLetter' | 'discardDeadLetter'>;
  log: Logger;
  /**
   * After a run's events were written: given them (a request's, a retry's), the relay publishes
   * them at once; otherwise it wakes for a pass.
   */
  onWrite?: (events?: readonly StudioEvent[]) => void;
}

/** A new event of the studio's envelope, with the nulls it does not use filled in. */
function newEvent(
  fields: Pick<StudioEvent, 'type' | 'userId'> & Partial<StudioEvent>,
): StudioEvent {
  return {
    id: randomUUID(),
    blobId: null,
    parentId: null,
    processorId: null,
    schemaId: null,
    bookId: null,
    time: new Date().toISOString(),
    ...fields,
  };
}

export class RunService {
  constructor(private readonly options: RunServiceOptions) {}

  /** The event catalog requests are checked against (see run-requests.ts). */
  get catalog(): EventCatalog {
    return this.options.catalog;
  }

  /** The user's run, or null. */
  get(userId: string, id: string): Promise<ProcessorRun | null> {
    return this.options.runs.get(userId, id);
  }

  /**
   * Records a queued run of an on-request processor and the request event its worker consumes,
   * in one commit, keyed by that event (each request is a run of its own). The caller checked
   * that the user may ask (see `requestRun`).
   */
  async request(
    userId: string,
    processor: ProcessorVersion,
    request: RunRequest,
  ): Promise<ProcessorRun> {
    const event = newEvent({
      type: request.type,
      userId,
      blobId: request.blobId ?? null,
      bookId: request.bookId ?? null,
      details: request.details,
    });
    const run = await this.options.runs.ensure(
      {
        key: runKey(processor, { eventId: event.id }),
        userId,
        processorId: processor.id,
        processorVersion: processor.version,
        event,
        inputBlobId: event.blobId,
        inputVersion: event.blobId ? (request.inputVersion ?? null) : null,
        bookId: event.bookId,
      },
      [event],
    );
    this.options.onWrite?.([event]);
    return run;
  }

  /**
   * The run an event starts (created queued the first time, the same run when the event comes
   * again): how the runtime records work that events bring.
   */
  forEvent(
    processor: ProcessorVersion,
    event: StudioEvent,
    input: { id: string; version: number } | null,
  ): Promise<ProcessorRun> {
    return this.options.runs.ensure(this.newRun(processor, event, input));
  }

  /**
   * As `forEvent`, for work that starts at once: a new run is created RUNNING, its first attempt
   * counted (`started`); a run already there is returned as it is.
   */
  startForEvent(
    processor: ProcessorVersion,
    event: StudioEvent,
    input: { id: string; version: number } | null,
    /** Read the user's config of the processor in the same statement (see `ensureStarted`). */
    withConfig = false,
  ): Promise<{ run: ProcessorRun; started: boolean; config?: Record<string, unknown> | null }> {
    return this.options.runs.ensureStarted(this.newRun(processor, event, input), withConfig);
  }

  /**
   * As `startForEvent` for work on `input` as it is in this database, read by the same statement
   * and required to be the user's, at that version and of one of `schemaIds` (see
   * `ensureStartedOnInput`); null, with nothing written, when it is not so.
   */
  startOnInput(
    processor: ProcessorVersion,
    event: StudioEvent,
    input: { id: string; version: number },
    schemaIds: readonly string[],
    withConfig = false,
  ) {
    return this.options.runs.ensureStartedOnInput(
      this.newRun(processor, event, input),
      schemaIds,
      withConfig,
    );
  }

  private newRun(
    processor: ProcessorVersion,
    event: StudioEvent,
    input: { id: string; version: number } | null,
  ) {
    return {
      key: input
        ? runKey(processor, { inputBlobId: input.id, inputVersion: input.version })
        : runKey(processor, { eventId: event.id }),
      userId: event.userId,
      processorId: processor.id,
      processorVersion: processor.version,
      event,
      inputBlobId: input?.id ?? null,
      inputVersion: input?.version ?? null,
      bookId: event.bookId,
    };
  }

  /**
   * Puts a FAILED or CANCELLED run back in its processor's queue, attempts reset, from its first
   * step (its derived blobs are keyed by the run, so none is stored twice), and removes its dead
   * letter, as a replay does: the failure it records is being dealt with. NOT_FOUND for a run
   * that is not the user's; BAD_USER_INPUT for one in another state.
   */
  async retry(userId: string, runId: string): Promise<ProcessorRun> {
    const current = await this.options.runs.get(userId, runId);
    if (!current) throw notFound('Run', runId);
    const { events } = this.options;
    const letter = await events.deadLetter(current.processorId, current.id);
    const run = await this.requeue(current);
    // Read before the requeue, removed after: a letter of a new failure is newer, and stays.
    if (run && letter) await events.discardDeadLetter({ ...letter, key: current.id });
    if (!run) {
      throw new AppError(
        ErrorCode.BAD_USER_INPUT,
        `Run "${current.id}" is ${current.status.toUpperCase()}: only FAILED or CANCELLED runs can be retried`,
        { field: 'id' },
      );
    }
    return run;
  }

  /**
   * Puts a run back in the queue if it is FAILED or CANCELLED now (null otherwise): retries,
   * dead-letter replays and bulk retries all come through here.
   */
  async requeue(run: ProcessorRun): Promise<ProcessorRun | null> {
    const event = newEvent({
      type: retryEventType(run.processorId),
      userId: run.userId,
      blobId: run.inputBlobId,
      processorId: run.processorId,
      bookId: run.bookId,
      details: { runId: run.id },
    });
    const queued = await this.options.runs.retry(run.userId, run.id, event);
    if (queued) this.options.onWrite?.([event]);
    return queued;
  }

  /**
   * Cancels a QUEUED or RUNNING run; a running step stops at its next checkpoint. NOT_FOUND for
   * a run that is not the user's; BAD_USER_INPUT for one already finished.
   */
  async cancel(userId: string, runId: string): Promise<ProcessorRun> {
    const current = await this.options.runs.get(userId, runId);
    if (!current) throw notFound('Run', runId);
    const run = await this.stop(current);
    if (!run) {
      throw new AppError(
        ErrorCode.BAD_USER_INPUT,
        `Run "${current.id}" is ${current.status.toUpperCase()}: only QUEUED or RUNNING runs can be cancelled`,
        { field: 'id' },
      );
    }
    return run;
  }

  /**
   * Cancels a run if it is QUEUED or RUNNING now (null otherwise), `reason` becoming its error:
   * user cancels and the runtime's supersedes both come through here. A queued run's
   * subscribers hear it now; a running run's handler tells them when it stops.
   */
  async stop(
    run: ProcessorRun,
    reason?: string,
    announce = run.status === 'queued',
  ): Promise<ProcessorRun | null> {
    const cancelled = await this.options.runs.cancel(run.userId, run.id, reason);
    if (cancelled && announce) await this.announce(cancelled);
    return cancelled;
  }

  /**
   * Cancels the runs of `run`'s processor still queued or running for earlier versions of its
   * input: a burst of edits gives one run, for the last. Returns those cancelled.
   */
  async supersedeOlder(run: ProcessorRun): Promise<ProcessorRun[]> {
    // Versions start at 1: the first has no earlier runs to cancel.
    if (!run.inputBlobId || run.inputVersion === null || run.inputVersion <= 1) return [];
    const reason = `Superseded by the run for version ${run.inputVersion} of the input`;
    const older = await this.options.runs.cancelOlder(
      run.userId,
      run.processorId,
      run.inputBlobId,
      run.inputVersion,
      reason,
    );
    // A running one's own handler publishes when it stops (one writer per live stream).
    for (const o of older) if (o.was === 'queued') await this.announce(o);
    return older;
  }

  /** Publishes a run's current status to its live stream. */
  async announce(run: ProcessorRun, options = { crashed: false }): Promise<void> {
    const { events, runs, log } = this.options;
    const stream = new RunStream(run, (m) => events.publishLive(run.userId, m), runs, log, {
      newText: false,
      crashed: options.crashed,
    });
    await stream.status(run);
  }

  /**
   * Queues the run of `processor` for the input's version, with its retry event, in one commit,
   * unless a run with that key exists (then nothing is written: one run per input version and
   * processor version, whoever asks; with `resend`, see `RunRepository.createQueued`). How a
   * reprocessing re-derives an input with the processor's current version: the runtime takes
   * the retry event, loads the queued run and works on the `blob.created` event recorded on it.
   */
  async enqueueFor(
    processor: ProcessorVersion,
    input: { id: string; userId: string; version: number; schemaId: string; bookId: string | null },
    reprocessingId: string,
    resend = false,
  ): Promise<{ run: ProcessorRun; created: boolean }> {
    const event = newEvent({
      type: `blob.created.${input.schemaId}`,
      userId: input.userId,
      blobId: input.id,
      schemaId: input.schemaId,
      bookId: input.bookId,
      details: { version: input.version, reprocessingId },
    });
    const retryFor = (runId: string) =>
      newEvent({
        type: retryEventType(processor.id),
        userId: input.userId,
        blobId: input.id,
        processorId: processor.id,
        bookId: input.bookId,
        details: { runId },
      });
    const result = await this.options.runs.createQueued(
      {
        id: randomUUID(),
        key: runKey(processor, { inputBlobId: input.id, inputVersion: input.version }),
        userId: input.userId,
        processorId: processor.id,
        processorVersion: processor.version,
        event,
        inputBlobId: input.id,
        inputVersion: input.version,
        bookId: input.bookId,
        reprocessingId,
      },
      retryFor,
      resend,
    );
    this.options.onWrite?.();
    return result;
  }
}
