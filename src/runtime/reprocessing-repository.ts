/** All SQL for reprocessings, and the reads of runs and inputs they are walked by. */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, ReprocessingsTable } from '../db/types';
import { isUuid } from '../ids';
import { isUuidKey, type Page, pageRequest, toPage } from '../paging';
import type {
  Reprocessing,
  ReprocessingRunCounts,
  ReprocessingSelection,
  ReprocessingStatus,
} from './reprocessing-types';

const NO_RUNS: ReprocessingRunCounts = {
  queued: 0,
  running: 0,
  succeeded: 0,
  failed: 0,
  cancelled: 0,
};

const toReprocessing = (
  r: Selectable<ReprocessingsTable>,
  counts: ReprocessingRunCounts = NO_RUNS,
): Reprocessing => ({
  id: r.id,
  processorId: r.processor_id,
  fromVersions: r.from_versions,
  toVersion: r.to_version,
  selection: r.selection as unknown as ReprocessingSelection,
  status: r.status as ReprocessingStatus,
  total: r.total,
  skipped: r.skipped,
  cursor: r.cursor,
  scanned: r.scanned,
  error: r.error,
  requestedBy: r.requested_by,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  ...counts,
});

/** An input a processor has worked on: one blob of one user. */
export interface Candidate {
  inputBlobId: string;
  userId: string;
}

const CURSOR = 'reprocessing';
const OPEN = ['queued', 'running'];

