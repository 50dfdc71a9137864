/**
 * Opens the database: PostgreSQL when `DATABASE_URL` is set, otherwise PGlite (real Postgres in
 * WebAssembly) in the data folder, which `pg` reaches through an in-process stream, so that both
 * run the same `pg` + Kysely code path, the same SQL and the same migrations.
 */
import { mkdir } from 'node:fs/promises';
import { Kysely, type LogEvent, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config';
import { LocalEngine } from './pglite-engine';
import { type Maintenance, startMaintenance } from './pglite-maintenance';
import { PgliteStream } from './pglite-stream';
import { startPgliteThread } from './pglite-thread';
import { namingPool } from './prepared';
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
  /** Pool size for PostgreSQL (PGlite has a pool of its own size, see below). */
  poolSize?: number;
  /** PGlite data folder; defaults to `<dataDir>/pglite`. `memory://` keeps it in memory. */
  pgliteDir?: string;
  /**
   * Told about connection errors the pool recovers from by itself (a server restart or crash):
   * the request that used the connection fails, and the pool opens a new one for the next.
   */
  onConnectionError?: (error: Error) => void;
  /**
   * PGlite in a worker thread of its own (the default), or in this thread. In its own thread, its
   * CPU runs beside this thread's instead of between its requests.
   */
  pgliteThread?: boolean;
  /** Told when the embedded database's maintenance (see pglite-maintenance.ts) fails a look. */
  onMaintenanceError?: (error: unknown) => void;
}

/**
 * A request waits at most this long for a connection: with the server gone, pg would otherwise
 * queue requests behind connection attempts with no end, and /readyz could not answer in time.
 */
const CONNECT_TIMEOUT_MS = 5_000;

export async function openDatabase(config: Config, options: OpenOptions = {}): Promise<Database> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: config.databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    return wrap(pool, 'postgres', options, async () => {});
  }
  const dir = options.pgliteDir ?? `${config.dataDir}/pglite`;
  if (!dir.startsWith('memory://')) await mkdir(dir, { recursive: true });
  const engine =
    (options.pgliteThread ?? true)
      ? await startPgliteThread(dir)
      : new LocalEngine(await (await import('@electric-sql/pglite')).PGlite.create(dir));
  const pool = new pg.Pool({
    // No socket: each connection is a stream to PGlite in this process (see pglite-stream.ts),
    // so no other process can reach the database, and no statement pays for system calls.
    stream: () => new PgliteStream(engine),
    user: 'postgres',
    database: 'postgres',
    // PGlite runs one statement at a time, but in its own thread it takes the next from a queue:
    // several connections keep that queue fed while this thread handles the answers.
    max: 4,
    // The connection is to this process: nothing is saved by closing it when idle.
    idleTimeoutMillis: 0,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // PGlite has no autovacuum: without this its tables are never analyzed nor vacuumed.
  let maintenance: Maintenance | undefined;
  const database = wrap(
    pool,
    'pglite',
    options,
    () => engine.close(),
    async () => maintenance?.stop(),
  );
  maintenance = startMaintenance(pool, { onError: options.onMaintenanceError });
  return database;
}

function wrap(
  pool: pg.Pool,
  kind: Database['kind'],
  options: OpenOptions,
  after: () => Promise<void>,
  before: () => Promise<void> = async () => {},
): Database {
  const stats = { queries: 0 };
  const report = (error: Error) => options.onConnectionError?.(error);
  // An idle client that loses its server (restart, failover) emits on the pool; a checked-out
  // one emits on itself, and an 'error' event with no listener ends the process. Both are only
  // a lost connection: the query in flight rejects, and pg discards the client.
  pool.on('error', report);
  pool.on('connect', (client) => {
    client.on('error', report);
  });
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: namingPool(pool) }),
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
      await before();
      await db.destroy();
      await after();
    },
  };
}
