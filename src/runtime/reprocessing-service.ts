/**
 * Reprocessing: an admin re-derives a processor's outputs for chosen inputs with the processor's
 * current version (the one registered, which the workers run), after a better prompt or a new
 * output schema. Runs go through RunService, keyed as every run is (processor, processor
 * version, input, input version), so an input is re-derived at most once per processor version
 * and input version, however many reprocessings ask for it. The blobs they derive supersede the
 * older outputs as an edit's would (see lineage.ts).
 *
 * An input is skipped when a run of the current version for its current version exists already
 * (made by normal processing or by another reprocessing) or when its current output already
 * comes from the current version. The rest is enqueued a batch at a time by the driver
 * (reprocessing-driver.ts), never all at once.
 */
import type { Blob } from '../blobs/blob-types';
import { currentOnly } from '../blobs/lineage';
import { AppError, ErrorCode, notFound } from '../errors';
import type { Logger } from '../logger';
import type { Page } from '../paging';
import type { ProcessorService } from '../processor-registry/processor-service';
import type { ProcessorRecord } from '../processor-registry/processor-types';
import {
  checkReprocessable,
  checkSelection,
  inputPage,
  inputPages,
  type ReprocessInput,
  type SelectionDeps,
} from './reprocessing-selection';
import type { Reprocessing, ReprocessingPlan, ReprocessingSelection } from './reprocessing-types';
import { type RunService, runKey } from './run-service';

export interface ReprocessingServiceOptions extends SelectionDeps {
  processors: ProcessorService;
  runService: RunService;
  log: Logger;
  /** Inputs looked at, and runs enqueued at most, per batch. Default 100. */
  batchSize?: number;
}

/** A page of inputs sorted: what to re-derive, what to pass over. */
interface Sorted {
  todo: Blob[];
  skipped: number;
  /** Versions that made the current outputs of the inputs to re-derive. */
  fromVersions: Set<string>;
}

export class ReprocessingService {
  readonly batchSize: number;

  constructor(private readonly options: ReprocessingServiceOptions) {
    this.batchSize = options.batchSize ?? 100;
  }

  /** The dry run: how many inputs match, how many would be skipped or re-derived. Writes nothing. */
  async plan(input: ReprocessInput): Promise<ReprocessingPlan> {
    const processor = await this.reprocessable(input.processorId);
    return this.count(processor, await checkSelection(this.options, processor, input));
  }

  /** Counts the selection (as the dry run does) and records a queued reprocessing of it. */
  async start(
    adminId: string,
    input: ReprocessInput,
  ): Promise<{ plan: ReprocessingPlan; reprocessing: Reprocessing }> {
    const processor = await this.reprocessable(input.processorId);
    const selection = await checkSelection(this.options, processor, input);
    const plan = await this.count(processor, selection);
    const reprocessing = await this.options.repo.insert({
      processorId: processor.id,
      fromVersions: plan.fromVersions,
      toVersion: processor.version,
      selection,
      total: plan.matched,
      requestedBy: adminId,
    });
    this.options.log.info('reprocessing requested', {
      reprocessing: reprocessing.id,
      processor: processor.id,
      version: processor.version,
      total: plan.matched,
      by: adminId,
    });
    return { plan, reprocessing };
  }

  /** Walks the selection a page at a time, counting. */
  private async count(
    processor: ProcessorRecord,
    selection: ReprocessingSelection,
  ): Promise<ReprocessingPlan> {
    const plan: ReprocessingPlan = {
      processorId: processor.id,
      fromVersions: [],
      toVersion: processor.version,
      matched: 0,
      skipped: 0,
      toDerive: 0,
    };
    const from = new Set<string>();
    for await (const inputs of inputPages(this.options, processor, selection, this.batchSize)) {
      const sorted = await this.sort(processor, inputs, null);
      plan.matched += inputs.length;
      plan.skipped += sorted.skipped;
      plan.toDerive += sorted.todo.length;
      for (const v of sorted.fromVersions) from.add(v);
    }
    plan.fromVersions = [...from].sort();
    return plan;
  }

  async get(id: string): Promise<Reprocessing | null> {
    return this.options.repo.get(id);
  }

  list(first?: number | null, after?: string | null): Promise<Page<Reprocessing>> {
    return this.options.repo.list(first, after);
  }

  /**
   * Stops a queued or running reprocessing: it enqueues nothing more, and its runs still queued
   * are cancelled (those running finish). NOT_FOUND for an unknown id; BAD_USER_INPUT when it
   * has already ended.
   */
  async cancel(id: string): Promise<Reprocessing> {
    const current = await this.options.repo.get(id);
    if (!current) throw notFound('Reprocessing', id);
    const cancelled = await this.options.repo.finish(id, 'cancelled');
    if (!cancelled) {
      throw new AppError(
        ErrorCode.BAD_USER_INPUT,
        `Reprocessing "${id}" is ${current.status.toUpperCase()}: only QUEUED or RUNNING ones can be cancelled`,
        { field: 'id' },
      );
    }
    await this.cancelQueuedRuns(id);
    return (await this.options.repo.get(id))!;
  }

  /** Cancels the reprocessing's runs still queued, a page at a time. */
  async cancelQueuedRuns(id: string): Promise<void> {
    const { repo, runService } = this.options;
    for (;;) {
      const queued = await repo.queuedRuns(id, this.batchSize);
      for (const q of queued) {
        const run = await runService.get(q.userId, q.id);
        if (run) await runService.stop(run, `Reprocessing ${id} was cancelled`);
      }
      if (queued.length < this.batchSize) return;
    }
  }