export class ReprocessingRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(r: {
    processorId: string;
    fromVersions: string[];
    toVersion: string;
    selection: ReprocessingSelection;
    total: number;
    requestedBy: string;
  }): Promise<Reprocessing> {
    const row = await this.db
      .insertInto('reprocessings')
      .values({
        processor_id: r.processorId,
        from_versions: JSON.stringify(r.fromVersions),
        to_version: r.toVersion,
        selection: JSON.stringify(r.selection),
        total: r.total,
        requested_by: r.requestedBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toReprocessing(row);
  }

  async get(id: string): Promise<Reprocessing | null> {
    if (!isUuid(id)) return null;
    const row = await this.db
      .selectFrom('reprocessings')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toReprocessing(row, (await this.counts([row.id])).get(row.id)) : null;
  }

  /** A page of every reprocessing, newest first. */
  async list(first?: number | null, after?: string | null): Promise<Page<Reprocessing>> {
    const page = pageRequest(CURSOR, first, after, isUuidKey);
    let q = this.db.selectFrom('reprocessings').selectAll();
    if (page.after !== null)
      q = q.where(
        sql<boolean>`(created_at, id) < (select created_at, id from reprocessings where id = ${page.after})`,
      );
    const rows = await q
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(page.first + 1)
      .execute();
    const counts = await this.counts(rows.map((r) => r.id));
    const items = rows.map((r) => toReprocessing(r, counts.get(r.id)));
    return toPage(CURSOR, items, page.first, (r) => r.id);
  }

  /** The runs each reprocessing created, by status. */
  private async counts(ids: string[]): Promise<Map<string, ReprocessingRunCounts>> {
    const out = new Map<string, ReprocessingRunCounts>();
    if (ids.length === 0) return out;
    const rows = await this.db
      .selectFrom('processor_runs')
      .select(['reprocessing_id', 'status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('reprocessing_id', 'in', ids)
      .groupBy(['reprocessing_id', 'status'])
      .execute();
    for (const r of rows) {
      const counts = out.get(r.reprocessing_id!) ?? { ...NO_RUNS };
      counts[r.status as keyof ReprocessingRunCounts] = Number(r.n);
      out.set(r.reprocessing_id!, counts);
    }
    return out;
  }

  /**
   * The next `limit` inputs `processorId` has a run for, in id order after `after`, narrowed by
   * user, blob and the book the runs were for (the caller checks what the blobs are now).
   */
  async candidates(
    processorId: string,
    filter: Pick<ReprocessingSelection, 'userId' | 'blobId' | 'bookId'>,
    after: string | null,
    limit: number,
  ): Promise<Candidate[]> {
    let q = this.db
      .selectFrom('processor_runs')
      .select(['input_blob_id', 'user_id'])
      .distinct()
      .where('processor_id', '=', processorId)
      .where('input_blob_id', 'is not', null);
    if (filter.userId) q = q.where('user_id', '=', filter.userId);
    if (filter.blobId) q = q.where('input_blob_id', '=', filter.blobId);
    if (filter.bookId) q = q.where('book_id', '=', filter.bookId);
    if (after) q = q.where('input_blob_id', '>', after);
    const rows = await q.orderBy('input_blob_id').limit(limit).execute();
    return rows.map((r) => ({ inputBlobId: r.input_blob_id!, userId: r.user_id }));
  }

  /** The owner of a book, or null. */
  async bookOwner(bookId: string): Promise<string | null> {
    if (!isUuid(bookId)) return null;
    const row = await this.db
      .selectFrom('books')
      .select('user_id')
      .where('id', '=', bookId)
      .executeTakeFirst();
    return row?.user_id ?? null;
  }

  /** The owner of an input `processorId` has a run for, or null. */
  async inputOwner(processorId: string, blobId: string): Promise<string | null> {
    if (!isUuid(blobId)) return null;
    const row = await this.db
      .selectFrom('processor_runs')
      .select('user_id')
      .where('processor_id', '=', processorId)
      .where('input_blob_id', '=', blobId)
      .limit(1)
      .executeTakeFirst();
    return row?.user_id ?? null;
  }

  /** For each of `keys` a run has, the reprocessing that created it (null: none did). */
  async runsWithKeys(keys: string[]): Promise<Map<string, string | null>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('processor_runs')
      .select(['key', 'reprocessing_id'])
      .where('key', 'in', keys)
      .execute();
    return new Map(rows.map((r) => [r.key, r.reprocessing_id]));
  }

  /** Up to `limit` of the reprocessing's runs still queued: their ids and users. */
  async queuedRuns(id: string, limit: number): Promise<{ id: string; userId: string }[]> {
    const rows = await this.db
      .selectFrom('processor_runs')
      .select(['id', 'user_id'])
      .where('reprocessing_id', '=', id)
      .where('status', '=', 'queued')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, userId: r.user_id }));
  }

  /**
   * Leases the open reprocessings this process may drive (those it holds, and those nobody
   * holds or whose lease ran out) until `leaseMs` from now. `takenOver` marks the ones it did
   * not hold before: another process started them, and may have stopped mid-way.
   */
  async claim(
    owner: string,
    leaseMs: number,
    limit: number,
  ): Promise<{ id: string; takenOver: boolean }[]> {
    const { rows } = await sql<{ id: string; previous: string | null }>`
      with open as (
        select id, lease_owner as previous from reprocessings
        where status in ('queued', 'running')
          and (lease_owner = ${owner} or lease_until is null or lease_until < now())
        order by created_at
        limit ${limit}
        for update skip locked
      )
      update reprocessings r
      set lease_owner = ${owner}, lease_until = now() + ${`${leaseMs} milliseconds`}::interval
      from open where r.id = open.id
      returning r.id, open.previous`.execute(this.db);
    return rows.map((r) => ({ id: r.id, takenOver: r.previous !== owner }));
  }

  /** Gives up this process's leases (a clean stop): another process may resume at once. */
  async release(owner: string): Promise<void> {
    await this.db
      .updateTable('reprocessings')
      .set({ lease_owner: null, lease_until: null })
      .where('lease_owner', '=', owner)
      .execute();
  }

  /** Queued becomes running. */
  async markRunning(id: string): Promise<void> {
    await this.db
      .updateTable('reprocessings')
      .set({ status: 'running', started_at: sql`now()`, updated_at: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'queued')
      .execute();
  }

  /** Records a batch: the input it went past, inputs it skipped, and whether it was the last. */
  async advance(
    id: string,
    step: { cursor: string | null; skipped: number; scanned: boolean },
  ): Promise<void> {
    await this.db
      .updateTable('reprocessings')
      .set({
        cursor: step.cursor,
        skipped: sql`skipped + ${step.skipped}`,
        scanned: step.scanned,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .where('status', 'in', OPEN)
      .execute();
  }

  /** Ends an open reprocessing with `status` (and `error`); null when it was not open. */
  async finish(
    id: string,
    status: 'succeeded' | 'failed' | 'cancelled',
    error: string | null = null,
  ): Promise<Reprocessing | null> {
    if (!isUuid(id)) return null;
    const row = await this.db
      .updateTable('reprocessings')
      .set({
        status,
        error,
        finished_at: sql`now()`,
        updated_at: new Date(),
        lease_owner: null,
        lease_until: null,
      })
      .where('id', '=', id)
      .where('status', 'in', OPEN)
      .returningAll()
      .executeTakeFirst();
    return row ? toReprocessing(row, (await this.counts([row.id])).get(row.id)) : null;
  }
}
