/**
 * Opens the database: PostgreSQL when `DATABASE_URL` is set, otherwise PGlite (real Postgres in
 * WebAssembly) in the data folder, reached through a Unix socket of this process's own so that
 * both run the same `pg` + Kysely code path, the same SQL and the same migrations.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, type LogEvent, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config';
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
  /** Pool size for PostgreSQL. PGlite is single-connection, so it always gets 1. */
  poolSize?: number;
  /** PGlite data folder; defaults to `<dataDir>/pglite`. `memory://` keeps it in memory. */
  pgliteDir?: string;
  /**
   * Told about connection errors the pool recovers from by itself (a server restart or crash):
   * the request that used the connection fails, and the pool opens a new one for the next.
   */
  onConnectionError?: (error: Error) => void;
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
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = options.pgliteDir ?? `${config.dataDir}/pglite`;
  if (!dir.startsWith('memory://')) await mkdir(dir, { recursive: true });
  const lite = await PGlite.create(dir);
  const { server, connection, cleanup } = await listenPrivately(lite, PGLiteSocketServer);
  const pool = new pg.Pool({
    ...connection,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    // The connection is to this process: nothing is saved by closing it when idle, and a query
    // then waits for a new one.
    idleTimeoutMillis: 0,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  return wrap(pool, 'pglite', options, async () => {
    await server.stop();
    await lite.close();
    await cleanup();
  });
}

type PGlite = import('@electric-sql/pglite').PGlite;

/**
 * Connections the socket server takes at once: the pool's one, and its replacement while the
 * server has not yet seen the one before close (with room for one only, the replacement was
 * refused and its first query failed with EPIPE).
 */
const REPLACEMENT_ROOM = 2;

/** The longest Unix socket path every platform takes (macOS: 103 bytes; Linux: 107). */
const MAX_SOCKET_PATH = 100;
type SocketServer = typeof import('@electric-sql/pglite-socket').PGLiteSocketServer;

/**
 * PGlite's socket, for `pg`: a Unix socket in a directory only this user can enter (mkdtemp makes
 * it 0700), named as pg looks for it. A loopback TCP port would let any local process in without
 * a password, and costs more CPU per statement (the kernel's TCP path on both ends). Where the
 * socket cannot be made (a temporary folder whose path is too long for one), loopback TCP.
 */
export async function listenPrivately(lite: PGlite, Server: SocketServer, under = tmpdir()) {
  const socketDir = await mkdtemp(join(under, 'reyna-pglite-'));
  const cleanup = () => rm(socketDir, { recursive: true, force: true });
  const path = join(socketDir, '.s.PGSQL.5432');
  // Checked here: given a longer path, libuv binds a truncated one (elsewhere) without an error.
  if (Buffer.byteLength(path) <= MAX_SOCKET_PATH) {
    const unix = new Server({ db: lite, path, maxConnections: REPLACEMENT_ROOM });
    try {
      await unix.start();
      return { server: unix, connection: { host: socketDir, port: 5432 }, cleanup };
    } catch {
      // Loopback TCP below.
    }
  }
  await cleanup();
  const tcp = new Server({
    db: lite,
    port: 0,
    host: '127.0.0.1',
    maxConnections: REPLACEMENT_ROOM,
  });
  await tcp.start();
  const [host, port] = tcp.getServerConn().split(':');
  return {
    server: tcp,
    connection: { host: host!, port: Number(port) },
    cleanup: async () => {},
  };
}

function wrap(
  pool: pg.Pool,
  kind: Database['kind'],
  options: OpenOptions,
  after: () => Promise<void>,
): Database {
  const stats = { queries: 0 };
  const report = (error: Error) => options.onConnectionError?.(error);
  // An idle client that loses its server (restart, failover) emits on the pool; a checked-out
  // one emits on itself, and an 'error' event with no listener ends the process. Both are only
  // a lost connection: the query in flight rejects, and pg discards the client.
  pool.on('error', report);
  pool.on('connect', (client) => {
    client.on('error', report);
    // PGlite's one session outlives a connection: the statements the one before prepared are
    // dropped before this one prepares them again (it runs before any query of the pool's).
    if (kind === 'pglite') void client.query('deallocate all').catch(() => {});
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
      await db.destroy();
      await after();
    },
  };
}
