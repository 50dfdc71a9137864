/**
 * Opens the database: PostgreSQL when `DATABASE_URL` is set, otherwise PGlite (real Postgres in
 * WebAssembly) in the data folder, reached through a loopback socket so that both run the same
 * `pg` + Kysely code path, the same SQL and the same migrations.
 */
import { mkdir } from 'node:fs/promises';
import { Kysely, type LogEvent, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config';
import type { DB } from './types';

// bigint (int8) as string would surprise every caller: counts and sums fit in a JS number here.
pg.types.setTypeParser(20, (value: string) => Number(value));

export interface Database {
  readonly db: Kysely<DB>;
  readonly pool: pg.Pool;
  /** 'postgres' or 'pglite': which engine answers. */
  readonly kind: 'postgres' | 'pglite';
  /** Counts statements run through Kysely; tests use it to prove batching. */
  readonly stats: { queries: number };
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Pool size for PostgreSQL. PGlite is single-connection, so it always gets 1. */
  poolSize?: number;
  /** PGlite data folder; defaults to `<dataDir>/pglite`. `memory://` keeps it in memory. */
  pgliteDir?: string;
}

export async function openDatabase(config: Config, options: OpenOptions = {}): Promise<Database> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: options.poolSize ?? 10 });
    return wrap(pool, 'postgres', async () => {});
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = options.pgliteDir ?? `${config.dataDir}/pglite`;
  if (!dir.startsWith('memory://')) await mkdir(dir, { recursive: true });
  const lite = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db: lite, port: 0, host: '127.0.0.1' });
  await server.start();
  const address = server.getServerConn();
  const pool = new pg.Pool({
    connectionString: `postgres://postgres@${address}/postgres`,
    max: 1,
  });
  return wrap(pool, 'pglite', async () => {
    await server.stop();
    await lite.close();
  });
}

function wrap(pool: pg.Pool, kind: Database['kind'], after: () => Promise<void>): Database {
  const stats = { queries: 0 };
  // An idle client that loses its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: (event: LogEvent) => {
      if (event.level === 'query') stats.queries += 1;
    },
  });
  let closed = false;
  return {
    db,
    pool,
    kind,
    stats,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await after();
    },
  };
}
