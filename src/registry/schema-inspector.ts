/**
 * Runs the checks of user-submitted definitions (meta-validation, complexity measure, compile,
 * examples, compatibility diff) on a small pool of worker threads, each job under a time limit:
 * a worker that overruns is terminated and the definition refused with SCHEMA_TOO_COMPLEX. The
 * event loop that serves other users never runs these checks on a stranger's definition.
 *
 * Workers start on first use (about 300 ms), are unreferenced (an idle pool never keeps the
 * process alive) and are replaced after a number of jobs, so nothing a job leaves behind in Ajv
 * accumulates. `close()` terminates them.
 */
import { Worker } from 'node:worker_threads';
import { AppError, ErrorCode, type ErrorDetails } from '../errors';
import { type CostMeter, chargeMs } from '../http/cost-meter';
import type { CompatibilityMode } from './compatibility';
import { type InspectionRequest, inspectDefinition, runInspection } from './schema-inspection';
import type { SchemaValidator } from './validator';
import type { ChangeAssessment } from './version-bump';

export interface InspectorOptions {
  /** Worker threads. Default 2. */
  workers?: number;
  /** Time one job may take on a worker before it is terminated. Default 3000 ms. */
  timeoutMs?: number;
  /** Jobs waiting for a worker beyond which new ones are refused with RATE_LIMITED. Default 32. */
  maxQueue?: number;
  /** Heap of one worker; a job that needs more is refused. Default 256 MiB. */
  maxHeapMb?: number;
  /** Jobs one worker runs before it is replaced. Default 200. */
  recycleAfter?: number;
}

interface Job {
  request: InspectionRequest;
  resolve: (value: ChangeAssessment | null) => void;
  reject: (error: Error) => void;
  /** Called when a worker starts on the job: its time is charged from then. */
  onStart: () => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  jobs: number;
  current?: { id: number; job: Job; timer: NodeJS.Timeout };
  dead: boolean;
}

interface Reply {
  id: number;
  value?: ChangeAssessment | null;
  error?: { code?: ErrorCode; message: string; details?: ErrorDetails };
}

const WORKER_URL = new URL('./inspect-worker.mjs', import.meta.url);

export class SchemaInspector {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly options: Required<InspectorOptions>;
  private seq = 0;
  private closed = false;

  constructor(
    /** For trusted (built-in) definitions, checked in-process. */
    private readonly validator: SchemaValidator,
    options: InspectorOptions = {},
  ) {
    this.options = {
      workers: 2,
      timeoutMs: 3000,
      maxQueue: 32,
      maxHeapMb: 256,
      recycleAfter: 200,
      ...options,
    };
  }

  /**
   * Checks a definition a user submitted, and its examples. Throws INVALID_SCHEMA,
   * SCHEMA_TOO_COMPLEX or VALIDATION_FAILED (an example), as `SchemaValidator.check` does.
   */
  async inspect(
    definition: Record<string, unknown>,
    examples: unknown[],
    meter?: CostMeter,
  ): Promise<void> {
    await this.run({ kind: 'inspect', definition, examples }, meter);
  }

  /**
   * The breaking changes of `next` against `previous` under `mode` and the version bump it needs,
   * computed on a worker.
   */
  async assess(
    previous: unknown,
    next: unknown,
    mode: CompatibilityMode,
    meter?: CostMeter,
  ): Promise<ChangeAssessment> {
    return (await this.run({ kind: 'compatibility', previous, next, mode }, meter))!;
  }

  /** The breaking changes of `next` against `previous` under `mode`, computed on a worker. */
  async compatibility(
    previous: unknown,
    next: unknown,
    mode: CompatibilityMode,
    meter?: CostMeter,
  ) {
    if (mode === 'NONE') return [];
    return (await this.assess(previous, next, mode, meter)).breakingChanges;
  }

  /** The same checks in-process, for definitions that ship with the server. */
  inspectTrusted(definition: Record<string, unknown>, examples: unknown[]): void {
    inspectDefinition(this.validator, definition, examples);
  }

