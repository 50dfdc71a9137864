/** All SQL for processor runs. */
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { AlsoWrite } from '../blobs/blob-store';
import type { Blob } from '../blobs/blob-types';
import { liveVersionOf, prefixedBlob, prefixedBlobColumns } from '../blobs/pg-blob-store';
import { DISK_WAIT_OFF } from '../db/disk-wait';
import type { DB, ProcessorRunsTable } from '../db/types';
import type { EventCatalog } from '../events/catalog';
import type { StudioEvent } from '../events/event';
import { enqueue, outboxRow } from '../events/outbox';
import { isUuid } from '../ids';
import { afterRow, isUuidKey, MAX_PAGE, type Page, pageRequest, toPage } from '../paging';
import type { ProcessorRun, RunStatus, StreamState } from './run-types';

const toRun = (r: Selectable<ProcessorRunsTable>): ProcessorRun => ({
  id: r.id,
  key: r.key,
  userId: r.user_id,
  processorId: r.processor_id,
  processorVersion: r.processor_version,
  event: r.event,
  inputBlobId: r.input_blob_id,
  inputVersion: r.input_version,
  bookId: r.book_id,
  outputBlobId: r.output_blob_id,
  status: r.status as RunStatus,
  attempts: r.attempts,
  error: r.error,
  model: r.model,
  progress: r.progress,
  textSoFar: r.stream_text,
  streamSeq: r.stream_seq,
  streamStart: r.stream_start,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

export interface NewRun {
  key: string;
  userId: string;
  processorId: string;
  processorVersion: string;
  event: StudioEvent;
  inputBlobId: string | null;
  inputVersion: number | null;
  bookId: string | null;
}

const RUN_CURSOR = 'run';
/** The prefix of an input blob's columns read beside a run's (no run column starts so). */
const INPUT = 'input__';

/**
 * `started_at` is the start time an attempt was given (to the millisecond: a JavaScript date
 * holds no finer, the column does).
 */
const heldSince = (startedAt: Date | null) =>
  startedAt
    ? sql`abs(extract(epoch from started_at) * 1000 - ${startedAt.getTime()}) < 1`
    : sql`started_at is null`;

/** The row of a run that `attempt` (as `start` returned it) still holds. */
const heldBy = (attempt: ProcessorRun) =>
  sql`id = ${attempt.id} and status = 'running' and attempts = ${attempt.attempts}
    and ${heldSince(attempt.startedAt)}`;

/**
 * The columns of a run that succeeded with `output`, and with the attempt's whole text: a
 * client that sees SUCCEEDED and reads `textSoFar` gets all of it.
 */
const succeededSet = (output: RawBuilder<unknown>, stream: StreamState) =>
  sql`status = 'succeeded', error = null, output_blob_id = ${output},
    finished_at = now(), updated_at = now(),
    stream_seq = greatest(stream_seq, ${stream.seq}),
    stream_start = case when stream_seq < ${stream.seq} then ${stream.start} else stream_start end,
    stream_text = case when stream_seq < ${stream.seq} then ${stream.text} else stream_text end,
    model = coalesce(${stream.model ?? null}, model)`;

/** The user's config of the run's processor, read by the statement recording the run (or null). */
const configOf = (run: NewRun, read: boolean) =>
  read
    ? sql`(select i.config from processor_instances i
            where i.user_id = ${run.userId} and i.processor_id = ${run.processorId})`
    : sql`null::jsonb`;

/** Which failed runs a bulk retry takes, across users: all given criteria must hold. */
export interface FailedRunFilter {
  processorId?: string | null;
  /** Text the run's error contains, case-insensitively. */
  error?: string | null;
  /** Finished at or after `from`, and at or before `to`. */
  from?: Date | null;
  to?: Date | null;
}

export class RunRepository {
  constructor(
    private readonly db: Kysely<DB>,
    /** What the events written with runs are checked against (see outbox.ts). */
    private readonly catalog: EventCatalog,
  ) {}

  /** The run for `key`, created queued when new (with `events` queued in the same commit). */
  async ensure(run: NewRun, events: StudioEvent[] = []): Promise<ProcessorRun> {
    if (events.length === 0) {
      // One statement: insert, or touch and return the run already there.
      const { rows } = await sql<Selectable<ProcessorRunsTable>>`
        insert into processor_runs (key, user_id, processor_id, processor_version, event, input_blob_id, input_version, book_id)
        values (${run.key}, ${run.userId}, ${run.processorId}, ${run.processorVersion}, ${JSON.stringify(run.event)},
                ${run.inputBlobId}, ${run.inputVersion}, ${run.bookId})
        on conflict (key) do update set key = excluded.key
        returning *`.execute(this.db);
      return toRun(rows[0]!);
    }
    return this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('processor_runs')
        .values({
          key: run.key,
          user_id: run.userId,
          processor_id: run.processorId,
          processor_version: run.processorVersion,
          event: JSON.stringify(run.event),
          input_blob_id: run.inputBlobId,
          input_version: run.inputVersion,
          book_id: run.bookId,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      for (const e of events) await enqueue(trx, this.catalog, e);
      return toRun(
        await trx
          .selectFrom('processor_runs')
          .selectAll()
          .where('key', '=', run.key)
          .executeTakeFirstOrThrow(),
      );
    });
  }

  /**
   * The run for `key`, created already running with its first attempt counted (as `start` would
   * leave it) when new: one statement where `ensure` and then `start` took two, for work that
   * starts the moment it is recorded. `started` says whether this call created it so; a run
   * already there is returned as it is. With `withConfig`, the same statement reads the user's
   * config of the processor (`config`: null when they have none), which the attempt reads first.
   */
  async ensureStarted(
    run: NewRun,
    withConfig = false,
  ): Promise<{ run: ProcessorRun; started: boolean; config?: Record<string, unknown> | null }> {
    const config = configOf(run, withConfig);
    const { rows } = await sql<
      Selectable<ProcessorRunsTable> & { started: boolean; instance_config: unknown }
    >`
      insert into processor_runs (key, user_id, processor_id, processor_version, event, input_blob_id, input_version, book_id,
                                  status, attempts, started_at, stream_seq, stream_start, stream_text)
      values (${run.key}, ${run.userId}, ${run.processorId}, ${run.processorVersion}, ${JSON.stringify(run.event)},
              ${run.inputBlobId}, ${run.inputVersion}, ${run.bookId}, 'running', 1, now(), 1, 1, '')
      on conflict (key) do update set key = excluded.key
      returning *, (xmax = 0) as started, ${config} as instance_config`.execute(this.db);
    const { started, instance_config, ...row } = rows[0]!;
    return withConfig
      ? {
          run: toRun(row),
          started,
          config: (instance_config as Record<string, unknown> | null) ?? null,
        }
      : { run: toRun(row), started };
  }

  /**
   * `ensureStarted` for work on an input blob of this database, with the read of that input in
   * the same statement: the run is recorded only if the blob is there as the run names it (the
   * user's, not deleted, at the run's input version, of one of `schemaIds`), and comes back with
   * it. Null when the blob is not so: nothing was written, and the caller reads it to see why.
   * It commits without waiting for the disk (see DISK_WAIT_OFF): the delivery that records the
   * run has not been acknowledged yet.
   */
  async ensureStartedOnInput(
    run: NewRun,
    schemaIds: readonly string[],
    withConfig = false,
  ): Promise<{
    run: ProcessorRun;
    started: boolean;
    config?: Record<string, unknown> | null;
    input: Blob;
  } | null> {
    if (!run.inputBlobId || !isUuid(run.inputBlobId) || run.inputVersion === null) return null;
    const config = configOf(run, withConfig);
    const { rows } = await sql<
      Selectable<ProcessorRunsTable> & { started: boolean; instance_config: unknown }
    >`
      with lazy as (select ${DISK_WAIT_OFF}),
      -- By the primary key alone (materialized: the conditions below stay out of the lookup),
      -- so the planner cannot scan the user's blobs for it (see liveBlobOf).
      found as materialized (select * from blobs where id = ${run.inputBlobId}::uuid),
      input as (
        select ${prefixedBlobColumns('b', INPUT)} from found b, lazy
        where b.user_id = ${run.userId} and b.deleted_at is null
          and b.version = ${run.inputVersion}::int and b.schema_id = any(${schemaIds}::text[])
      ), recorded as (
        insert into processor_runs (key, user_id, processor_id, processor_version, event, input_blob_id, input_version, book_id,
                                    status, attempts, started_at, stream_seq, stream_start, stream_text)
        select ${run.key}::text, input.${sql.raw(INPUT)}user_id, ${run.processorId}::text, ${run.processorVersion}::text,
               ${JSON.stringify(run.event)}::jsonb, input.${sql.raw(INPUT)}id, input.${sql.raw(INPUT)}version,
               ${run.bookId}::uuid, 'running', 1, now(), 1, 1, ''
        from input
        on conflict (key) do update set key = excluded.key
        returning *, (xmax = 0) as started
      )
      select recorded.*, ${config} as instance_config, input.* from recorded, input`.execute(
      this.db,
    );
    const found = rows[0];
    if (!found) return null;
    const { started, instance_config, ...row } = found;
    const input = prefixedBlob(row, INPUT);
    const recorded = toRun(
      Object.fromEntries(
        Object.entries(row).filter(([name]) => !name.startsWith(INPUT)),
      ) as unknown as Selectable<ProcessorRunsTable>,
    );
    return withConfig
      ? {
          run: recorded,
          started,
          config: (instance_config as Record<string, unknown> | null) ?? null,
          input,
        }
      : { run: recorded, started, input };
  }

  async get(userId: string, id: string): Promise<ProcessorRun | null> {
    if (!isUuid(id)) return null;
    const row = await this.db
      .selectFrom('processor_runs')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? toRun(row) : null;
  }

  async status(id: string): Promise<RunStatus | null> {
    const row = await this.db
      .selectFrom('processor_runs')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirst();
    return (row?.status as RunStatus | undefined) ?? null;
  }

  /**
   * Whether `attempt` (as `start` returned it) still holds its run: RUNNING, with its attempt
   * count and start time. A run cancelled and retried meanwhile is RUNNING again for another
   * attempt, with a new start time.
   */
  async holds(attempt: ProcessorRun): Promise<boolean> {
    const { rows } = await sql<{ held: boolean }>`
      select (status = 'running' and attempts = ${attempt.attempts}
              and ${heldSince(attempt.startedAt)}) as held
      from processor_runs where id = ${attempt.id}`.execute(this.db);
    return rows[0]?.held === true;
  }

  /**
   * `holds`, and the version the input blob is at now (null when it is gone), in one statement:
   * what an attempt checks before storing its output, when blobs live in this database.
   */
  async holdsAt(
    attempt: ProcessorRun,
    inputBlobId: string,
  ): Promise<{ held: boolean; inputVersion: number | null }> {
    const { rows } = await sql<{ held: boolean | null; version: number | null }>`
      select (select status = 'running' and attempts = ${attempt.attempts}
                     and ${heldSince(attempt.startedAt)}
              from processor_runs where id = ${attempt.id}) as held,
             ${liveVersionOf(sql`${inputBlobId}::uuid`, sql`${attempt.userId}`)} as version`.execute(
      this.db,
    );
    const row = rows[0];
    return { held: row?.held === true, inputVersion: row?.version ?? null };
  }

  /**
   * `holdsAt` as a condition, for the statement that stores the attempt's output: true while the
   * attempt holds its run and the input (when given) is not past the run's version (or is gone),
   * the case in which the output is stored with no more looks. The caller looks apart when false.
   */
  stillHolds(attempt: ProcessorRun, inputBlobId: string | null): RawBuilder<boolean> {
    const held = sql<boolean>`exists (select 1 from processor_runs r where r.id = ${attempt.id}
      and r.status = 'running' and r.attempts = ${attempt.attempts}
      and ${heldSince(attempt.startedAt)})`;
    if (!inputBlobId) return held;
    return sql<boolean>`(${held} and coalesce(${liveVersionOf(sql`${inputBlobId}::uuid`, sql`${attempt.userId}`)}
      <= ${attempt.inputVersion ?? 0}::int, true))`;
  }

  async byInputs(userId: string, blobIds: readonly string[]): Promise<ProcessorRun[]> {
    const ids = blobIds.filter(isUuid);
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('processor_runs')
      .selectAll()
      .where('user_id', '=', userId)
      .where('input_blob_id', 'in', ids)
      .orderBy('created_at')
      // One run per processor version and input version: bounded, but not by much.
      .limit(MAX_PAGE * ids.length)
      .execute();
    return rows.map(toRun);
  }

  /**
   * The runs of one processor version for one input that are queued or running, or for input
   * version `fromVersion` or later: what decides whether an update of the input needs a run.
   */
  async forInput(
    userId: string,
    processor: { id: string; version: string },
    inputBlobId: string,
    fromVersion: number,
  ): Promise<ProcessorRun[]> {
    if (!isUuid(inputBlobId)) return [];
    const rows = await this.db
      .selectFrom('processor_runs')
      .selectAll()
      .where('user_id', '=', userId)
      .where('input_blob_id', '=', inputBlobId)
      .where('processor_id', '=', processor.id)
      .where('processor_version', '=', processor.version)
      .where((eb) =>
        eb.or([eb('status', 'in', ['queued', 'running']), eb('input_version', '>=', fromVersion)]),
      )
      .orderBy('created_at')
      .limit(MAX_PAGE)
      .execute();
    return rows.map(toRun);
  }

  /** A page of the user's runs, newest first; `after` is a cursor from a previous page. */
  async list(
    userId: string,
    filter: { processorId?: string | null; status?: RunStatus | null; bookId?: string | null },
    first?: number | null,
    after?: string | null,
  ): Promise<Page<ProcessorRun>> {
    const page = pageRequest(RUN_CURSOR, first, after, isUuidKey);
    let q = this.db.selectFrom('processor_runs').selectAll().where('user_id', '=', userId);
    if (page.after !== null) q = q.where(afterRow('processor_runs', userId, page.after, '<'));
    if (filter.processorId) q = q.where('processor_id', '=', filter.processorId);
    if (filter.status) q = q.where('status', '=', filter.status);
    if (filter.bookId)
      q = isUuid(filter.bookId)
        ? q.where('book_id', '=', filter.bookId)
        : q.where(sql<boolean>`false`);
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.first + 1)
      .execute();
    return toPage(RUN_CURSOR, rows.map(toRun), page.first, (r) => r.id);
  }

  /**
   * The user's queued and running runs matching the filter, newest first (at most `limit`): what
   * a subscriber joining mid-run is brought up to date on.
   */
  async active(
    userId: string,
    filter: { inputBlobId?: string | null; processorId?: string | null },
    limit: number,
  ): Promise<ProcessorRun[]> {
    let q = this.db
      .selectFrom('processor_runs')
      .selectAll()
      .where('user_id', '=', userId)
      .where('status', 'in', ['queued', 'running']);
    if (filter.inputBlobId) {
      if (!isUuid(filter.inputBlobId)) return [];
      q = q.where('input_blob_id', '=', filter.inputBlobId);
    }
    if (filter.processorId) q = q.where('processor_id', '=', filter.processorId);
    const rows = await q.orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map(toRun);
  }

  /**
   * Writes what a run has streamed so far, unless a later state is already written (writes of
   * one run may finish out of order).
   */
  async saveStream(id: string, state: StreamState): Promise<void> {
    await this.db
      .updateTable('processor_runs')
      .set({
        stream_seq: state.seq,
        stream_start: state.start,
        stream_text: state.text,
        ...(state.model !== undefined ? { model: state.model } : {}),
      })
      .where('id', '=', id)
      // Only a later state replaces the row's; the model alone may come with the same one.
      .where('stream_seq', state.model !== undefined ? '<=' : '<', state.seq)
      // Text the run streams again if the database forgets it (see DISK_WAIT_OFF).
      .where(sql<boolean>`${DISK_WAIT_OFF} is not null`)
      .execute();
  }

  /**
   * Moves a queued (or crashed running) run to running and counts the attempt. The row's stream
   * then holds the attempt's first update (this status change, empty text), `skip` sequence
   * numbers on from the last one written (see RunStream).
   */
  async start(id: string, skip = 0): Promise<ProcessorRun | null> {
    const row = await this.db
      .updateTable('processor_runs')
      .set({
        status: 'running',
        attempts: sql`attempts + 1`,
        started_at: sql`coalesce(started_at, now())`,
        updated_at: new Date(),
        stream_seq: sql`stream_seq + ${skip + 1}`,
        stream_start: sql`stream_seq + ${skip + 1}`,
        stream_text: '',
      })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .returningAll()
      .executeTakeFirst();
    return row ? toRun(row) : null;
  }

  /**
   * Marks the run succeeded and queues `processor.completed.<id>` with it, in one statement, if
   * `attempt` (as `start` returned it) still holds the run (see `holds`); null otherwise.
   */
  async succeed(
    attempt: ProcessorRun,
    completed: StudioEvent,
    outputBlobId: string | null,
    stream: StreamState,
  ): Promise<ProcessorRun | null> {
    const outbox = outboxRow(this.catalog, completed);
    const { rows } = await sql<Selectable<ProcessorRunsTable>>`
      with done as (
        update processor_runs
        set ${succeededSet(sql`coalesce(${outputBlobId}::uuid, output_blob_id)`, stream)}
        where ${heldBy(attempt)}
        returning *
      ), queued as (
        insert into outbox (event_id, user_id, type, event)
        select ${outbox.event_id}, ${outbox.user_id}, ${outbox.type}, ${outbox.event}::jsonb from done
      )
      select * from done`.execute(this.db);
    return rows[0] ? toRun(rows[0]) : null;
  }

  /**
   * `succeed` as more writes of the statement that stores the run's last output (see
   * `AlsoWrite`): the run is recorded SUCCEEDED with that blob as its output, and its
   * `processor.completed` event queued, when the blob is inserted and `attempt` still holds the
   * run. One statement and one commit where the two took two.
   */
  succeedWith(
    attempt: ProcessorRun,
    completed: StudioEvent,
    stream: StreamState,
    /** The run's first output, when it derived one before this (the run's output is its first). */
    firstOutputId: string | null,
  ): AlsoWrite {
    const outbox = outboxRow(this.catalog, completed);
    const output = sql`coalesce(${firstOutputId}::uuid, (select id from inserted))`;
    const ctes = sql`run_done as (
        update processor_runs
        set ${succeededSet(output, stream)}
        where ${heldBy(attempt)} and exists (select 1 from inserted)
        returning 1
      ), also_done as (
        insert into outbox (event_id, user_id, type, event)
        select ${outbox.event_id}, ${outbox.user_id}, ${outbox.type}, ${outbox.event}::jsonb from run_done
        returning 1
      )`;
    return { ctes, events: [completed] };
  }

  /**
   * Back to queued with the error of the failed attempt (a retry follows). With `refund`, the
   * attempt `start` counted is taken back: the dependency was never called.
   */
  async requeue(
    id: string,
    error: string,
    options: { refund?: boolean } = {},
  ): Promise<ProcessorRun | null> {
    const row = await this.db
      .updateTable('processor_runs')
      .set({
        status: 'queued',
        error,
        updated_at: new Date(),
        ...(options.refund ? { attempts: sql`greatest(attempts - 1, 0)` } : {}),
      })
      .where('id', '=', id)
      .where('status', '=', 'running')
      .returningAll()
      .executeTakeFirst();
    return row ? toRun(row) : null;
  }

  async fail(id: string, error: string): Promise<ProcessorRun | null> {
    const row = await this.db
      .updateTable('processor_runs')
      .set({ status: 'failed', error, finished_at: new Date(), updated_at: new Date() })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .returningAll()
      .executeTakeFirst();
    return row ? toRun(row) : null;
  }

  /**
   * The user's runs of `processorId` in `status` (queued or running) for earlier versions of
   * `inputBlobId` than `version`, cancelled with `reason` (a running one stops at its next check).
   */
  async cancelOlder(
    userId: string,
    processorId: string,
    inputBlobId: string,
    version: number,
    reason: string,
  ): Promise<(ProcessorRun & { was: 'queued' | 'running' })[]> {
    const { rows } = await sql<Selectable<ProcessorRunsTable> & { was: 'queued' | 'running' }>`
      update processor_runs p
      set status = 'cancelled', error = ${reason}, finished_at = now(), updated_at = now()
      from (
        select id, status as was from processor_runs
        where user_id = ${userId} and processor_id = ${processorId}
          and input_blob_id = ${inputBlobId} and input_version < ${version}
          and status in ('queued', 'running')
        for update
      ) o
      where p.id = o.id and p.status in ('queued', 'running')
      returning p.*, o.was`.execute(this.db);
    return rows.map((r) => ({ ...toRun(r), was: r.was }));
  }

  /** Cancels a queued or running run of the user's; `reason`, when given, is its error. */
  async cancel(userId: string, id: string, reason?: string): Promise<ProcessorRun | null> {
    if (!isUuid(id)) return null;
    const row = await this.db
      .updateTable('processor_runs')
      .set({
        status: 'cancelled',
        finished_at: new Date(),
        updated_at: new Date(),
        ...(reason ? { error: reason } : {}),
      })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('status', 'in', ['queued', 'running'])
      .returningAll()
      .executeTakeFirst();
    return row ? toRun(row) : null;
  }

  /** Puts a failed or cancelled run back in the queue, with the retry event in the same commit. */
  async retry(userId: string, id: string, retryEvent: StudioEvent): Promise<ProcessorRun | null> {
    if (!isUuid(id)) return null;
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('processor_runs')
        .set({
          status: 'queued',
          attempts: 0,
          error: null,
          // A fresh retry window: it is measured from the first attempt of this retry.
          started_at: null,
          finished_at: null,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('status', 'in', ['failed', 'cancelled'])
        .returningAll()
        .executeTakeFirst();
      if (row) await enqueue(trx, this.catalog, retryEvent);
      return row ? toRun(row) : null;
    });
  }

  /**
   * Creates the run queued with its retry event (`retryFor(runId)`) in one commit, when no run
   * has its key yet; returns the run there is and whether this call created it. With `resend`,
   * a run already there that the same reprocessing created and that is still queued gets its
   * retry event again (the one sent before may have been lost with an in-process backbone). A
   * reprocessing's runs carry its id, which is what its counts are read from.
   */
  async createQueued(
    run: NewRun & { id: string; reprocessingId: string },
    retryFor: (runId: string) => StudioEvent,
    resend = false,
  ): Promise<{ run: ProcessorRun; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('processor_runs')
        .values({
          id: run.id,
          key: run.key,
          user_id: run.userId,
          processor_id: run.processorId,
          processor_version: run.processorVersion,
          event: JSON.stringify(run.event),
          input_blob_id: run.inputBlobId,
          input_version: run.inputVersion,
          book_id: run.bookId,
          reprocessing_id: run.reprocessingId,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) {
        await enqueue(trx, this.catalog, retryFor(inserted.id));
        return { run: toRun(inserted), created: true };
      }
      const existing = await trx
        .selectFrom('processor_runs')
        .selectAll()
        .where('key', '=', run.key)
        .executeTakeFirstOrThrow();
      if (resend && existing.reprocessing_id === run.reprocessingId && existing.status === 'queued')
        await enqueue(trx, this.catalog, retryFor(existing.id));
      return { run: toRun(existing), created: false };
    });
  }

  /**
   * Failed runs of every user matching the filter, earliest finished first, at most `limit`:
   * a bulk retry takes them batch by batch (a run it requeues leaves the set).
   */
  async failedRuns(filter: FailedRunFilter, limit: number): Promise<ProcessorRun[]> {
    const rows = await this.failedWhere(filter)
      .selectAll()
      .orderBy('finished_at')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toRun);
  }

  /** How many failed runs of every user match the filter. */
  async countFailed(filter: FailedRunFilter): Promise<number> {
    const row = await this.failedWhere(filter)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private failedWhere(filter: FailedRunFilter) {
    let q = this.db.selectFrom('processor_runs').where('status', '=', 'failed');
    if (filter.processorId) q = q.where('processor_id', '=', filter.processorId);
    // position(), not like: the text is the operator's, and % or _ in it mean themselves.
    if (filter.error)
      q = q.where(sql<boolean>`position(lower(${filter.error}) in lower(coalesce(error, ''))) > 0`);
    if (filter.from) q = q.where('finished_at', '>=', filter.from);
    if (filter.to) q = q.where('finished_at', '<=', filter.to);
    return q;
  }
}
