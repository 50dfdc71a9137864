/**
 * The lookups the pipeline's statements make of one blob (is the parent a live blob of the user;
 * which version is the input at) go by the primary key, whatever the table's statistics say.
 *
 * Written as `id = $1 and user_id = $2 and deleted_at is null`, such a lookup left PostgreSQL a
 * near tie with the partial index `blobs_user_seq (user_id, seq) where deleted_at is null`, and on
 * a table not yet analyzed (every new database, for its first minute) the partial index won: each
 * lookup then read every live blob of the user. This writes a user with many blobs into a table
 * that was never analyzed and asks the planner what it would do, in a prepared statement's
 * generic plan (the user unknown) as the pool's named statements use. The statements that lock,
 * delete or read blobs named by id (`ownedLive`) are held to the same.
 */
import { type RawBuilder, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  byIdsQuery,
  familiesQuery,
  liveBlobOf,
  liveVersionOf,
  lockLiveQuery,
  softDeleteQuery,
} from '../src/blobs/pg-blob-store';
import { type Harness, startHarness, stopHarness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => stopHarness(h));

/** The generic plan of `select <expression>` with the blob id as $1 and the user as $2. */
async function planOf(
  make: (id: RawBuilder<unknown>, user: RawBuilder<unknown>) => RawBuilder<unknown>,
  id: string,
  user: string,
): Promise<string> {
  const { db } = h.app.database;
  return await db.connection().execute(async (conn) => {
    const name = `plan_${crypto.randomUUID().replaceAll('-', '')}`;
    const expression = make(sql.raw('$1::uuid'), sql.raw('$2::text'));
    await sql`prepare ${sql.raw(name)} as select ${expression} as v`.execute(conn);
    try {
      await sql`set plan_cache_mode = force_generic_plan`.execute(conn);
      const { rows } = await sql<{
        'QUERY PLAN': string;
      }>`explain (costs off) execute ${sql.raw(name)}(${sql.lit(id)}::uuid, ${sql.lit(user)}::text)`.execute(
        conn,
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await sql`reset plan_cache_mode`.execute(conn);
      await sql`deallocate ${sql.raw(name)}`.execute(conn);
    }
  });
}

/** A parameter as SQL text: what `explain execute` needs (it takes no bound parameters). */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `'{${value.map((v) => String(v)).join(',')}}'`;
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (value instanceof Date) return `'${value.toISOString()}'`;
  return String(value);
}

