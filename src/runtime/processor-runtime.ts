/**
 * Runs processors: registers them and their schemas, consumes the events they subscribe to as
 * durable work queues, and for each event keeps one run record, calls the processor with its
 * kit, retries with backoff, dead-letters after the last attempt, and streams progress.
 *
 * Exactly-once effects: a run is keyed by processor, processor version, input blob and input
 * version (or the event, for runs without an input blob); the blobs it derives are keyed by the
 * run key, so a redelivered or retried event never stores a second derived blob.
 *
 * Processors that follow updates (`followsUpdates`) also take `blob.updated.<schema>`, and their
 * runs are for the input version the event names. A run for version N cancels the runs of the
 * same processor still queued or running for earlier versions of that input, and a run whose
 * input has moved past its version by the time it starts (or derives) is cancelled as
 * superseded: a burst of edits gives one run, for the last version. A processor that declares an
 * `inputKey` is spared updates that leave that key as it was (a chapter's title or number for
 * text expansion): no run is recorded, nothing is cancelled or superseded, and a run already
 * working on a version with that key goes on (see `unchanged` and `behind`).
 */
import { randomUUID } from 'node:crypto';
import {
  type BlobView,
  KIT_MAX_CHAPTERS,
  PermanentError,
  type Processor,
  type ProcessorKit,
  UnavailableError,
} from '../../processors/kit';
import type { Blob, DataCap } from '../blobs/blob-types';
import { currentOnly } from '../blobs/lineage';
import { AppError, ErrorCode } from '../errors';
import type { EventBackbone, WorkConsumer, WorkItem, WorkOutcome } from '../events/backbone';
import type { EventCatalog } from '../events/catalog';
import { eventVersion, type StudioEvent, splitType } from '../events/event';
import type { FileStore } from '../files/file-store';
import type { Logger } from '../logger';
import type { Services } from '../services';
import type { RunRepository } from './run-repository';
import { type RunService, retryEventType } from './run-service';
import { ATTEMPT_SPAN, RunStream } from './run-stream';
import type { ProcessorRun } from './run-types';

export interface RuntimeOptions {
  services: Services;
  /** The event kinds processors may consume (a processor naming another does not start). */
  catalog: EventCatalog;
  events: EventBackbone;
  runs: RunRepository;
  /** Requests, retries, cancels: the one way runs are asked for and steered. */
  runService: RunService;
  files: FileStore;
  log: Logger;
  /** Without a heartbeat for this long, a delivery goes to another worker. Default 30 s. */
  ackWaitMs?: number;
  /** First retry delay; doubles per attempt, with jitter. Default 1 s. */
  retryBaseMs?: number;
  /**
   * How long a run keeps retrying from its first attempt: it fails only once this has passed
   * and its attempts are spent, so the budget outlasts an outage however few attempts it
   * takes. Retry delays are capped at a fortieth of it. Default 10 minutes.
   */
  retryWindowMs?: number;
  /** Deliveries a worker holds waiting per processor, in per-user lanes. Default 500. */
  workBuffer?: number;
  /** Most characters of a run's streamed text kept on its row. Default 512 Ki. */
  runTextLimit?: number;
  /**
   * Most bytes of blob data one attempt reads through its kit (`readBlob`, `chapters`,
   * `derivedOf`), counted by stored size. Past it the read fails the run: what one user stores
   * (a book of a thousand chapters of 1 MiB each, and their expansions) must not become what the
   * server holds. Default 64 MiB.
   */
  runReadBytes?: number;
  /** Called after the runtime writes to the outbox (wakes the relay). */
  /** Blobs live in this database (not MongoDB): a run's checks can read them with its own. */
  blobsInDatabase?: boolean;
  /** After a commit that queued events; given them, the relay publishes them at once. */
  onWrite?: (events?: readonly StudioEvent[]) => void;
  /** Base of the file URLs stored in blobs (REYNA_PUBLIC_URL); unset, they are paths. */
  publicUrl?: string;
}

type Definition = Processor['definition'];

/** A run about to be worked on: the event it works on and its input as it is now. */
interface Work {
  run: ProcessorRun;
  event: StudioEvent;
  input: Blob | null;
  /** Created RUNNING by this delivery, its first attempt counted: start it without `start`. */
  started?: boolean;
  /** The user's config of the processor, when it was read with the run (null: they have none). */
  config?: Record<string, unknown> | null;
}

