/** The blob store on PostgreSQL (or PGlite): blobs as JSONB, earlier versions in blob_versions. */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { BlobsTable, DB } from '../db/types';
import type { StudioEvent } from '../events/event';
import { isUuid } from '../ids';
import type { BlobStore } from './blob-store';
import type {
  Admit,
  Blob,
  BlobFamily,
  BlobFilter,
  BlobOrder,
  BlobPage,
  BlobVersion,
  NewBlob,
  Usage,
} from './blob-types';
import { currentVersion } from './blob-types';

const toBlob = (row: Selectable<BlobsTable>): Blob => ({
  id: row.id,
  userId: row.user_id,
  processorId: row.processor_id,
  schemaId: row.schema_id,
  data: row.data,
  size: row.size,
  version: row.version,
  parentId: row.parent_id,
  bookId: row.book_id,
  conversationId: row.conversation_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  seq: Number(row.seq),
  provenance: (row.provenance as Record<string, unknown> | null) ?? null,
});

const outboxRow = (event: StudioEvent) => ({
  event_id: event.id,
  user_id: event.userId,
  type: event.type,
  event: JSON.stringify(event),
});

export class PgBlobStore implements BlobStore {
  constructor(private readonly db: Kysely<DB>) {}

  private visible(userId: string) {
    return this.db
      .selectFrom('blobs')
      .selectAll()
      .where('user_id', '=', userId)
      .where('deleted_at', 'is', null);
  }

  /** Inserts a blob and its outbox row in one statement: both commit or neither. */
  private async insert(db: Kysely<DB>, blob: NewBlob, event: StudioEvent): Promise<Blob> {
    const { rows } = await sql<Selectable<BlobsTable>>`
      with inserted as (
        insert into blobs (id, user_id, processor_id, schema_id, data, size, parent_id, book_id, conversation_id)
        values (${blob.id}, ${blob.userId}, ${blob.processorId}, ${blob.schemaId}, ${JSON.stringify(blob.data)},
                ${blob.size}, ${blob.parentId}, ${blob.bookId}, ${blob.conversationId})
        returning *
      ), queued as (
        insert into outbox (event_id, user_id, type, event)
        select ${event.id}, ${event.userId}, ${event.type}, ${JSON.stringify(event)}::jsonb from inserted
      )
      select * from inserted`.execute(db);
    return toBlob(rows[0]!);
  }