/** The generic plan (and the rows) of a compiled query, its parameters written in. */
async function planOfQuery(query: {
  sql: string;
  parameters: readonly unknown[];
}): Promise<string> {
  const { db } = h.app.database;
  return await db.connection().execute(async (conn) => {
    const name = `plan_${crypto.randomUUID().replaceAll('-', '')}`;
    await sql`prepare ${sql.raw(name)} as ${sql.raw(query.sql)}`.execute(conn);
    try {
      await sql`set plan_cache_mode = force_generic_plan`.execute(conn);
      const args = query.parameters.map(literal).join(', ');
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain (costs off) execute ${sql.raw(
        name,
      )}(${sql.raw(args)})`.execute(conn);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await sql`reset plan_cache_mode`.execute(conn);
      await sql`deallocate ${sql.raw(name)}`.execute(conn);
    }
  });
}

describe('a lookup of one blob by id', () => {
  let user: string;
  let someId: string;
  beforeAll(async () => {
    user = h.user('many');
    // Many live blobs of one user, straight into the table (no ANALYZE since).
    const { rows } = await sql<{ id: string }>`
      insert into blobs (user_id, processor_id, schema_id, data, size)
      select ${user}, 'user-input', 'text-input-v1', jsonb_build_object('content', 'x' || g), 20
      from generate_series(1, 2000) g
      returning id`.execute(h.app.database.db);
    someId = rows[500]!.id;
  });

  it('finds whether a blob is a live blob of the user by the primary key', async () => {
    const plan = await planOf(liveBlobOf, someId, user);
    expect(plan).toContain('blobs_pkey');
    expect(plan).not.toContain('blobs_user_seq');
  });

  it("reads a live blob's version by the primary key", async () => {
    const plan = await planOf(liveVersionOf, someId, user);
    expect(plan).toContain('blobs_pkey');
    expect(plan).not.toContain('blobs_user_seq');
  });

  it("reads a family (the blob, its parent, its derived blobs) by the primary key and the parent's index", async () => {
    const { db } = h.app.database;
    const keys = [{ id: someId, userId: user, parent: true, derived: true }];
    const plan = await planOfQuery(familiesQuery(keys).compile(db));
    expect(plan).toContain('blobs_pkey');
    expect(plan).toContain('blobs_parent');
    expect(plan).not.toContain('blobs_user_seq');
    expect(plan).not.toContain('blobs_book');
    expect(plan).not.toContain('blobs_conversation');
    expect(plan).not.toContain('Seq Scan on blobs');
  });

  it('locks, deletes and reads blobs named by id through the primary key, checking the owner on the rows found', async () => {
    const { db } = h.app.database;
    const other = crypto.randomUUID();
    for (const query of [
      lockLiveQuery(db, user, [someId, other]),
      softDeleteQuery(db, user, someId),
      byIdsQuery(db, user, [someId, other]),
    ]) {
      const plan = await planOfQuery(query.compile());
      expect(plan).toContain('blobs_pkey');
      expect(plan).not.toContain('blobs_user_seq');
      expect(plan).not.toContain('Seq Scan on blobs');
    }
  });

  it('finds only the live blobs of the owner among the ids, and locks and deletes nothing else', async () => {
    const { db } = h.app.database;
    const stranger = h.user('stranger');
    const [mine, theirs, gone] = (
      await sql<{ id: string }>`
        insert into blobs (user_id, processor_id, schema_id, data, size, deleted_at)
        values (${user}, 'user-input', 'text-input-v1', '{"content":"mine"}', 20, null),
               (${stranger}, 'user-input', 'text-input-v1', '{"content":"theirs"}', 20, null),
               (${user}, 'user-input', 'text-input-v1', '{"content":"gone"}', 20, now())
        returning id`.execute(db)
    ).rows.map((r) => r.id);
    const ids = [mine!, theirs!, gone!, crypto.randomUUID()];
    expect((await byIdsQuery(db, user, ids).execute()).map((r) => r.id)).toEqual([mine]);
    // The lock takes the owner's row alone: a row this transaction locked carries its id in
    // xmax (read in the same session: PGlite has only one).
    await db.transaction().execute(async (trx) => {
      expect((await lockLiveQuery(trx, user, ids).execute()).map((r) => r.id)).toEqual([mine]);
      const locked = await sql<{ id: string }>`select id from blobs
        where id in (${mine}, ${theirs}, ${gone}) and xmax::text = txid_current()::text`.execute(
        trx,
      );
      expect(locked.rows.map((r) => r.id)).toEqual([mine]);
    });
    expect(await softDeleteQuery(db, user, theirs!).executeTakeFirst()).toBeUndefined();
    expect(await softDeleteQuery(db, user, gone!).executeTakeFirst()).toBeUndefined();
    expect((await softDeleteQuery(db, user, mine!).executeTakeFirst())?.id).toBe(mine);
    const left = await sql<{
      id: string;
      deleted: boolean;
    }>`select id, deleted_at is not null as deleted
      from blobs where id in (${mine}, ${theirs}) order by deleted`.execute(db);
    expect(left.rows).toEqual([
      { id: theirs, deleted: false },
      { id: mine, deleted: true },
    ]);
  });

  it('answers as the three conditions would: the owner, live, and absent ids', async () => {
    const { db } = h.app.database;
    const ask = async (id: string, owner: string) =>
      (
        await sql<{ live: boolean; version: number | null }>`select
          ${liveBlobOf(sql`${id}::uuid`, sql`${owner}`)} as live,
          ${liveVersionOf(sql`${id}::uuid`, sql`${owner}`)} as version`.execute(db)
      ).rows[0]!;
    expect(await ask(someId, user)).toEqual({ live: true, version: 1 });
    expect(await ask(someId, h.user('other'))).toEqual({ live: false, version: null });
    expect(await ask(crypto.randomUUID(), user)).toEqual({ live: false, version: null });
    await sql`update blobs set deleted_at = now() where id = ${someId}`.execute(db);
    expect(await ask(someId, user)).toEqual({ live: false, version: null });
  });
});