/**
 * The event types a processor consumes: what it subscribes to, its request event if it runs on
 * request, and when it follows updates, `blob.updated.<schema>` for each `blob.created.<schema>`
 * among them.
 */
export function subscriptionsOf(d: Processor['definition']): string[] {
  const types = [...d.subscribes];
  if (d.onRequest && !types.includes(d.onRequest.event)) types.push(d.onRequest.event);
  if (d.followsUpdates) {
    for (const type of d.subscribes) {
      const [entity, action, subject] = splitType(type);
      const updated = `blob.updated.${subject}`;
      if (entity === 'blob' && action === 'created' && !types.includes(updated))
        types.push(updated);
    }
  }
  return types;
}

/** What an attempt's handler produced: its first output, and the run once recorded SUCCEEDED. */
interface Output {
  id: string | null;
  /** Set when the write of the last output (`DeriveOptions.last`) recorded the run's success. */
  finished: ProcessorRun | null;
}

/** The `processor.completed` event of a run that succeeded. */
function completedEvent(d: Definition, run: ProcessorRun): StudioEvent {
  return {
    id: randomUUID(),
    type: `processor.completed.${d.id}`,
    userId: run.userId,
    blobId: run.inputBlobId,
    parentId: null,
    processorId: d.id,
    schemaId: null,
    bookId: run.bookId,
    time: new Date().toISOString(),
    details: { runId: run.id },
  };
}

/** Blob data one attempt reads through its kit at most, unless the operator says (64 MiB). */
export const DEFAULT_RUN_READ_BYTES = 64 * 1024 ** 2;

const supersededReason = (version: number) =>
  `Superseded: the input is at version ${version}, which a newer run handles`;

const view = (b: Blob): BlobView => ({
  id: b.id,
  userId: b.userId,
  schemaId: b.schemaId,
  processorId: b.processorId,
  data: b.data,
  version: b.version,
  parentId: b.parentId,
  bookId: b.bookId,
  createdAt: b.createdAt,
});

/** One durable work queue this process consumes. */
export interface ConsumerInfo {
  processor: string;
  type: string;
}

export class ProcessorRuntime {
  private readonly consumers: WorkConsumer[] = [];
  private readonly consuming: ConsumerInfo[] = [];
  /** Deliveries being handled now, by processor id. */
  private readonly handling = new Map<string, number>();
  private readonly ackWaitMs: number;
  private readonly retryBaseMs: number;
  private readonly retryWindowMs: number;

  constructor(
    private readonly processors: Processor[],
    private readonly options: RuntimeOptions,
  ) {
    this.ackWaitMs = options.ackWaitMs ?? 30_000;
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.retryWindowMs = options.retryWindowMs ?? 600_000;
  }

  /**
   * Registers every processor and the schemas it brings. Idempotent. Throws, naming the
   * processor, for one that would consume an event kind the catalog lacks or keeps for another.
   */
  async register(): Promise<void> {
    const { services } = this.options;
    for (const { definition: d } of this.processors) this.checkConsumes(d);
    for (const { definition: d } of this.processors) {
      for (const schema of d.schemas ?? []) {
        await services.schemas.ensureBuiltin(schema.definition, {
          ownerProcessorId: d.id,
          description: schema.description,
        });
      }
      await services.processors.register(
        null,
        {
          id: d.id,
          name: d.name,
          version: d.version,
          description: d.description,
          inputSchemaIds: d.inputSchemaIds,
          outputSchemaIds: d.outputSchemaIds,
          subscribes: subscriptionsOf(d),
          emits: d.emits,
          maxConcurrency: d.maxConcurrency,
          configSchema: d.configSchema ?? null,
        },
        true,
      );
      if (d.checkConfig) services.processors.useConfigRule(d.id, d.checkConfig);
    }
  }

  /** Work queues take exact kinds: a wildcard, an unknown kind or another's refuses the start. */
  private checkConsumes(d: Definition): void {
    for (const type of subscriptionsOf(d)) {
      const refusal = /[*>]/.test(type)
        ? { message: `"${type}" is a pattern: a processor subscribes to exact event names` }
        : this.options.catalog.consumeRefusal(d.id, type);
      if (refusal) throw new Error(`Processor "${d.id}" cannot start: ${refusal.message}`);
    }
  }

