/**
 * Named prepared statements for the few statements every request runs (a blob with its family,
 * createBlob's insert). PostgreSQL parses and plans a named statement once per connection and
 * then only binds and executes it, and the driver sends no Parse message after the first time.
 * Only fixed statement texts go through here: each distinct text is one statement kept by every
 * connection for its lifetime.
 *
 * On PostgreSQL only. PGlite serves every pool connection from one session, where a name one
 * connection prepared already exists for the next: there the statement runs unnamed, as Kysely
 * runs the rest.
 */
import { createHash } from 'node:crypto';
import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import type { Database } from './database';

/** What a prepared query runs on: the pool, which engine it is, and the statement count. */
export type PreparedTarget = Pick<Database, 'kind' | 'stats'> & { pool: Pick<pg.Pool, 'connect'> };

/** Statement names by text, for the fixed texts that use them. */
const names = new Map<string, string>();
const MAX_NAMED = 64;

/** The rows of `query`, run on `pool` as a named prepared statement. */
export async function queryPrepared<R extends pg.QueryResultRow>(
  database: PreparedTarget,
  query: CompiledQuery<R>,
): Promise<R[]> {
  database.stats.queries += 1;
  const values = [...query.parameters];
  if (database.kind !== 'postgres') {
    return (await onPoolClient(database.pool, (c) => c.query<R>({ text: query.sql, values }))).rows;
  }
  let name = names.get(query.sql);
  if (name === undefined) {
    if (names.size >= MAX_NAMED) throw new Error('queryPrepared is for a few fixed statements');
    name = `reyna_${createHash('sha256').update(query.sql).digest('hex').slice(0, 24)}`;
    names.set(query.sql, name);
  }
  const named = name;
  return (
    await onPoolClient(database.pool, (c) => c.query<R>({ name: named, text: query.sql, values }))
  ).rows;
}

/**
 * Runs `use` on a client of `pool` and gives the client back as Kysely does, also after a
 * statement's error (`pool.query` would close the connection then: PGlite serves every pool
 * connection from one session, which a closed connection ends). A lost connection is still
 * dropped by the pool when its error arrives.
 */
export async function onPoolClient<T>(
  pool: Pick<pg.Pool, 'connect'>,
  use: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    return await use(client);
  } finally {
    client.release();
  }
}
