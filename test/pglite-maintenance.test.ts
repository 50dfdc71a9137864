/**
 * The embedded database's maintenance (src/db/pglite-maintenance.ts): PGlite has no autovacuum,
 * and without statistics its planner read a blob by id and user through the (user_id, seq)
 * index, walking every blob of the user. Real PGlite, with the API's own tables.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { type Database, openDatabase } from '../src/db/database';
import { startMaintenance } from '../src/db/pglite-maintenance';

const config = loadConfig({
  REYNA_JWT_SECRET: 'maintenance-test-secret-long-enough-for-hs256',
  REYNA_LOG_LEVEL: 'silent',
  REYNA_PROCESSORS: 'none',
});

/** The index the plan of a read by id and user goes through. */
async function indexOfRead(database: Database, id: string, userId: string): Promise<string> {
  const { rows } = await sql<{ 'QUERY PLAN': string }>`
    explain select * from blobs where id = ${id} and user_id = ${userId} and deleted_at is null`.execute(
    database.db,
  );
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  return /using (\w+) on blobs/.exec(plan)?.[1] ?? plan;
}

describe('the embedded database maintenance', () => {
  let database: Database;
  let app: Awaited<ReturnType<typeof createApp>>;
  let last: string;
  beforeAll(async () => {
    database = await openDatabase(config, { pgliteDir: 'memory://', pgliteThread: false });
    app = await createApp(config, { database });
    const first = await app.services.blobs.create('many', {
      schemaId: 'text-input-v1',
      data: { content: 'The first of many passages.' },
    });
    // 5,000 more of the same user's blobs, written as the API writes them (one row each).
    await sql`
      insert into blobs (user_id, schema_id, processor_id, data, size)
      select user_id, schema_id, processor_id, jsonb_build_object('content', 'Passage ' || n), 30
      from blobs, generate_series(1, 5000) n where id = ${first.id}`.execute(database.db);
    last = (
      await app.services.blobs.create('many', {
        schemaId: 'text-input-v1',
        data: { content: 'The last of many passages.' },
      })
    ).id;
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await database?.close();
  });

  it('analyzes the tables that grew, and a read by id then goes through the primary key', async () => {
    const maintenance = startMaintenance(database.pool, { everyMs: 3_600_000 });
    try {
      const done = await maintenance.runOnce();
      expect(done).toContain('blobs');
      const { rows } = await sql<{ analyzed: boolean }>`
        select coalesce(last_analyze, last_autoanalyze) is not null as analyzed
        from pg_stat_user_tables where relname = 'blobs'`.execute(database.db);
      expect(rows[0]?.analyzed).toBe(true);
      expect(await indexOfRead(database, last, 'many')).toBe('blobs_pkey');
      // Nothing changed since: the next look does nothing.
      expect(await maintenance.runOnce()).toEqual([]);
    } finally {
      await maintenance.stop();
    }
  });

  it('stops cleanly: a stopped maintenance runs no more looks, and the database closes', async () => {
    const maintenance = startMaintenance(database.pool, { everyMs: 10 });
    await maintenance.stop();
    await sql`insert into books (user_id, title) select 'many', 'Book ' || n from generate_series(1, 200) n`.execute(
      database.db,
    );
    await new Promise((r) => setTimeout(r, 50));
    const { rows } = await sql<{ analyzed: boolean }>`
      select last_analyze is not null as analyzed from pg_stat_user_tables where relname = 'books'`.execute(
      database.db,
    );
    expect(rows[0]?.analyzed).toBe(false);
  });
});