  /** Starts consuming for the processors named (all when `ids` is 'all'). */
  async start(ids: readonly string[] | 'all' = 'all'): Promise<void> {
    for (const processor of this.processors) {
      const d = processor.definition;
      if (ids !== 'all' && !ids.includes(d.id)) continue;
      for (const type of [...subscriptionsOf(d), retryEventType(d.id)]) {
        this.consumers.push(
          await this.options.events.consume(
            {
              group: d.id,
              type,
              // Unlimited: waits for an unavailable dependency are deliveries but not attempts,
              // so the run's own attempt count and retry window decide when to give up.
              maxDeliveries: 0,
              concurrency: d.maxConcurrency,
              // Per-user fairness lives in the backbone's lanes: a user's waiting work holds no
              // slot another user could run in.
              perKey: d.maxPerUser ?? 2,
              buffer: this.options.workBuffer,
              ackWaitMs: this.ackWaitMs,
            },
            (item) => this.counted(processor, item),
          ),
        );
        this.consuming.push({ processor: d.id, type });
      }
      this.options.log.info('processor started', {
        processor: d.id,
        version: d.version,
        subscribes: subscriptionsOf(d),
      });
    }
  }

  /** Stops taking work and lets the runs in flight finish. */
  async stop(): Promise<void> {
    await Promise.all(this.consumers.splice(0).map((c) => c.stop()));
    this.consuming.length = 0;
  }

  /** The work queues this process consumes (for /readyz). */
  consumerList(): ConsumerInfo[] {
    return [...this.consuming];
  }

  /** The processors this process consumes for. */
  running(): string[] {
    return [...new Set(this.consuming.map((c) => c.processor))];
  }