  /**
   * Takes the user's write lock until the transaction ends, then reads their usage. Writes of one
   * user queue on it (so usage cannot change between the read and the write); other users' writes
   * never wait. The lock key is a 64-bit hash of the user id: a collision only serialises two
   * users' writes, it never mixes their usage.
   */
  private async lockedUsage(trx: Kysely<DB>, userId: string): Promise<Usage> {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`blobs:${userId}`}, 0))`.execute(trx);
    return this.usageIn(trx, userId);
  }

  private async usageIn(db: Kysely<DB>, userId: string): Promise<Usage> {
    // Sums are bigint or numeric (pg returns them as text): never a 32-bit overflow.
    const { rows } = await sql<{ blobs: string; bytes: string }>`
      select count(*) as blobs,
             coalesce(sum(b.size), 0) + coalesce((
               select sum(v.size) from blob_versions v join blobs vb on vb.id = v.blob_id
               where vb.user_id = ${userId} and vb.deleted_at is null
             ), 0) as bytes
      from blobs b where b.user_id = ${userId} and b.deleted_at is null`.execute(db);
    return { blobs: Number(rows[0]?.blobs ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
  }

  usage(userId: string): Promise<Usage> {
    return this.usageIn(this.db, userId);
  }

  async create(blob: NewBlob, event: StudioEvent, admit?: Admit): Promise<Blob> {
    if (!admit) return this.insert(this.db, blob, event);
    return this.db.transaction().execute(async (trx) => {
      admit(await this.lockedUsage(trx, blob.userId));
      return this.insert(trx, blob, event);
    });
  }

  async createOnce(
    blob: NewBlob & { idempotencyKey: string },
    event: StudioEvent,
    admit?: Admit,
  ): Promise<{ blob: Blob; created: boolean }> {
    if (!admit) return this.insertOnce(this.db, blob, event);
    return this.db.transaction().execute(async (trx) => {
      const usage = await this.lockedUsage(trx, blob.userId);
      // A redelivery finds its blob stored and is not refused for the room it already takes.
      const stored = await this.byKey(trx, blob.idempotencyKey);
      if (stored) return { blob: stored, created: false };
      admit(usage);
      return this.insertOnce(trx, blob, event);
    });
  }

  private async byKey(db: Kysely<DB>, key: string): Promise<Blob | null> {
    const row = await db
      .selectFrom('blobs')
      .selectAll()
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row ? toBlob(row) : null;
  }

  private async insertOnce(
    db: Kysely<DB>,
    blob: NewBlob & { idempotencyKey: string },
    event: StudioEvent,
  ): Promise<{ blob: Blob; created: boolean }> {
    const { rows } = await sql<Selectable<BlobsTable>>`
      with inserted as (
        insert into blobs (id, user_id, processor_id, schema_id, data, size, parent_id, book_id, conversation_id, idempotency_key, provenance)
        values (${blob.id}, ${blob.userId}, ${blob.processorId}, ${blob.schemaId}, ${JSON.stringify(blob.data)},
                ${blob.size}, ${blob.parentId}, ${blob.bookId}, ${blob.conversationId}, ${blob.idempotencyKey},
                ${blob.provenance ? JSON.stringify(blob.provenance) : null})
        on conflict (idempotency_key) do nothing
        returning *
      ), queued as (
        insert into outbox (event_id, user_id, type, event)
        select ${event.id}, ${event.userId}, ${event.type}, ${JSON.stringify(event)}::jsonb from inserted
      )
      select * from inserted`.execute(db);
    if (rows[0]) return { blob: toBlob(rows[0]), created: true };
    // Stored before (a redelivery or a concurrent worker): that one stands.
    const existing = await this.byKey(db, blob.idempotencyKey);
    if (!existing) throw new Error(`blob with idempotency key ${blob.idempotencyKey} vanished`);
    return { blob: existing, created: false };
  }

  async update(
    userId: string,
    id: string,
    change: { schemaId: string; data: unknown; size: number; expectedVersion?: number | null },
    event: StudioEvent,
    admit?: Admit,
  ): Promise<Blob | null> {
    if (!isUuid(id)) return null;
    return this.db.transaction().execute(async (trx) => {
      const usage = admit ? await this.lockedUsage(trx, userId) : null;
      const current = await trx
        .selectFrom('blobs')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('deleted_at', 'is', null)
        .forUpdate()
        .executeTakeFirst();
      if (!current) return null;
      if (change.expectedVersion != null && current.version !== change.expectedVersion) return null;
      if (usage) admit?.(usage);
      await trx
        .insertInto('blob_versions')
        .values({
          blob_id: id,
          version: current.version,
          schema_id: current.schema_id,
          data: JSON.stringify(current.data),
          size: current.size,
          created_at: current.updated_at,
        })
        .execute();
      const row = await trx
        .updateTable('blobs')
        .set({
          data: JSON.stringify(change.data),
          schema_id: change.schemaId,
          size: change.size,
          version: current.version + 1,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await trx.insertInto('outbox').values(outboxRow(event)).execute();
      return toBlob(row);
    });
  }

  async softDelete(userId: string, id: string, event: StudioEvent): Promise<Blob | null> {
    if (!isUuid(id)) return null;
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('blobs')
        .set({ deleted_at: new Date() })
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .where('deleted_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!row) return null;
      await trx.insertInto('outbox').values(outboxRow(event)).execute();
      return toBlob(row);
    });
  }

  async findById(userId: string, id: string): Promise<Blob | null> {
    if (!isUuid(id)) return null;
    const row = await this.visible(userId).where('id', '=', id).executeTakeFirst();
    return row ? toBlob(row) : null;
  }

  async findWithFamily(
    userId: string,
    id: string,
    include: { parent: boolean; derived: boolean },
  ): Promise<BlobFamily | null> {
    if (!isUuid(id)) return null;
    const visible = sql`user_id = ${userId} and deleted_at is null`;
    const parts = [sql`select b.*, 0 as role from blobs b where id = ${id} and ${visible}`];
    if (include.parent) {
      parts.push(sql`select p.*, 1 as role from blobs p
        where p.id = (select parent_id from blobs where id = ${id} and ${visible}) and ${visible}`);
    }
    if (include.derived) {
      parts.push(sql`select d.*, 2 as role from blobs d where d.parent_id = ${id} and ${visible}`);
    }
    const { rows } = await sql<
      Selectable<BlobsTable> & { role: number }
    >`${sql.join(parts, sql` union all `)} order by role, seq`.execute(this.db);
    const self = rows.find((r) => r.role === 0);
    if (!self) return null;
    const parent = rows.find((r) => r.role === 1);
    return {
      blob: toBlob(self),
      parent: parent ? toBlob(parent) : null,
      derived: rows.filter((r) => r.role === 2).map(toBlob),
    };
  }

  async findByIds(userId: string, ids: readonly string[]): Promise<Blob[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    return (await this.visible(userId).where('id', 'in', valid).execute()).map(toBlob);
  }

  async findByParents(userId: string, parentIds: readonly string[]): Promise<Blob[]> {
    const valid = parentIds.filter(isUuid);
    if (valid.length === 0) return [];
    const rows = await this.visible(userId)
      .where('parent_id', 'in', valid)
      .orderBy('seq')
      .execute();
    return rows.map(toBlob);
  }

  async list(
    userId: string,
    filter: BlobFilter,
    order: BlobOrder,
    first: number,
    afterSeq: number | null,
  ): Promise<BlobPage> {
    let q = this.visible(userId);
    for (const [key, column] of [
      ['bookId', 'book_id'],
      ['conversationId', 'conversation_id'],
      ['parentId', 'parent_id'],
    ] as const) {
      const value = filter[key];
      if (value == null) continue;
      // An id that is not a UUID matches nothing, rather than failing the query.
      if (!isUuid(value)) return { blobs: [], hasNextPage: false };
      q = q.where(column, '=', value);
    }
    if (filter.schemaId != null) q = q.where('schema_id', '=', filter.schemaId);
    if (filter.processorId != null) q = q.where('processor_id', '=', filter.processorId);
    const newest = order === 'NEWEST_FIRST';
    if (afterSeq !== null) q = q.where('seq', newest ? '<' : '>', String(afterSeq) as never);
    const rows = await q
      .orderBy('seq', newest ? 'desc' : 'asc')
      .limit(first + 1)
      .execute();
    return { blobs: rows.slice(0, first).map(toBlob), hasNextPage: rows.length > first };
  }

  async chaptersOf(userId: string, bookId: string, limit?: number): Promise<Blob[]> {
    if (!isUuid(bookId)) return [];
    const rows = await this.visible(userId)
      .where('book_id', '=', bookId)
      .where('parent_id', 'is', null)
      .orderBy(
        sql`case when jsonb_typeof(data #> '{metadata,chapter}') = 'number' then (data #>> '{metadata,chapter}')::numeric end`,
        (ob) => ob.asc().nullsLast(),
      )
      .orderBy('seq')
      .$if(limit !== undefined, (q) => q.limit(limit!))
      .execute();
    return rows.map(toBlob);
  }

  async versions(userId: string, id: string): Promise<BlobVersion[]> {
    const current = await this.findById(userId, id);
    if (!current) return [];
    const rows = await this.db
      .selectFrom('blob_versions')
      .selectAll()
      .where('blob_id', '=', id)
      .orderBy('version')
      .execute();
    return [
      ...rows.map((r) => ({
        blobId: r.blob_id,
        version: r.version,
        schemaId: r.schema_id,
        data: r.data,
        size: r.size,
        createdAt: r.created_at,
      })),
      currentVersion(current),
    ];
  }

  async stats(userId: string): Promise<{ count: number; totalSize: number }> {
    const row = await this.db
      .selectFrom('blobs')
      .select((eb) => [
        eb.fn.countAll<number>().as('count'),
        eb.fn.coalesce(eb.fn.sum<number>('size'), sql<number>`0`).as('total'),
      ])
      .where('user_id', '=', userId)
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), totalSize: Number(row.total) };
  }
}
