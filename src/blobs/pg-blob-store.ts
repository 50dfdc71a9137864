/** The blob store on PostgreSQL (or PGlite): blobs as JSONB, earlier versions in blob_versions. */
import DataLoader from 'dataloader';
import {
  type Kysely,
  type RawBuilder,
  type Selectable,
  type SelectQueryBuilder,
  sql,
} from 'kysely';
import type { Database } from '../db/database';
import { type PreparedTarget, queryPrepared } from '../db/prepared';
import type { BlobsTable, DB } from '../db/types';
import { BASE_CATALOG } from '../events/catalog';
import { type StudioEvent, withVersion } from '../events/event';
import { outboxRow } from '../events/outbox';
import { isUuid } from '../ids';
import type { AlsoWrite, BlobStore, Guard, References } from './blob-store';
import type {
  Admit,
  Blob,
  BlobChange,
  BlobFamily,
  BlobFilter,
  BlobOrder,
  BlobPage,
  BlobVersion,
  DataCap,
  NewBlob,
  Usage,
} from './blob-types';
import { currentVersion, pageOf } from './blob-types';

/**
 * The columns the prepared statements return, named rather than `*`: a column a later migration
 * adds then leaves their result type as it was, where PostgreSQL would refuse to run a prepared
 * `returning *` again ("cached plan must not change result type") on every open connection.
 */
const BLOB_COLUMNS = [
  'id',
  'seq',
  'user_id',
  'schema_id',
  'processor_id',
  'data',
  'size',
  'version',
  'parent_id',
  'book_id',
  'conversation_id',
  'created_at',
  'updated_at',
  'deleted_at',
  'idempotency_key',
  'provenance',
] as const satisfies readonly (keyof BlobsTable)[];
/** `BLOB_COLUMNS` as a select list, each under `alias.` when given. */
const blobColumns = (alias?: string) =>
  sql.raw(BLOB_COLUMNS.map((c) => (alias ? `${alias}.${c}` : c)).join(', '));

/**
 * For a statement that reads a blob beside rows of another table: `BLOB_COLUMNS` of `alias`, each
 * named `prefix` + its name, and the blob back from such a row (`prefixedBlob`).
 */
export const prefixedBlobColumns = (alias: string, prefix: string) =>
  sql.raw(BLOB_COLUMNS.map((c) => `${alias}.${c} as ${prefix}${c}`).join(', '));

export function prefixedBlob(row: Record<string, unknown>, prefix: string): Blob {
  const columns = Object.fromEntries(BLOB_COLUMNS.map((c) => [c, row[`${prefix}${c}`]]));
  return toBlob(columns as unknown as Selectable<BlobsTable>);
}

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

/** A row of a capped read (`capped`): a blob row, its data left out when `withheld`. */
type CappedRow = Selectable<BlobsTable> & { withheld: boolean };

/**
 * The columns of a capped read: `BLOB_COLUMNS` of the subquery `r`, whose `running` is the sum of
 * the sizes up to its row in the read's order, with `data` only while that is within `bytes`.
 * PostgreSQL reads a value it does not return only as far as its TOAST pointer, so the data left
 * out is never read, let alone sent.
 */
const cappedColumns = (bytes: number) =>
  sql.join([
    // In `BLOB_COLUMNS` order, so a union with `blobColumns` lines up.
    ...BLOB_COLUMNS.map((c) =>
      c === 'data'
        ? sql`case when r.running <= ${bytes} then r.data end as data`
        : sql.ref(`r.${c}`),
    ),
    sql`r.running > ${bytes} as withheld`,
  ]);

/** The running sum of sizes in `order`, the column `cappedColumns` reads. */
const running = (order: RawBuilder<unknown>) =>
  sql<number>`sum(size) over (order by ${order} rows unbounded preceding)`.as('running');

function cappedBlob(row: CappedRow): Blob {
  const blob = toBlob(row);
  if (row.withheld) {
    blob.data = undefined;
    blob.withheld = true;
  }
  return blob;
}

/** Chapters first by a numeric `data.metadata.chapter`, then the rest; ties in creation order. */
const CHAPTER_ORDER = sql`case when jsonb_typeof(data #> '{metadata,chapter}') = 'number' then (data #>> '{metadata,chapter}')::numeric end asc nulls last, seq`;

/**
 * The CTE that counts the rows of an `inserted` CTE in their user's usage: in the statement that
 * inserts them, so a blob is counted exactly when it is stored.
 */
const counted = sql`counted as (
  update blob_usage u set blobs = u.blobs + 1, bytes = u.bytes + i.size,
    current_bytes = u.current_bytes + i.size
  from inserted i where u.user_id = i.user_id
)`;

/** Blob stores write the studio's own kinds only (blob.*): the base catalog has them all. */
const outboxRowOf = (event: StudioEvent) => outboxRow(BASE_CATALOG, event);

/**
 * Whether blob `id` is a live blob of `userId`, looked up by its primary key alone.
 *
 * Written as `id = $1 and user_id = $2 and deleted_at is null`, a lookup leaves PostgreSQL a near
 * tie between the primary key and the partial index `blobs_user_seq (user_id, seq) where
 * deleted_at is null`: both find one row by its estimate, and the partial index, with one
 * condition fewer left to check, won (before the table's first ANALYZE, and in prepared
 * statements' generic plans, which cannot know the user). It then reads every live blob of the
 * user to find one: in `bench:processors`, a thousand index entries and a third of a millisecond
 * per lookup, growing with the user's blobs. Only the primary key can answer `id = $1` alone.
 */