  /** Breaking changes and the bump in-process, for definitions that ship with the server. */
  assessTrusted(previous: unknown, next: unknown, mode: CompatibilityMode): ChangeAssessment {
    return runInspection(this.validator, { kind: 'compatibility', previous, next, mode })!;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('The schema inspector is closed'));
    await Promise.all(this.slots.map((s) => this.kill(s, new Error('closed'))));
  }

  /**
   * Runs a request on a worker, charging the time the worker spent on it (not the time it waited
   * for a free worker, nor a worker's start) to the request that asked for it (`meter`).
   */
  private async run(
    request: InspectionRequest,
    meter: CostMeter | undefined,
  ): Promise<ChangeAssessment | null> {
    let started: number | undefined;
    try {
      return await this.runOnWorker(request, () => {
        started = performance.now();
      });
    } finally {
      if (started !== undefined) chargeMs(meter, performance.now() - started);
    }
  }

  private runOnWorker(
    request: InspectionRequest,
    onStart: () => void,
  ): Promise<ChangeAssessment | null> {
    if (this.closed) return Promise.reject(new Error('The schema inspector is closed'));
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(
        new AppError(
          ErrorCode.RATE_LIMITED,
          'Too many schema checks are waiting; try again shortly',
          { limit: this.options.maxQueue },
        ),
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject, onStart });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = this.slots.find((s) => !s.current && !s.dead);
      if (!slot && this.slots.length < this.options.workers) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      // Reserve the slot before it is ready, so the next job goes elsewhere.
      const id = ++this.seq;
      slot.current = { id, job, timer: undefined as unknown as NodeJS.Timeout };
      void this.dispatch(slot, id, job);
    }
  }

  private async dispatch(slot: Slot, id: number, job: Job): Promise<void> {
    try {
      await slot.ready;
    } catch (error) {
      slot.current = undefined;
      job.reject(error as Error);
      return;
    }
    if (slot.dead || slot.current?.id !== id) return;
    slot.current.timer = setTimeout(() => {
      void this.kill(
        slot,
        new AppError(
          ErrorCode.SCHEMA_TOO_COMPLEX,
          `Checking the definition took longer than ${this.options.timeoutMs} ms (limit checkMs)`,
          { limit: this.options.timeoutMs, limitName: 'checkMs' },
        ),
      );
    }, this.options.timeoutMs);
    job.onStart();
    slot.worker.postMessage({ id, request: job.request });
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_URL, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb },
    });
    worker.unref();
    const slot: Slot = { worker, jobs: 0, dead: false, ready: Promise.resolve() };
    slot.ready = new Promise<void>((resolve, reject) => {
      worker.once('message', (m: { ready?: boolean }) => (m.ready ? resolve() : undefined));
      worker.once('error', reject);
      worker.once('exit', () => reject(new Error('The schema inspector worker exited')));
    });
    // A worker that fails to start rejects its first job; the unhandled copy is expected.
    slot.ready.catch(() => {});
    worker.on('message', (reply: Reply) => this.settle(slot, reply));
    worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      void this.kill(
        slot,
        outOfMemory
          ? new AppError(
              ErrorCode.SCHEMA_TOO_COMPLEX,
              `Checking the definition needed more than ${this.options.maxHeapMb} MiB (limit checkHeapMb)`,
              { limit: this.options.maxHeapMb, limitName: 'checkHeapMb' },
            )
          : error,
      );
    });
    worker.on('exit', () => void this.kill(slot, new Error('The schema inspector worker exited')));
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot, reply: Reply): void {
    const current = slot.current;
    if (!current || reply.id !== current.id) return;
    clearTimeout(current.timer);
    slot.current = undefined;
    slot.jobs++;
    if (reply.error) {
      const { code, message, details } = reply.error;
      current.job.reject(code ? new AppError(code, message, details) : new Error(message));
    } else {
      current.job.resolve(reply.value ?? null);
    }
    if (slot.jobs >= this.options.recycleAfter) void this.kill(slot, new Error('recycled'));
    this.pump();
  }

  /** Terminates a worker and fails its job (if any) with `reason`. */
  private async kill(slot: Slot, reason: Error): Promise<void> {
    if (slot.dead) return;
    slot.dead = true;
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    const current = slot.current;
    slot.current = undefined;
    if (current) {
      clearTimeout(current.timer);
      current.job.reject(reason);
    }
    await slot.worker.terminate().catch(() => {});
    this.pump();
  }
}