  /**
   * One step of a reprocessing this process drives: after a takeover, its queued runs get
   * their events again; while its last batch is still mostly queued or running, nothing; else
   * the next batch is enqueued, or, once every input was walked and every run ended, it ends.
   */
  async step(id: string, takenOver: boolean): Promise<void> {
    const { repo } = this.options;
    const r = await repo.get(id);
    if (!r || (r.status !== 'queued' && r.status !== 'running')) return;
    if (takenOver) await this.resendQueued(r);
    if (r.status === 'queued') await repo.markRunning(id);
    const active = r.queued + r.running;
    if (!r.scanned) {
      if (active * 2 < this.batchSize) await this.enqueueBatch(r);
      return;
    }
    if (active > 0) return;
    const ended =
      r.failed > 0
        ? await repo.finish(
            id,
            'failed',
            `${r.failed} of its runs failed (retry them as FAILED runs)`,
          )
        : await repo.finish(id, 'succeeded');
    if (ended)
      this.options.log.info('reprocessing ended', {
        reprocessing: id,
        status: ended.status,
        succeeded: ended.succeeded,
        failed: ended.failed,
        skipped: ended.skipped,
      });
  }

  private async enqueueBatch(r: Reprocessing): Promise<void> {
    const { repo, processors, runService } = this.options;
    const target = await processors.require(r.processorId);
    if (target.version !== r.toVersion) {
      // The workers now run another version: runs keyed by this one would be made by that one.
      const error = `Processor "${target.id}" is at version ${target.version} now, not ${r.toVersion}: start a new reprocessing`;
      await repo.finish(r.id, 'failed', error);
      await this.cancelQueuedRuns(r.id);
      return;
    }
    const page = await inputPage(this.options, target, r.selection, r.cursor, this.batchSize);
    const sorted = await this.sort(target, page.inputs, r.id);
    let skipped = sorted.skipped;
    for (const input of sorted.todo) {
      const { created } = await runService.enqueueFor(target, input, r.id);
      if (!created) skipped++;
    }
    await repo.advance(r.id, { cursor: page.cursor, skipped, scanned: page.last });
    // A cancel that came while this batch was enqueued missed the runs enqueued after it.
    if ((await repo.get(r.id))?.status === 'cancelled') await this.cancelQueuedRuns(r.id);
  }

  /** Sends the events of the reprocessing's queued runs again (see RunService.enqueueFor). */
  private async resendQueued(r: Reprocessing): Promise<void> {
    const { repo, runService } = this.options;
    let sent = 0;
    // Bounded: a batch is enqueued only once fewer than half the previous one are left.
    for (const q of await repo.queuedRuns(r.id, this.batchSize * 2)) {
      const run = await runService.get(q.userId, q.id);
      const event = run?.event as { schemaId?: string } | undefined;
      if (!run?.inputBlobId || run.inputVersion === null || !event?.schemaId) continue;
      const input = {
        id: run.inputBlobId,
        userId: run.userId,
        version: run.inputVersion,
        schemaId: event.schemaId,
        bookId: run.bookId,
      };
      await runService.enqueueFor(
        { id: run.processorId, version: run.processorVersion },
        input,
        r.id,
        true,
      );
      sent++;
    }
    if (sent > 0)
      this.options.log.info('reprocessing resumed', { reprocessing: r.id, resent: sent });
  }

  /** Splits a page of inputs into those to re-derive and those to pass over. */
  private async sort(
    processor: ProcessorRecord,
    inputs: Blob[],
    reprocessingId: string | null,
  ): Promise<Sorted> {
    const keyOf = (b: Blob) => runKey(processor, { inputBlobId: b.id, inputVersion: b.version });
    const runs = await this.options.repo.runsWithKeys(inputs.map(keyOf));
    const outputs = await this.currentOutputs(processor.id, inputs);
    const sorted: Sorted = { todo: [], skipped: 0, fromVersions: new Set() };
    for (const input of inputs) {
      const made = outputs.get(input.id) ?? [];
      const run = runs.get(keyOf(input));
      // Its own run (a batch walked again after a restart) is neither new nor skipped.
      if (run !== undefined && run === reprocessingId && reprocessingId !== null) continue;
      if (run !== undefined || made.includes(processor.version)) {
        sorted.skipped++;
        continue;
      }
      sorted.todo.push(input);
      for (const v of made) sorted.fromVersions.add(v);
    }
    return sorted;
  }

  /** For each input, the processor versions that made its current outputs of the processor. */
  private async currentOutputs(
    processorId: string,
    inputs: Blob[],
  ): Promise<Map<string, string[]>> {
    const byUser = new Map<string, string[]>();
    for (const b of inputs) byUser.set(b.userId, [...(byUser.get(b.userId) ?? []), b.id]);
    const out = new Map<string, string[]>();
    for (const [userId, ids] of byUser) {
      // Lineage is all it needs: the derived blobs' data is left out (a cap of 0 bytes).
      const derived = currentOnly(await this.options.blobs.derivedOf(userId, ids, { bytes: 0 }));
      for (const d of derived) {
        const version = d.provenance?.processorVersion;
        if (d.processorId !== processorId || !d.parentId || typeof version !== 'string') continue;
        out.set(d.parentId, [...(out.get(d.parentId) ?? []), version]);
      }
    }
    return out;
  }

  private async reprocessable(id: string): Promise<ProcessorRecord> {
    const processor = await this.options.processors.require(id);
    checkReprocessable(processor);
    return processor;
  }
}
