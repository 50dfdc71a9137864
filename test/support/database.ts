/**
 * A fresh database for one test file: a new PostgreSQL database (dropped afterwards) or a new
 * in-memory PGlite, depending on the vitest project. With `CI` set, PostgreSQL must be reachable.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config';
import { type Database, openDatabase } from '../../src/db/database';

export type Backend = 'postgres' | 'pglite';
export const backend = (process.env.REYNA_TEST_BACKEND ?? 'postgres') as Backend;

/** The server the tests create their databases on. */
export const ADMIN_URL =
  process.env.REYNA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

export interface TestDatabase {
  database: Database;
  /** The connection string of the per-file database (PostgreSQL only). */
  url: string | undefined;
  drop(): Promise<void>;
}

/** The start of the names of the databases this test run creates (REYNA_TEST_RUN marks the run). */
export function testDatabasePrefix(run = process.env.REYNA_TEST_RUN): string {
  return `reyna_test_${run && /^[0-9a-f]+$/.test(run) ? `${run}_` : ''}`;
}

/** Creates an empty PostgreSQL database with a unique name; returns its URL and a dropper. */
export async function createPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${testDatabasePrefix()}${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

export async function openTestDatabase(): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const config = loadConfig({ REYNA_LOG_LEVEL: 'silent' });
    const database = await openDatabase(config, { pgliteDir: 'memory://' });
    return { database, url: undefined, drop: () => database.close() };
  }
  if (!(await postgresReachable())) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL}. The tests need it (set REYNA_TEST_PG_URL to use another server).`,
    );
  }
  const { url, drop } = await createPgDatabase();
  const database = await openDatabase(
    loadConfig({ DATABASE_URL: url, HOST: '127.0.0.1', REYNA_LOG_LEVEL: 'silent' }),
  );
  return {
    database,
    url,
    async drop() {
      // The database goes even when closing the pool fails (a test that ended it itself).
      try {
        await database.close();
      } finally {
        await drop();
      }
    },
  };
}