  /** Deliveries being handled now, by processor id (zeros included for those it runs). */
  inFlight(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const id of this.running()) out[id] = this.handling.get(id) ?? 0;
    return out;
  }

  private async counted(processor: Processor, item: WorkItem): Promise<WorkOutcome> {
    const id = processor.definition.id;
    this.handling.set(id, (this.handling.get(id) ?? 0) + 1);
    try {
      return await this.handle(processor, item);
    } finally {
      this.handling.set(id, (this.handling.get(id) ?? 1) - 1);
    }
  }

  private backoff(attempt: number): number {
    // At least forty tries a window (15 s apart at most on the defaults): a dependency failing at
    // random (not down) gets many chances, soon. A dependency that is down is the breaker's job:
    // its refusals cost no attempt and make no call.
    const cap = Math.max(this.retryBaseMs, this.retryWindowMs / 40);
    const base = Math.min(this.retryBaseMs * 2 ** (Math.max(1, attempt) - 1), cap);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /** Whether a run has used its attempts and its retry window both. */
  private spent(run: ProcessorRun, maxAttempts: number): boolean {
    const since = run.startedAt?.getTime() ?? Date.now();
    return run.attempts >= maxAttempts && Date.now() - since >= this.retryWindowMs;
  }

  /** The live stream of a run's updates (see run-stream.ts). */
  private stream(
    run: ProcessorRun,
    options: { newText: boolean; crashed: boolean; begun?: boolean },
  ): RunStream {
    const { events, runs, log } = this.options;
    return new RunStream(run, (m) => events.publishLive(run.userId, m), runs, log, {
      ...options,
      textLimit: this.options.runTextLimit,
    });
  }

  /**
   * Whether the input has moved past the version a run is for: to a version the run's output
   * would not fit (another input key), or one a newer run was started for.
   */
  private async behind(d: Definition, run: ProcessorRun, input: Blob): Promise<boolean> {
    if (run.inputVersion === null || input.version <= run.inputVersion) return false;
    if (!d.inputKey) return true;
    const newer = await this.options.runs.forInput(input.userId, d, input.id, run.inputVersion + 1);
    if (newer.some((r) => r.inputVersion! > run.inputVersion!)) return true;
    return !(await this.sameInput(d, input, run.inputVersion, input.version));
  }

  /** Whether two versions of the input have one input key (false when one is unreadable). */
  private async sameInput(d: Definition, input: Blob, a: number, b: number): Promise<boolean> {
    if (!d.inputKey) return false;
    if (a === b) return true;
    const { blobs } = this.options.services;
    const [va, vb] = await Promise.all([
      blobs.versionOf(input.userId, input.id, a),
      blobs.versionOf(input.userId, input.id, b),
    ]);
    if (!va || !vb) return false;
    try {
      return JSON.stringify(d.inputKey(va.data)) === JSON.stringify(d.inputKey(vb.data));
    } catch {
      return false;
    }
  }

  /**
   * Whether an update to input version `version` needs no run: the processor's current output
   * (or a queued or running run) is for a version with the same input key, and no run is for
   * this version or a newer one (a late event of an older version takes the usual path and is
   * superseded).
   */
  private async unchanged(d: Definition, input: Blob, version: number): Promise<boolean> {
    if (!d.inputKey) return false;
    const runs = await this.options.runs.forInput(input.userId, d, input.id, version);
    if (runs.some((r) => r.inputVersion !== null && r.inputVersion >= version)) return false;
    const active = runs.map((r) => r.inputVersion).filter((v): v is number => v !== null);
    // Lineage is all it needs: the derived blobs' data is left out (a cap of 0 bytes).
    const derived = currentOnly(
      await this.options.services.blobs.derivedOf(input.userId, [input.id], { bytes: 0 }),
    )
      .filter((b) => b.processorId === d.id && b.provenance?.processorVersion === d.version)
      .map((b) => b.provenance?.inputVersion)
      .filter((v): v is number => typeof v === 'number' && v < version);
    const reference = Math.max(-1, ...active, ...derived);
    return reference > 0 && (await this.sameInput(d, input, reference, version));
  }

  /**
   * Whether the attempt still holds its run, and the run's input blob as it is now when it may
   * have moved on (null when it has not, or is gone). Blobs in PostgreSQL: both in one statement,
   * and the blob read only when a newer version is there; elsewhere two reads at once.
   */
  private async holdsWithInput(
    run: ProcessorRun,
    inputBlobId: string | null,
  ): Promise<[boolean, Blob | null]> {
    const { runs, services } = this.options;
    if (!inputBlobId) return [await runs.holds(run), null];
    if (!this.options.blobsInDatabase)
      return Promise.all([runs.holds(run), services.blobs.get(run.userId, inputBlobId)]);
    const { held, inputVersion } = await runs.holdsAt(run, inputBlobId);
    const moved = held && inputVersion !== null && inputVersion > (run.inputVersion ?? 0);
    return [held, moved ? await services.blobs.get(run.userId, inputBlobId) : null];
  }

  /**
   * Throws unless the attempt may store its output: it must still hold its run, and output for an
   * input that has moved on is not stored (the newer run stores its own).
   */
  private async mayStore(d: Definition, run: ProcessorRun, follows: string | null): Promise<void> {
    // Both looks at once (two reads, one wait): whether the attempt still holds its run, and
    // whether the input has moved on.
    const [held, input] = await this.holdsWithInput(run, follows);
    if (!held) throw new Error('The run was cancelled before it stored its output');
    if (follows && input && (await this.behind(d, run, input))) {
      await this.options.runService.stop(run, supersededReason(input.version), false);
      throw new Error('The input changed while the run worked; a newer run handles it');
    }
  }

  /** Cancels the runs for earlier versions of the run's input, saying so in the log. */
  private async coalesce(run: ProcessorRun): Promise<void> {
    for (const cancelled of await this.options.runService.supersedeOlder(run)) {
      this.options.log.info('run superseded', {
        processor: run.processorId,
        run: cancelled.id,
        by: run.id,
      });
    }
  }

  /** Cancels a run whose input has moved on (a newer run does the work), telling subscribers. */
  private async supersede(run: ProcessorRun, currentVersion: number): Promise<void> {
    await this.options.runService.stop(run, supersededReason(currentVersion), true);
  }

  /** A run the user cancelled while it ran has stopped: its subscribers hear so. */
  private async cancelled(run: ProcessorRun, stream: RunStream): Promise<WorkOutcome> {
    const current = await this.options.runs.get(run.userId, run.id);
    if (current?.status === 'cancelled') await stream.status(current);
    return { kind: 'done' };
  }

  /** Fails a queued run that cannot start, telling its subscribers. */
  private async failQueued(run: ProcessorRun, reason: string): Promise<void> {
    const failed = await this.options.runs.fail(run.id, reason);
    if (failed) await this.options.runService.announce(failed);
  }

  /**
   * One delivery: find (or record) the run it is for, decide whether the run should start at
   * all, then make one attempt of it.
   */
  private async handle(processor: Processor, item: WorkItem): Promise<WorkOutcome> {
    const d = processor.definition;
    const work = await this.admit(d, item.event);
    if (!work) return { kind: 'done' };
    // A processor with a config reads it first thing: a run recorded as it started has it read
    // in the same statement; otherwise it is read while the run is checked and started.
    const config =
      work.config !== undefined
        ? Promise.resolve(work.config ?? undefined)
        : d.configSchema
          ? this.options.services.processors
              .instanceOf(work.run.userId, d.id)
              .then((i) => i?.config)
          : undefined;
    config?.catch(() => {});
    // A run this delivery created running has nothing to wait for and no attempt before it.
    if (work.started) return await this.attempt(processor, item, work, config);
    return (await this.notToStart(d, work)) ?? (await this.attempt(processor, item, work, config));
  }

  /**
   * The run a delivery is for, with the event it works on and its input as it is now; null when
   * there is nothing to do (a retry of a run no longer queued, an input gone or moved to another
   * schema, an update that changes nothing the output depends on).
   */
  private async admit(d: Definition, delivered: StudioEvent): Promise<Work | null> {
    const { services, runs } = this.options;
    let event = delivered;
    let run: ProcessorRun | null = null;
    if (event.type === retryEventType(d.id)) {
      const runId = event.details?.runId;
      run = typeof runId === 'string' ? await runs.get(event.userId, runId) : null;
      if (run?.status !== 'queued') return null;
      event = run.event as StudioEvent;
    }
    if (!run) {
      const started = await this.startOnInput(d, event);
      if (started) return { ...started, event };
    }
    const input = event.blobId ? await services.blobs.get(event.userId, event.blobId) : null;
    if (event.blobId && !input) {
      // Deleted (or never visible) since the event: nothing to do.
      if (run) await this.failQueued(run, 'The input blob no longer exists');
      return null;
    }
    if (input && !d.inputSchemaIds.includes(input.schemaId)) {
      // A run queued (a retry, a reprocessing) for an input whose schema has since changed to
      // one this processor does not take ends here, rather than staying queued for ever.
      if (run)
        await this.failQueued(
          run,
          `The input is now ${input.schemaId}, which ${d.id} does not take`,
        );
      return null;
    }
    if (run) return { run, event, input };
    const recorded = await this.runFor(d, event, input);
    return recorded ? { ...recorded, event, input } : null;
  }

  /**
   * The common case in one statement where blobs are in this database: an event that names its
   * input's version (a new blob's, or a version stamped on it), when that version is the current
   * one, of a schema the processor takes. The run is recorded RUNNING with the input read beside
   * it, as `runFor` would record it after reading the input. Anything else (an update, whose key
   * may be unchanged; a request; an input moved on, gone or of another schema) answers null
   * with nothing written, and takes the long way.
   */
  private async startOnInput(
    d: Definition,
    event: StudioEvent,
  ): Promise<Omit<Work, 'event'> | null> {
    const version = eventVersion(event);
    if (
      !this.options.blobsInDatabase ||
      !event.blobId ||
      version === null ||
      event.type.startsWith('blob.updated.') ||
      d.onRequest?.event === event.type
    )
      return null;
    const started = await this.options.runService.startOnInput(
      d,
      event,
      { id: event.blobId, version },
      d.inputSchemaIds,
      Boolean(d.configSchema),
    );
    if (!started) return null;
    // A later version's run cancels those of earlier versions, as `runFor` does.
    if (d.followsUpdates) await this.coalesce(started.run);
    return started;
  }

  /**
   * The run an event starts (recorded through RunService, the same run when the event comes
   * again), or null for an update whose input key is unchanged. A new run for an input version
   * cancels the runs still queued or running for earlier versions.
   */
  private async runFor(
    d: Definition,
    event: StudioEvent,
    input: Blob | null,
  ): Promise<{
    run: ProcessorRun;
    started: boolean;
    config?: Record<string, unknown> | null;
  } | null> {
    // A processor following updates works on the version the event names (never one past the
    // blob's); others on the version there is now (they see one event per input).
    const inputVersion = input
      ? d.followsUpdates
        ? Math.min(eventVersion(event) ?? input.version, input.version)
        : input.version
      : null;
    if (
      input &&
      inputVersion !== null &&
      d.followsUpdates &&
      event.type.startsWith('blob.updated.') &&
      (await this.unchanged(d, input, inputVersion))
    ) {
      // What the output depends on did not change (a title, a chapter number): no run, no cost.
      this.options.log.info('update needs no run: input key unchanged', {
        processor: d.id,
        blob: input.id,
        version: inputVersion,
      });
      return null;
    }
    // A request's run was recorded with its event (keyed by it): the same run, whatever its input.
    const requested = d.onRequest?.event === event.type;
    const key =
      input && inputVersion !== null && !requested ? { id: input.id, version: inputVersion } : null;
    const { runService } = this.options;
    // Work on the input's current version starts the moment it is recorded (nothing can be
    // newer than it to supersede it): the run is created RUNNING, in the statement recording it.
    const recorded: {
      run: ProcessorRun;
      started: boolean;
      config?: Record<string, unknown> | null;
    } =
      key && key.version === input?.version
        ? await runService.startForEvent(d, event, key, Boolean(d.configSchema))
        : { run: await runService.forEvent(d, event, key), started: false };
    if (d.followsUpdates && input && inputVersion !== null) await this.coalesce(recorded.run);
    return recorded;
  }

  /**
   * Why a run must not start now, as the delivery's outcome: it is finished already, its input
   * has moved on (superseded), or its last attempt died with the attempts and window spent.
   * Null: start it.
   */
  private async notToStart(d: Definition, { run, input }: Work): Promise<WorkOutcome | null> {
    if (run.status === 'succeeded' || run.status === 'cancelled' || run.status === 'failed')
      return { kind: 'done' };
    if (d.followsUpdates && input && (await this.behind(d, run, input))) {
      await this.supersede(run, input.version);
      return { kind: 'done' };
    }
    // Still running: its last attempt never finished (a worker died in it).
    if (run.status === 'running' && this.spent(run, d.maxAttempts ?? 5)) {
      const failed = await this.options.runs.fail(
        run.id,
        `Gave up after ${run.attempts} attempts (the last one did not finish)`,
      );
      if (failed) await this.stream(run, { newText: false, crashed: true }).status(failed);
      return { kind: 'dead', reason: 'attempts exhausted', key: run.id, attempts: run.attempts };
    }
    return null;
  }

  /** One attempt of the run: the processor's handler, then success, retry or failure. */
  private async attempt(
    processor: Processor,
    item: WorkItem,
    work: Work,
    /** The processor's config, read as the delivery arrived. */
    config: Promise<Record<string, unknown> | undefined> | undefined,
  ): Promise<WorkOutcome> {
    const { runs } = this.options;
    // Running already (and not created so now): the attempt before this one died, maybe with
    // updates unwritten.
    const crashed = !work.started && work.run.status === 'running';
    const run = work.started ? work.run : await runs.start(work.run.id, crashed ? ATTEMPT_SPAN : 0);
    if (!run) return { kind: 'done' };
    const stream = this.stream(run, { newText: true, crashed, begun: true });
    stream.announce(run);
    const watch = this.watch(item, run);
    const output: Output = { id: null, finished: null };
    const kit = this.kit(processor, run, work.event, stream, watch.cancelled, output, config);
    try {
      await processor.handle(kit, work.input ? view(work.input) : null);
      // Recorded SUCCEEDED with its last output (see `DeriveOptions.last`).
      if (output.finished) return this.finished(output.finished, stream);
      // Whether the attempt still holds the run is checked by the write that records success.
      if (watch.cancelled()) return await this.cancelled(run, stream);
      return await this.succeeded(processor.definition, run, output.id, stream);
    } catch (error) {
      if (output.finished) {
        this.options.log.warn('the handler threw after storing its last output; the run stands', {
          processor: processor.definition.id,
          run: run.id,
          error: error instanceof Error ? error.message : String(error),
        });
        return this.finished(output.finished, stream);
      }
      await stream.finish();
      if (watch.cancelled() || !(await runs.holds(run))) return await this.cancelled(run, stream);
      return await this.attemptFailed(processor.definition, run, error, stream);
    } finally {
      watch.stop();
      await stream.finish();
    }
  }

  /**
   * While an attempt runs: keeps the delivery from going to another worker, and notices when
   * the attempt no longer holds its run: its user cancelled it, and maybe retried it already (a
   * cancel and a retry can both fall between two looks; the old attempt must stop all the same,
   * or it holds the user's place in the queue while the retry waits).
   */
  private watch(item: WorkItem, run: ProcessorRun): { cancelled: () => boolean; stop: () => void } {
    let cancelled = false;
    const beat = setInterval(
      () => {
        item.heartbeat();
        void this.options.runs.holds(run).then(
          (held) => {
            if (!held) cancelled = true;
          },
          () => {},
        );
      },
      Math.max(100, Math.min(this.ackWaitMs / 3, 1000)),
    );
    return { cancelled: () => cancelled, stop: () => clearInterval(beat) };
  }

  /** A run recorded SUCCEEDED by the write of its last output: its subscribers hear so. */
  private finished(run: ProcessorRun, stream: RunStream): WorkOutcome {
    stream.announce(run);
    return { kind: 'done' };
  }

  /** Records the run as succeeded with its `processor.completed` event, and says so. */
  private async succeeded(
    d: Definition,
    run: ProcessorRun,
    outputId: string | null,
    stream: RunStream,
  ): Promise<WorkOutcome> {
    const completed = completedEvent(d, run);
    // The row takes the attempt's whole text with its status: a client that sees SUCCEEDED and
    // reads textSoFar gets all of it.
    const done = await this.options.runs.succeed(run, completed, outputId, stream.closing());
    // Not held any more: cancelled (and maybe retried) while it worked.
    if (!done) return await this.cancelled(run, stream);
    this.options.onWrite?.([completed]);
    stream.announce(done);
    return { kind: 'done' };
  }

  /**
   * After a handler threw: back in the queue without spending an attempt (a dependency known to
   * be down), failed and dead-lettered (a permanent error, or attempts and window spent), or
   * retried after a backoff.
   */
  private async attemptFailed(
    d: Definition,
    run: ProcessorRun,
    error: unknown,
    stream: RunStream,
  ): Promise<WorkOutcome> {
    const { runs, log } = this.options;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UnavailableError) {
      // The dependency was not called: no attempt spent, come back when it may be up.
      const waiting = await runs.requeue(run.id, message, { refund: true });
      if (waiting) await stream.status(waiting);
      return {
        kind: 'retry',
        delayMs: Math.max(1, Math.round(error.retryAfterMs * (1 + Math.random() * 0.2))),
      };
    }
    if (error instanceof PermanentError || this.spent(run, d.maxAttempts ?? 5)) {
      const failed = await runs.fail(run.id, message);
      if (failed) await stream.status(failed);
      log.warn('run failed', {
        processor: d.id,
        run: run.id,
        attempts: run.attempts,
        error: message,
      });
      return { kind: 'dead', reason: message, key: run.id, attempts: run.attempts };
    }
    const queued = await runs.requeue(run.id, message);
    if (queued) await stream.status(queued);
    return { kind: 'retry', delayMs: this.backoff(run.attempts) };
  }

  private kit(
    processor: Processor,
    run: ProcessorRun,
    event: StudioEvent,
    stream: RunStream,
    isCancelled: () => boolean,
    output: Output,
    /** The processor's config as read when the attempt started (read again on later calls). */
    prefetched?: Promise<Record<string, unknown> | undefined>,
  ): ProcessorKit {
    const { services, files, log, runs } = this.options;
    const d = processor.definition;
    const userId = run.userId;
    let outputs = 0;
    // What the attempt may still read: each read asks for no more (the database leaves the rest
    // out), and a blob it left out fails the run.
    const readLimit = this.options.runReadBytes ?? DEFAULT_RUN_READ_BYTES;
    let readLeft = readLimit;
    const budget = (): DataCap => ({ bytes: readLeft });
    const read = (blobs: Blob[]): Blob[] => {
      for (const b of blobs) {
        if (b.withheld)
          throw new PermanentError(
            `The run needs to read more than ${readLimit} bytes of blob data, the most one run may read (REYNA_RUN_READ_BYTES)`,
          );
        readLeft -= b.size;
      }
      return blobs;
    };
    return {
      userId,
      event: {
        id: event.id,
        type: event.type,
        blobId: event.blobId,
        bookId: event.bookId,
        details: event.details,
      },
      attempt: run.attempts,
      log: {
        info: (msg, fields) => log.info(msg, { processor: d.id, run: run.id, ...fields }),
        warn: (msg, fields) => log.warn(msg, { processor: d.id, run: run.id, ...fields }),
      },
      readBlob: async (id) => {
        const [b] = read(await services.blobs.getMany(userId, [id], budget()));
        return b ? view(b) : null;
      },
      readBook: async (id) => {
        const b = await services.books.get(userId, id);
        return b
          ? { id: b.id, title: b.title, author: b.author, description: b.description }
          : null;
      },
      chapters: async (bookId) =>
        read(await services.blobs.chaptersOf(userId, bookId, KIT_MAX_CHAPTERS + 1, budget())).map(
          view,
        ),
      derivedOf: async (parentId, options) => {
        // The lineage first (a cap of 0 bytes leaves all data out), then the data of the blobs
        // returned: a chapter revised a hundred times is not read a hundred times over.
        const lineage = await services.blobs.derivedOf(userId, [parentId], { bytes: 0 });
        const chosen = options?.includeSuperseded ? lineage : currentOnly(lineage);
        if (chosen.length === 0) return [];
        const found = new Map(
          read(
            await services.blobs.getMany(
              userId,
              chosen.map((b) => b.id),
              budget(),
            ),
          ).map((b) => [b.id, b]),
        );
        return chosen.flatMap((b) => {
          const blob = found.get(b.id);
          return blob ? [view(blob)] : [];
        });
      },
      derive: async (options) => {
        if (output.finished)
          throw new Error('The run has finished: its last output is stored (`last`)');
        if (isCancelled()) throw new Error('The run was cancelled before it stored its output');
        const follows = d.followsUpdates && run.inputBlobId ? run.inputBlobId : null;
        // Blobs in this database: the statement that stores the output requires that the
        // attempt still holds its run and that the input has not moved on, and the looks below
        // are made only when it did not store for that reason.
        const guard = this.options.blobsInDatabase ? runs.stillHolds(run, follows) : null;
        if (!guard) await this.mayStore(d, run, follows);
        const index = outputs++;
        const parentId = options.parentId === undefined ? run.inputBlobId : options.parentId;
        try {
          const derived = {
            schemaId: options.schemaId,
            data: options.data,
            parentId,
            bookId: options.bookId === undefined ? (run.bookId ?? null) : options.bookId,
            provenance: {
              processorId: d.id,
              processorVersion: d.version,
              runId: run.id,
              inputBlobId: run.inputBlobId,
              inputVersion: run.inputVersion,
              inputSchemaId: event.schemaId,
              outputSchemaId: options.schemaId,
              ...options.provenance,
            },
          };
          const key = `${run.key}#${index}`;
          // The last output records the run's success in its own statement (blobs in this
          // database); the stream's state goes with it, as `succeeded` writes it.
          const closing = options.last && guard ? stream.closing() : null;
          const completed = closing ? completedEvent(d, run) : null;
          let stored: { blob: Blob; alsoDone?: boolean } | null;
          try {
            stored = await services.blobs.deriveIf(
              guard,
              userId,
              d.id,
              key,
              derived,
              closing && completed
                ? runs.succeedWith(run, completed, closing, index === 0 ? null : output.id)
                : undefined,
            );
            if (stored?.alsoDone) {
              output.finished = {
                ...run,
                status: 'succeeded',
                error: null,
                outputBlobId: index === 0 ? stored.blob.id : (output.id ?? stored.blob.id),
                finishedAt: new Date(),
              };
            }
          } finally {
            // Not recorded so (not stored by this statement, or not at all): `succeeded` does it.
            if (closing && !output.finished) stream.reopen(closing);
          }
          if (!stored) {
            await this.mayStore(d, run, follows);
            stored = await services.blobs.derive(userId, d.id, key, derived);
          }
          const { blob } = stored;
          // Recorded on the run when it succeeds (one statement fewer per run).
          if (index === 0) output.id = blob.id;
          return view(blob);
        } catch (error) {
          // A full quota stays full on retry: fail the run now, saying so.
          if (error instanceof AppError && error.code === ErrorCode.QUOTA_EXCEEDED)
            throw new PermanentError(error.message);
          // Output that breaks its schema is retried (an LLM may do better), never stored.
          if (error instanceof AppError)
            throw new Error(`${error.message}: ${JSON.stringify(error.details.issues ?? [])}`);
          throw error;
        }
      },
      storeFile: async (name, mediaType, content) => {
        const f = await files.store(userId, name, mediaType, content);
        return {
          id: f.id,
          name: f.name,
          mediaType: f.mediaType,
          size: f.size,
          url: `${this.options.publicUrl ?? ''}/files/${f.id}`,
        };
      },
      progress: (update) => stream.progress(update),
      config: async () => {
        const first = prefetched;
        prefetched = undefined;
        return (
          (first ? await first : (await services.processors.instanceOf(userId, d.id))?.config) ?? {}
        );
      },
      setModel: (model) => stream.setModel(model),
      cancelled: isCancelled,
    };
  }
}
