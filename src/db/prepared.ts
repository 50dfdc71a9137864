/**
 * Named prepared statements. The database parses and plans a named statement once per
 * connection and then only binds and executes it, and the driver sends no Parse message after
 * the first time. Every statement Kysely runs goes through `namingPool`, and the few fixed texts
 * run without Kysely go through `queryPrepared`; `StatementNames` decides which texts get a name
 * (a bounded number: each is kept by every connection that runs it, for its lifetime).
 *
 * PGlite serves every pool connection from one session, where its engine gives each connection's
 * names a prefix of the connection's own and drops them when the connection ends
 * (`pglite-engine.ts`).
 */
import { createHash } from 'node:crypto';
import type { CompiledQuery, PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import type { Database } from './database';

/** What a prepared query runs on: the pool, which engine it is, and the statement count. */
export type PreparedTarget = Pick<Database, 'kind' | 'stats'> & { pool: Pick<pg.Pool, 'connect'> };

/**
 * Distinct texts one database's connections name at most. Each is kept by every connection that
 * runs it, for the connection's life: a few KB of the database's memory per statement and
 * connection.
 */
const MAX_NAMED = 200;
const MAX_SEEN = 4096;
/** A text with more parameters (a long list) runs unnamed: its length varies from run to run. */
const MAX_PARAMETERS = 64;
/** What can be prepared: a query or a data change, not a transaction's begin or a schema change. */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;

/** Which texts run named on one database's connections (see `nameOf`). */
class StatementNames {
  private readonly names = new Map<string, string>();
  /** Texts seen once: a text is named the second time it runs. */
  private readonly seen = new Set<string>();

  /**
   * The name `text` runs under as a prepared statement, or undefined to run it unnamed: a text
   * is named from its second run, up to MAX_NAMED texts (a text made once does not take a name).
   */
  nameOf(text: string, parameters: number): string | undefined {
    const name = this.names.get(text);
    if (name !== undefined) return name;
    if (this.names.size >= MAX_NAMED || parameters > MAX_PARAMETERS || !PREPARABLE.test(text))
      return undefined;
    if (!this.seen.has(text)) {
      if (this.seen.size >= MAX_SEEN) this.seen.clear();
      this.seen.add(text);
      return undefined;
    }
    this.seen.delete(text);
    const named = `reyna_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    this.names.set(text, named);
    return named;
  }
}

/** Each pool's names: its connections are the ones that keep them. */
const byPool = new WeakMap<object, StatementNames>();
function namesOf(pool: object): StatementNames {
  let names = byPool.get(pool);
  if (!names) {
    names = new StatementNames();
    byPool.set(pool, names);
  }
  return names;
}

/** The rows of `query`, run on `pool` as a named prepared statement. */
export async function queryPrepared<R extends pg.QueryResultRow>(
  database: PreparedTarget,
  query: CompiledQuery<R>,
): Promise<R[]> {
  database.stats.queries += 1;
  const values = [...query.parameters];
  const names = namesOf(database.pool);
  return (await onPoolClient(database.pool, (c) => runNamed<R>(names, c, query.sql, values))).rows;
}

/** `client.query` with the text's statement name, if it has one (see `StatementNames`). */
async function runNamed<R extends pg.QueryResultRow>(
  names: StatementNames,
  client: pg.PoolClient,
  text: string,
  values: unknown[],
): Promise<pg.QueryResult<R>> {
  const name = names.nameOf(text, values.length);
  if (name === undefined) return client.query<R>(text, values);
  try {
    return await client.query<R>({ name, text, values });
  } catch (error) {
    // A table under the kept plan changed (a newer instance migrated it): the connection drops
    // the statement and it runs afresh. Inside a transaction the retry fails too (the error
    // aborted it), and the first error is the one to report.
    if ((error as { code?: string }).code !== PLAN_CHANGED) throw error;
    await forget(client, name);
    return await client.query<R>(text, values).catch(() => Promise.reject(error));
  }
}

/** "cached plan must not change result type" */
const PLAN_CHANGED = '0A000';

/** Drops `name` on the connection, and from the driver's record of what it prepared there. */
async function forget(client: pg.PoolClient, name: string): Promise<void> {
  try {
    await client.query(`deallocate ${name}`);
  } catch {
    // In an aborted transaction: the statement stays, and so does the driver's record of it.
    return;
  }
  const connection = (client as unknown as { connection?: { parsedStatements?: object } })
    .connection;
  if (connection?.parsedStatements) Reflect.deleteProperty(connection.parsedStatements, name);
}

/**
 * The pool as Kysely's dialect takes it, with every statement Kysely runs named as
 * `StatementNames` says: the database parses and plans a named statement once per connection,
 * then only binds and runs it, and the driver sends no Parse message after the first time (on
 * PGlite, which runs in this process, a query by id costs half the CPU named).
 */
export function namingPool(pool: pg.Pool): PostgresPool {
  const names = namesOf(pool);
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let w = wrapped.get(client);
    if (!w) {
      w = {
        query: ((textOrCursor: unknown, values?: readonly unknown[]) =>
          typeof textOrCursor === 'string'
            ? runNamed(names, client, textOrCursor, [...(values ?? [])])
            : client.query(textOrCursor as never)) as unknown as PostgresPoolClient['query'],
        release: () => client.release(),
      };
      wrapped.set(client, w);
    }
    return w;
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
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