export function liveBlobOf(id: RawBuilder<unknown>, userId: RawBuilder<unknown>) {
  return sql<boolean>`coalesce((select p.user_id = ${userId} and p.deleted_at is null
      from blobs p where p.id = ${id}), false)`;
}

/**
 * The version of blob `id` when it is a live blob of `userId`, else null; by its primary key
 * alone, as `liveBlobOf` says why.
 */
export function liveVersionOf(id: RawBuilder<unknown>, userId: RawBuilder<unknown>) {
  return sql<number | null>`(select case when v.user_id = ${userId} and v.deleted_at is null
      then v.version end from blobs v where v.id = ${id})`;
}

/**
 * Whether a row of `blobs` found by its id is a live blob of `userId`, for statements that lock
 * or change the rows they find (so cannot look them up apart, as `liveBlobOf` does). Written
 * plainly beside `id = ...`, the two conditions give the planner the tie `liveBlobOf` describes,
 * and an update, a delete or a read of a few blobs by id went through every live blob of the
 * user (seen in their generic plans on a table not yet analyzed). Inside `coalesce` they are a
 * filter no index answers: the rows are found by the primary key and checked as they are read
 * (and only those that pass are locked or changed).
 */
export function ownedLive(userId: string) {
  return sql<boolean>`coalesce(user_id = ${userId} and deleted_at is null, false)`;
}

/**
 * The rows `updateAll` locks: the user's live blobs among `ids`, found by id (see `ownedLive`).
 * Exported, as the next two, for the test of its plan.
 */
export const lockLiveQuery = (db: Kysely<DB>, userId: string, ids: readonly string[]) =>
  db
    .selectFrom('blobs')
    .selectAll()
    .where('id', 'in', ids)
    .where(ownedLive(userId))
    .orderBy('id')
    .forUpdate();

/** `softDelete`'s change: the user's live blob `id`, found by id, marked deleted. */
export const softDeleteQuery = (db: Kysely<DB>, userId: string, id: string) =>
  db
    .updateTable('blobs')
    .set({ deleted_at: new Date() })
    .where('id', '=', id)
    .where(ownedLive(userId))
    .returningAll();

/** `findByIds`'s read: the user's live blobs among `ids`, found by id. */
export const byIdsQuery = (db: Kysely<DB>, userId: string, ids: readonly string[]) =>
  db.selectFrom('blobs').selectAll().where('id', 'in', ids).where(ownedLive(userId));

/**
 * The condition that a new blob's parent, book and conversation (those it names) are its
 * user's, for the statement that stores it; null when one is not even an id (none could be).
 */
function referencesHold(blob: NewBlob) {
  const { userId, parentId, bookId, conversationId } = blob;
  if (![parentId, bookId, conversationId].every((id) => id === null || isUuid(id))) return null;
  return sql`(${parentId}::uuid is null or ${liveBlobOf(sql`${parentId}::uuid`, sql`${userId}`)})
    and (${bookId}::uuid is null or exists (select 1 from books b
      where b.id = ${bookId}::uuid and b.user_id = ${userId}))
    and (${conversationId}::uuid is null or exists (select 1 from conversations c
      where c.id = ${conversationId}::uuid and c.user_id = ${userId}))`;
}

/**
 * The CTE body that counts a new blob in its user's usage, only if `admit.before` leaves room and
 * its references hold (checked first when they cannot be in the statement): it returns a row
 * exactly when it counted, and the statement inserts the blob from it.
 */
async function charge(blob: NewBlob, admit?: Admit, references?: References, guard?: Guard) {
  const room = admit?.before ?? { blobs: Number.MAX_SAFE_INTEGER, bytes: Number.MAX_SAFE_INTEGER };
  const held = references ? referencesHold(blob) : sql`true`;
  if (!held) await references!();
  return sql`
    insert into blob_usage as u (user_id, blobs, bytes, current_bytes)
    select ${blob.userId}, 1, ${blob.size}, ${blob.size}
    where ${room.blobs}::bigint >= 0 and ${room.bytes}::bigint >= 0 and ${held ?? sql`false`}
      and ${guard ?? sql`true`}
    on conflict (user_id) do update
      set blobs = u.blobs + 1, bytes = u.bytes + excluded.bytes,
          current_bytes = u.current_bytes + excluded.current_bytes
      where u.blobs <= ${room.blobs}::bigint and u.bytes <= ${room.bytes}::bigint
    returning 1`;
}

/** One read of `findWithFamily`. */
interface FamilyKey {
  userId: string;
  id: string;
  parent: boolean;
  derived: boolean;
  /** For a key read on its own: the cap on its derived blobs. */
  cap?: DataCap;
}
/** Reads of `findWithFamily` one statement serves at most. */
const FAMILY_BATCH = 64;
/**
 * What that statement reads for one key at most: derived blobs, and the data of a blob (its
 * size). A key with more is read again in a statement of its own, so what one user's family holds
 * costs that user's request, not the others' it was batched with.
 */
