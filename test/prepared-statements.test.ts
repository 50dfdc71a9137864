/**
 * Statements run as named prepared statements (src/db/prepared.ts): a text is prepared on its
 * connection from its second run, keeps working when a table under its plan changes, and on
 * PGlite, whose one session outlives a connection, after the pool replaces its connection.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useHarness } from './support/harness';

const h = useHarness();

describe('named prepared statements', () => {
  it('prepares a text on its second run and runs it afresh after its table changed', async () => {
    const { db } = h().app.database;
    const name = `plan_probe_${randomBytes(4).toString('hex')}`;
    const table = sql.table(name);
    try {
      await db.connection().execute(async (c) => {
        await sql`create table ${table} (id int)`.execute(c);
        await sql`insert into ${table} values (1)`.execute(c);
        const read = () => sql<Record<string, unknown>>`select * from ${table}`.execute(c);
        await read();
        await read();
        // Prepared on this connection: the database lists it.
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_prepared_statements
          where statement like ${`%from "${name}"%`}`.execute(c);
        expect(rows[0]!.n).toBe(1);
        // A newer instance migrates the table: the kept plan no longer fits its rows.
        await sql`alter table ${table} add column extra text default 'added'`.execute(c);
        expect((await read()).rows).toEqual([{ id: 1, extra: 'added' }]);
        expect((await read()).rows).toEqual([{ id: 1, extra: 'added' }]);
      });
    } finally {
      await sql`drop table if exists ${table}`.execute(db);
    }
  });

  it('keeps working when the pool replaces its connection', async () => {
    const { db, pool } = h().app.database;
    const read = () =>
      sql<{
        n: number;
      }>`select count(*)::int as n from schemas where id = ${'text-input-v1'}`.execute(db);
    await read();
    await read();
    // Every idle connection is closed, as the pool does after its idle timeout: the next query
    // runs on a new one (on PGlite, in the same session, where the statement was prepared).
    const held = await Promise.all(
      Array.from({ length: pool.totalCount || 1 }, () => pool.connect()),
    );
    for (const client of held) client.release(true);
    expect((await read()).rows).toEqual([{ n: 1 }]);
    expect((await read()).rows).toEqual([{ n: 1 }]);
  });
});