const FAMILY_BATCH_DERIVED = 20;
const FAMILY_BATCH_ROW_BYTES = 16 * 1024;
/** `BLOB_COLUMNS` of `alias`, with `data` null where the blob is larger than `maxBytes`. */
const boundedBlobColumns = (alias: string, maxBytes: number) =>
  sql.raw(
    BLOB_COLUMNS.map((c) =>
      c === 'data'
        ? `case when ${alias}.size <= ${maxBytes} then ${alias}.data end as data`
        : `${alias}.${c}`,
    ).join(', '),
  );

/**
 * The statement of `readFamilies`: each key's blob, its parent and its first derived blobs, every
 * row matched on the key's own user. Exported for the test of its plan.
 */
export function familiesQuery(
  keys: readonly Pick<FamilyKey, 'id' | 'userId' | 'parent' | 'derived'>[],
) {
  const visible = (alias: string) =>
    sql.raw(`${alias}.user_id = k.user_id and ${alias}.deleted_at is null`);
  const bounded = (alias: string) => boundedBlobColumns(alias, FAMILY_BATCH_ROW_BYTES);
  // A blob by its id alone, the user and deleted_at checked outside (OFFSET 0 keeps them out):
  // joined on all three, a table not yet analyzed was read whole for each key (see liveBlobOf).
  const byId = (id: RawBuilder<unknown>) => sql`(select * from blobs where id = ${id} offset 0)`;
  return sql<Selectable<BlobsTable> & { role: number; i: number }>`
        with k as (
          select * from unnest(${keys.map((k) => k.id)}::uuid[], ${keys.map((k) => k.userId)}::text[],
            ${keys.map((k) => k.parent)}::bool[], ${keys.map((k) => k.derived)}::bool[])
            with ordinality as k(id, user_id, with_parent, with_derived, i)
        )
        select ${bounded('b')}, 0 as role, k.i::int as i
          from k cross join lateral ${byId(sql`k.id`)} b
          where ${visible('b')}
        union all
        select ${bounded('p')}, 1 as role, k.i::int as i
          from k cross join lateral ${byId(sql`k.id`)} c
          cross join lateral ${byId(sql`c.parent_id`)} p
          where k.with_parent and ${visible('c')} and ${visible('p')}
        union all
        select ${bounded('d')}, 2 as role, k.i::int as i
          from k cross join lateral (
            select ${blobColumns()} from blobs d
            where k.with_derived and d.parent_id = k.id and ${visible('d')}
            order by seq limit ${FAMILY_BATCH_DERIVED + 1}
          ) d
        order by i, role, seq`;
}

/** One `create` waiting for its turn's statement. */
interface NewWrite {
  blob: NewBlob;
  event: StudioEvent;
  admit: Admit;
  references: References;
}
/** Creates one statement stores at most, and their data's bytes at most. */
const WRITE_BATCH = 64;
const WRITE_BATCH_BYTES = 256 * 1024;
/** A blob larger than this is created in a statement of its own: its size costs only its writer. */
const WRITE_BATCH_ENTRY_BYTES = 16 * 1024;

export class PgBlobStore implements BlobStore {
  private readonly db: Kysely<DB>;
  private readonly database: PreparedTarget;
  constructor(database: Pick<Database, 'db'> & PreparedTarget) {
    this.db = database.db;
    this.database = database;
  }

  private visible(userId: string) {
    return this.db
      .selectFrom('blobs')
      .selectAll()
      .where('user_id', '=', userId)
      .where('deleted_at', 'is', null);
  }

  /**
   * Inserts a blob, its outbox row, and counts it in the user's usage, in one statement: all
   * commit or none. Takes the caller's lock on the usage row (see `lockUsage`) as given.
   */
  private async insert(db: Kysely<DB>, blob: NewBlob, event: StudioEvent): Promise<Blob> {
    BASE_CATALOG.check(event);
    const { rows } = await sql<Selectable<BlobsTable>>`
      with inserted as (
        insert into blobs (id, user_id, processor_id, schema_id, data, size, parent_id, book_id, conversation_id)
        values (${blob.id}, ${blob.userId}, ${blob.processorId}, ${blob.schemaId}, ${blob.json ?? JSON.stringify(blob.data)},
                ${blob.size}, ${blob.parentId}, ${blob.bookId}, ${blob.conversationId})
        returning *
      ), queued as (
        insert into outbox (event_id, user_id, type, event)
        select ${event.id}, ${event.userId}, ${event.type}, ${JSON.stringify(event)}::jsonb from inserted
      ), ${counted}
      select * from inserted`.execute(db);
    return toBlob(rows[0]!);
  }

  /**
   * Locks the user's usage row until the transaction ends and returns it, creating it (at zero)
   * for a user's first write. Every write of a user takes this lock before touching any blob
   * row: writes of one user queue here, so usage cannot change between the read and the write,
   * and locks are always taken in the same order (no deadlock); other users' writes never wait.
   */
  private async lockUsage(trx: Kysely<DB>, userId: string): Promise<Usage> {
    await trx
      .insertInto('blob_usage')
      .values({ user_id: userId })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .execute();
    const row = await trx
      .selectFrom('blob_usage')
      .select(['blobs', 'bytes'])
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    return { blobs: Number(row.blobs), bytes: Number(row.bytes) };
  }

  /** Adds to the user's counters; the caller holds the row's lock. */
  private async count(
    trx: Kysely<DB>,
    userId: string,
    add: { blobs: number; bytes: number; currentBytes: number },
  ): Promise<void> {
    await sql`update blob_usage
      set blobs = blobs + ${add.blobs}, bytes = bytes + ${add.bytes},
          current_bytes = current_bytes + ${add.currentBytes}
      where user_id = ${userId}`.execute(trx);
  }

  private async usageRow(userId: string) {
    return this.db
      .selectFrom('blob_usage')
      .select(['blobs', 'bytes', 'current_bytes'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  async usage(userId: string): Promise<Usage> {
    const row = await this.usageRow(userId);
    return { blobs: Number(row?.blobs ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  /**
   * One statement in the usual case: it takes the user's usage lock and counts the blob (the
   * upsert, only while the quota has room), inserts the blob and queues its event, all or nothing,
   * in one round trip instead of five (begin, lock, read, insert, commit). When the upsert finds
   * no room, the transaction below decides under the lock and says which quota refused.
   */
  async create(
    blob: NewBlob,
    event: StudioEvent,
    admit?: Admit,
    references?: References,
  ): Promise<Blob> {
    BASE_CATALOG.check(event);
    if (admit && references && blob.size <= WRITE_BATCH_ENTRY_BYTES && referencesHold(blob))
      return this.writes.load({ blob, event, admit, references });
    return this.createAlone(blob, event, admit, references);
  }

  /**
   * Creates made in the same turn of the event loop, by any users, go to the database as one
   * statement (`createMany`; one per WRITE_BATCH_BYTES of data): under concurrent writes one
   * round trip, and one commit, serves several requests. A blob over WRITE_BATCH_ENTRY_BYTES is
   * created in a statement of its own.
   */
  private readonly writes = new DataLoader<NewWrite, Blob>((entries) => this.createMany(entries), {
    cache: false,
    batchScheduleFn: (run) => setImmediate(run),
    maxBatchSize: WRITE_BATCH,
  });

  /**
   * Stores `entries` as `create` would each, in one statement whose text does not depend on their
   * number. Each user's entries are counted in their usage together, only if all of them fit its
   * quota, and each entry's references must be its own user's: an entry the statement does not
   * store (no room for its user's entries together, a reference not the user's) is created on its
   * own as before, which stores it or says why not. If the statement fails, none of it is stored
   * and every entry is created on its own, with its own answer.
   */
  private async createMany(entries: readonly NewWrite[]): Promise<(Blob | Error)[]> {
    // A turn's entries past WRITE_BATCH_BYTES go in further statements, run at the same time.
    const chunks: NewWrite[][] = [[]];
    let bytes = 0;
    for (const entry of entries) {
      if (bytes + entry.blob.size > WRITE_BATCH_BYTES && chunks.at(-1)!.length > 0) {
        chunks.push([]);
        bytes = 0;
      }
      chunks.at(-1)!.push(entry);
      bytes += entry.blob.size;
    }
    return (await Promise.all(chunks.map((chunk) => this.createChunk(chunk)))).flat();
  }

  /** `createMany` for entries of at most WRITE_BATCH_BYTES. */
  private async createChunk(entries: readonly NewWrite[]): Promise<(Blob | Error)[]> {
    const alone = (e: NewWrite) =>
      this.createAlone(e.blob, e.event, e.admit, e.references).catch((error: Error) => error);
    if (entries.length === 1) return [await alone(entries[0]!)];
    const rows = entries.map(({ blob, event, admit }) => ({
      id: blob.id,
      user_id: blob.userId,
      processor_id: blob.processorId,
      schema_id: blob.schemaId,
      data: blob.data,
      size: blob.size,
      parent_id: blob.parentId,
      book_id: blob.bookId,
      conversation_id: blob.conversationId,
      event_id: event.id,
      event_type: event.type,
      event,
      // The most usage the user may have once this blob is counted.
      most_blobs: admit.before.blobs + 1,
      most_bytes: admit.before.bytes + blob.size,
    }));
    let stored: Selectable<BlobsTable>[];
    try {
      stored = await queryPrepared(
        this.database,
        sql<Selectable<BlobsTable>>`
          with entry as (
            select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
              id uuid, user_id text, processor_id text, schema_id text, data jsonb, size int,
              parent_id uuid, book_id uuid, conversation_id uuid, event_id uuid, event_type text,
              event jsonb, most_blobs bigint, most_bytes bigint)
          ), held as (
            select e.* from entry e
            where (e.parent_id is null or ${liveBlobOf(sql`e.parent_id`, sql`e.user_id`)})
              and (e.book_id is null or exists (select 1 from books b
                where b.id = e.book_id and b.user_id = e.user_id))
              and (e.conversation_id is null or exists (select 1 from conversations c
                where c.id = e.conversation_id and c.user_id = e.user_id))
          ), per_user as (
            select user_id, count(*) as blobs, sum(size)::bigint as bytes,
                   min(most_blobs) as most_blobs, min(most_bytes) as most_bytes
            from held group by user_id
          ), usage as (
            insert into blob_usage as u (user_id, blobs, bytes, current_bytes)
            select user_id, blobs, bytes, bytes from per_user
            where blobs <= most_blobs and bytes <= most_bytes
            -- One order for every statement that locks several users' usage: no deadlock.
            order by user_id
            on conflict (user_id) do update
              set blobs = u.blobs + excluded.blobs, bytes = u.bytes + excluded.bytes,
                  current_bytes = u.current_bytes + excluded.current_bytes
              where u.blobs + excluded.blobs <= (select most_blobs from per_user w where w.user_id = u.user_id)
                and u.bytes + excluded.bytes <= (select most_bytes from per_user w where w.user_id = u.user_id)
            returning user_id
          ), inserted as (
            insert into blobs (id, user_id, processor_id, schema_id, data, size, parent_id, book_id, conversation_id)
            select h.id, h.user_id, h.processor_id, h.schema_id, h.data, h.size, h.parent_id, h.book_id,
                   h.conversation_id
            from held h join usage using (user_id)
            returning ${blobColumns()}
          ), queued as (
            insert into outbox (event_id, user_id, type, event)
            select h.event_id, h.user_id, h.event_type, h.event from held h join inserted i on i.id = h.id
          )
          select ${blobColumns()} from inserted`.compile(this.db),
      );
    } catch {
      return Promise.all(entries.map(alone));
    }
    const byId = new Map(stored.map((row) => [row.id, row]));
    return Promise.all(
      entries.map((e) => {
        const row = byId.get(e.blob.id);
        return row ? toBlob(row) : alone(e);
      }),
    );
  }

  /** `create` for one blob, in a statement of its own. */
  private async createAlone(
    blob: NewBlob,
    event: StudioEvent,
    admit?: Admit,
    references?: References,
  ): Promise<Blob> {
    const usage = await charge(blob, admit, references);
    const statement = sql<Selectable<BlobsTable>>`
      with usage as (${usage}), inserted as (
        insert into blobs (id, user_id, processor_id, schema_id, data, size, parent_id, book_id, conversation_id)
        select ${blob.id}, ${blob.userId}, ${blob.processorId}, ${blob.schemaId}, ${blob.json ?? JSON.stringify(blob.data)},
               ${blob.size}, ${blob.parentId}, ${blob.bookId}, ${blob.conversationId}
        from usage
        returning ${blobColumns()}
      ), queued as (
        insert into outbox (event_id, user_id, type, event)
        select ${event.id}, ${event.userId}, ${event.type}, ${JSON.stringify(event)}::jsonb from inserted
      )
      select ${blobColumns()} from inserted`.compile(this.db);
    const [row] = await queryPrepared(this.database, statement);
    if (row) return toBlob(row);
    // Nothing stored: a reference is not the user's (this throws), or no room by that count.
    await references?.();
    return this.db.transaction().execute(async (trx) => {
      const usage = await this.lockUsage(trx, blob.userId);
      admit?.(usage);
      return this.insert(trx, blob, event);
    });
  }

  /**
   * As `create`, once per idempotency key: one statement counts the blob against the room
   * `admit.before` leaves and inserts it unless its key is stored. A key found stored (a
   * redelivery) gives its room back and answers the stored blob; no room by that count goes
   * the locked way, which refuses with the reason (or finds the key stored).
   */
  async createOnce(
    blob: NewBlob & { idempotencyKey: string },
    event: StudioEvent,
    admit?: Admit,
    references?: References,
  ): Promise<{ blob: Blob; created: boolean }> {
    return (await this.createOnceIf(null, blob, event, admit, references))!;
  }

  /**
   * `createOnce` whose statement also requires `guard` (when given): it is checked with the room
   * and the references, so a false guard stores and counts nothing, and answers null.
   */
  async createOnceIf(
    guard: Guard | null,
    blob: NewBlob & { idempotencyKey: string },
    event: StudioEvent,
    admit?: Admit,
    references?: References,
    also?: AlsoWrite,
  ): Promise<{ blob: Blob; created: boolean; alsoDone?: boolean } | null> {
    BASE_CATALOG.check(event);
    const usage = await charge(blob, admit, references, guard ?? undefined);
    const statement = sql<
      Selectable<BlobsTable> & { charged: number; guarded: boolean; also_done: number }
    >`
      with usage as (${usage}), inserted as (
        insert into blobs (id, user_id, processor_id, schema_id, data, size, parent_id, book_id, conversation_id, idempotency_key, provenance)
        select ${blob.id}, ${blob.userId}, ${blob.processorId}, ${blob.schemaId}, ${blob.json ?? JSON.stringify(blob.data)},
               ${blob.size}, ${blob.parentId}, ${blob.bookId}, ${blob.conversationId}, ${blob.idempotencyKey},
               ${blob.provenance ? JSON.stringify(blob.provenance) : null}
        from usage
        on conflict (idempotency_key) do nothing
        returning ${blobColumns()}
      ), queued as (
        insert into outbox (event_id, user_id, type, event)
        select ${event.id}, ${event.userId}, ${event.type}, ${JSON.stringify(event)}::jsonb from inserted
      )${also ? sql`, ${also.ctes}` : sql``}
      select (select count(*) from usage)::int as charged, ${guard ?? sql`true`} as guarded,
             ${also ? sql`(select count(*) from also_done)::int` : sql`0`} as also_done,
             ${blobColumns('inserted')}
      from (select 1) as one left join inserted on true`.compile(this.db);
    const [row] = await queryPrepared(this.database, statement);
    if (row?.id) return { blob: toBlob(row), created: true, alsoDone: row.also_done > 0 };
    // The guard was false (in the same snapshot as the insert's own look): nothing written.
    if (row && !row.guarded) return null;
    if (row?.charged) {
      await sql`update blob_usage set blobs = blobs - 1, bytes = bytes - ${blob.size},
                  current_bytes = current_bytes - ${blob.size}
                where user_id = ${blob.userId}`.execute(this.db);
      const stored = await this.byKey(this.db, blob.idempotencyKey);
      if (stored) return { blob: stored, created: false };
    }
    // Nothing stored: a reference is not the user's (this throws), or no room by that count.
    await references?.();
    return this.db.transaction().execute(async (trx) => {
      const usage = await this.lockUsage(trx, blob.userId);
      // A redelivery finds its blob stored and is not refused for the room it already takes.
      const stored = await this.byKey(trx, blob.idempotencyKey);
      if (stored) return { blob: stored, created: false };
      admit?.(usage);
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
    BASE_CATALOG.check(event);
    // Counted only when the row is really inserted: `counted` reads `inserted`.
    const { rows } = await sql<Selectable<BlobsTable>>`
      with inserted as (
        insert into blobs (id, user_id, processor_id, schema_id, data, size, parent_id, book_id, conversation_id, idempotency_key, provenance)
        values (${blob.id}, ${blob.userId}, ${blob.processorId}, ${blob.schemaId}, ${blob.json ?? JSON.stringify(blob.data)},
                ${blob.size}, ${blob.parentId}, ${blob.bookId}, ${blob.conversationId}, ${blob.idempotencyKey},
                ${blob.provenance ? JSON.stringify(blob.provenance) : null})
        on conflict (idempotency_key) do nothing
        returning *
      ), queued as (
        insert into outbox (event_id, user_id, type, event)
        select ${event.id}, ${event.userId}, ${event.type}, ${JSON.stringify(event)}::jsonb from inserted
      ), ${counted}
      select * from inserted`.execute(db);
    if (rows[0]) return { blob: toBlob(rows[0]), created: true };
    // Stored before, by a write that did not hold this user's usage lock (keys are unique across
    // users): that one stands.
    const existing = await this.byKey(db, blob.idempotencyKey);
    if (!existing) throw new Error(`blob with idempotency key ${blob.idempotencyKey} vanished`);
    return { blob: existing, created: false };
  }

  async update(
    userId: string,
    id: string,
    change: Pick<BlobChange, 'schemaId' | 'data' | 'size' | 'json' | 'expectedVersion'>,
    event: StudioEvent,
    admit?: Admit,
  ): Promise<Blob | null> {
    return (await this.updateAll(userId, [{ id, ...change, event }], admit))?.[0] ?? null;
  }

  async updateAll(
    userId: string,
    changes: readonly BlobChange[],
    admit?: Admit,
  ): Promise<Blob[] | null> {
    const ids = changes.map((c) => c.id.toLowerCase());
    if (ids.length === 0) return [];
    if (!ids.every(isUuid) || new Set(ids).size !== ids.length) return null;
    return this.db.transaction().execute(async (trx) => {
      const usage = await this.lockUsage(trx, userId);
      const rows = await lockLiveQuery(trx, userId, ids).execute();
      const byId = new Map(rows.map((r) => [r.id.toLowerCase(), r]));
      const currents = ids.map((id) => byId.get(id));
      // All or nothing: one absent or moved-on blob and nothing is written.
      for (const [i, current] of currents.entries()) {
        const expected = changes[i]!.expectedVersion;
        if (!current || (expected != null && current.version !== expected)) return null;
      }
      admit?.(usage);
      const updated: Blob[] = [];
      for (const [i, change] of changes.entries()) {
        const current = currents[i]!;
        await trx
          .insertInto('blob_versions')
          .values({
            blob_id: current.id,
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
            data: change.json ?? JSON.stringify(change.data),
            schema_id: change.schemaId,
            size: change.size,
            version: current.version + 1,
            updated_at: new Date(),
          })
          .where('id', '=', current.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        // The old content stays as a version and keeps counting: only the new bytes are added.
        await this.count(trx, userId, {
          blobs: 0,
          bytes: change.size,
          currentBytes: change.size - current.size,
        });
        await trx
          .insertInto('outbox')
          .values(outboxRowOf(withVersion(change.event, row.version)))
          .execute();
        updated.push(toBlob(row));
      }
      return updated;
    });
  }

  async softDelete(userId: string, id: string, event: StudioEvent): Promise<Blob | null> {
    if (!isUuid(id)) return null;
    return this.db.transaction().execute(async (trx) => {
      await this.lockUsage(trx, userId);
      const row = await softDeleteQuery(trx, userId, id).executeTakeFirst();
      if (!row) return null;
      // The blob and its versions stop counting. Updates of this blob queue on the usage lock
      // this transaction holds, so no version can be added between this sum and the commit.
      const versions = await trx
        .selectFrom('blob_versions')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), sql<number>`0`).as('bytes'))
        .where('blob_id', '=', id)
        .executeTakeFirstOrThrow();
      await this.count(trx, userId, {
        blobs: -1,
        bytes: -(row.size + Number(versions.bytes)),
        currentBytes: -row.size,
      });
      await trx.insertInto('outbox').values(outboxRowOf(event)).execute();
      return toBlob(row);
    });
  }

  async findById(userId: string, id: string): Promise<Blob | null> {
    if (!isUuid(id)) return null;
    // By id alone, the owner and deletion checked here: with them in the statement, a table not
    // yet analyzed was read through the user's partial index (see liveBlobOf).
    const row = await this.db
      .selectFrom('blobs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row && row.user_id === userId && row.deleted_at === null ? toBlob(row) : null;
  }

  /**
   * A blob with its parent and derived blobs. Reads made in the same turn of the event loop, by
   * any request of any user, go to the database as one statement (`familyReads`): under
   * concurrent reads, one round trip serves several requests.
   */
  async findWithFamily(
    userId: string,
    id: string,
    include: { parent: boolean; derived: boolean },
    cap?: DataCap,
  ): Promise<BlobFamily | null> {
    if (!isUuid(id)) return null;
    return this.familyReads.load({
      userId,
      id,
      parent: include.parent,
      derived: include.derived,
      ...(cap ? { cap } : {}),
    });
  }

  private readonly familyReads = new DataLoader<FamilyKey, BlobFamily | null>(
    (keys) => this.readFamilies(keys),
    {
      cache: false,
      // The turn's I/O callbacks (each request that reached its resolver in it) come first.
      batchScheduleFn: (run) => setImmediate(run),
      maxBatchSize: FAMILY_BATCH,
    },
  );

  /**
   * The families of `keys`, in one statement whose text does not depend on their number (so it is
   * prepared once). Each key's rows are matched on its own user: a batch mixes users, and no row
   * of one user can answer another's key. A key with a large blob or many derived ones is read
   * again on its own (`FAMILY_BATCH_DERIVED`, `FAMILY_BATCH_ROW_BYTES`).
   */
  private async readFamilies(keys: readonly FamilyKey[]): Promise<(BlobFamily | null)[]> {
    const rows = await queryPrepared(this.database, familiesQuery(keys).compile(this.db));
    const families: (BlobFamily | null)[] = keys.map(() => null);
    const heavy = new Set<number>();
    for (const row of rows) {
      const at = row.i - 1;
      if (row.size > FAMILY_BATCH_ROW_BYTES) heavy.add(at);
      if (heavy.has(at)) continue;
      if (row.role === 0) {
        families[at] = { blob: toBlob(row), parent: null, derived: [] };
        continue;
      }
      // The blob's own row sorts first; without it (not this user's, or deleted) there is none.
      const family = families[at];
      if (!family) continue;
      if (row.role === 1) family.parent = toBlob(row);
      else family.derived.push(toBlob(row));
    }
    return Promise.all(
      families.map((family, at) =>
        heavy.has(at) || (family && family.derived.length > FAMILY_BATCH_DERIVED)
          ? this.readFamily(keys[at]!)
          : family,
      ),
    );
  }

  /**
   * One key's family, its derived blobs all read (see `readFamilies`): within the key's cap when
   * it has one (a blob and its parent are a megabyte each at most).
   */
  private async readFamily(key: FamilyKey): Promise<BlobFamily | null> {
    const { userId, id, cap } = key;
    const visible = sql`user_id = ${userId} and deleted_at is null`;
    // The blob and its parent by id alone (see liveBlobOf): OFFSET 0 keeps the user and
    // deleted_at checks out of the lookup.
    const parts = [
      sql`select ${blobColumns('b')}, false as withheld, 0 as role
        from (select * from blobs where id = ${id} offset 0) b where ${visible}`,
    ];
    if (key.parent) {
      parts.push(sql`select ${blobColumns('p')}, false as withheld, 1 as role
        from (select * from blobs where id = (select c.parent_id
            from (select * from blobs where id = ${id} offset 0) c where ${visible}) offset 0) p
        where ${visible}`);
    }
    if (key.derived && cap) {
      parts.push(sql`select * from (select ${cappedColumns(cap.bytes)}, 2 as role from (
          select ${blobColumns()}, ${running(sql`seq`)} from blobs
          where parent_id = ${id} and ${visible} order by seq
          ${cap.rows === undefined ? sql`` : sql`limit ${cap.rows + 1}`}
        ) r) d`);
    } else if (key.derived) {
      parts.push(sql`select ${blobColumns('d')}, false as withheld, 2 as role from blobs d
        where d.parent_id = ${id} and ${visible}`);
    }
    const rows = await queryPrepared(
      this.database,
      sql<CappedRow & { role: number }>`${sql.join(parts, sql` union all `)}
        order by role, seq`.compile(this.db),
    );
    const self = rows.find((r) => r.role === 0);
    if (!self) return null;
    const parent = rows.find((r) => r.role === 1);
    return {
      blob: toBlob(self),
      parent: parent ? toBlob(parent) : null,
      derived: rows.filter((r) => r.role === 2).map(cappedBlob),
    };
  }

  /**
   * `inner` (whole blob rows in `order`, which must be the order it sorts by) read with data only
   * within `cap`, in the same order.
   */
  private async capped(
    // biome-ignore lint/suspicious/noExplicitAny: any select of whole `blobs` rows
    inner: SelectQueryBuilder<DB, 'blobs', any>,
    order: RawBuilder<unknown>,
    cap: DataCap,
  ): Promise<Blob[]> {
    // Sizes are at least 1 byte, so the running sum orders the rows as `inner` does.
    const { rows } = await sql<CappedRow>`select ${cappedColumns(cap.bytes)}
      from (${inner.select(running(order))}) r order by r.running`.execute(this.db);
    return rows.map(cappedBlob);
  }

  async findByIds(userId: string, ids: readonly string[], cap?: DataCap): Promise<Blob[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const q = byIdsQuery(this.db, userId, valid);
    if (cap) return this.capped(q.orderBy('seq'), sql`seq`, cap);
    return (await q.execute()).map(toBlob);
  }

  async findByParents(
    userId: string,
    parentIds: readonly string[],
    cap?: DataCap,
  ): Promise<Blob[]> {
    const valid = parentIds.filter(isUuid);
    if (valid.length === 0) return [];
    const q = this.visible(userId).where('parent_id', 'in', valid).orderBy('seq');
    if (cap) return this.capped(cap.rows === undefined ? q : q.limit(cap.rows + 1), sql`seq`, cap);
    return (await q.execute()).map(toBlob);
  }

  async list(
    userId: string,
    filter: BlobFilter,
    order: BlobOrder,
    first: number,
    afterSeq: number | null,
    cap?: DataCap & { shorten?: boolean },
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
    const ordered = q.orderBy('seq', newest ? 'desc' : 'asc').limit(first + 1);
    if (cap)
      return pageOf(await this.capped(ordered, newest ? sql`seq desc` : sql`seq`, cap), first, cap);
    const rows = await ordered.execute();
    return { blobs: rows.slice(0, first).map(toBlob), hasNextPage: rows.length > first };
  }

  async chaptersOf(userId: string, bookId: string, limit?: number, cap?: DataCap): Promise<Blob[]> {
    if (!isUuid(bookId)) return [];
    const q = this.visible(userId)
      .where('book_id', '=', bookId)
      .where('parent_id', 'is', null)
      .orderBy(CHAPTER_ORDER)
      .$if(limit !== undefined, (q) => q.limit(limit!));
    if (cap) return this.capped(q, CHAPTER_ORDER, cap);
    return (await q.execute()).map(toBlob);
  }

  async versions(userId: string, id: string, cap?: DataCap): Promise<BlobVersion[]> {
    const current = await this.findById(userId, id);
    if (!current) return [];
    const earlier = this.db
      .selectFrom('blob_versions')
      .select(['blob_id', 'version', 'schema_id', 'data', 'size', 'created_at'])
      .where('blob_id', '=', id)
      .orderBy('version');
    if (!cap) {
      const rows = await earlier.execute();
      return [...rows.map((r) => ({ ...versionOf(r), data: r.data })), currentVersion(current)];
    }
    const { rows } = await sql<
      Selectable<DB['blob_versions']> & { running: string; withheld: boolean }
    >`select blob_id, version, schema_id, size, created_at, running,
        case when running <= ${cap.bytes} then data end as data, running > ${cap.bytes} as withheld
      from (${earlier
        .select(
          sql<number>`sum(size) over (order by version rows unbounded preceding)`.as('running'),
        )
        .$if(cap.rows !== undefined, (q) => q.limit(cap.rows! + 1))}) r
      order by version`.execute(this.db);
    const versions: BlobVersion[] = rows.map((r) =>
      r.withheld
        ? { ...versionOf(r), data: undefined, withheld: true }
        : { ...versionOf(r), data: r.data },
    );
    const before = Number(rows.at(-1)?.running ?? 0);
    const last = currentVersion(current);
    versions.push(
      before + current.size > cap.bytes ? { ...last, data: undefined, withheld: true } : last,
    );
    return versions;
  }

  async versionOf(userId: string, id: string, version: number): Promise<BlobVersion | null> {
    const current = await this.findById(userId, id);
    if (!current) return null;
    if (version === current.version) return currentVersion(current);
    const r = await this.db
      .selectFrom('blob_versions')
      .selectAll()
      .where('blob_id', '=', current.id)
      .where('version', '=', version)
      .executeTakeFirst();
    return r ? { ...versionOf(r), data: r.data } : null;
  }

  async stats(userId: string): Promise<{ count: number; totalSize: number }> {
    const row = await this.usageRow(userId);
    return { count: Number(row?.blobs ?? 0), totalSize: Number(row?.current_bytes ?? 0) };
  }
}

/** A version row without its data. */
function versionOf(r: Omit<Selectable<DB['blob_versions']>, 'data'>): Omit<BlobVersion, 'data'> {
  return {
    blobId: r.blob_id,
    version: r.version,
    schemaId: r.schema_id,
    size: r.size,
    createdAt: r.created_at,
  };
}
