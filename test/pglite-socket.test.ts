/**
 * How `pg` reaches the embedded PGlite: a Unix socket in a folder only this user can enter, so no
 * other local process can connect; loopback TCP only where such a socket cannot be made (a
 * temporary folder whose path is too long for one). Real PGlite, real sockets, real `pg`.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenPrivately } from '../src/db/database';

let lite: PGlite;
beforeAll(async () => {
  lite = await PGlite.create('memory://');
});
afterAll(async () => {
  await lite.close();
});

async function answer(connection: { host: string; port: number }): Promise<number> {
  const client = new pg.Client({ ...connection, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('select 41 + 1 as n');
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

describe('the embedded database socket', () => {
  it('is a Unix socket in a folder only its user can enter, removed on close', async () => {
    const { server, connection, cleanup } = await listenPrivately(lite, PGLiteSocketServer);
    try {
      expect(connection.host.startsWith(tmpdir())).toBe(true);
      expect((await stat(connection.host)).mode & 0o777).toBe(0o700);
      expect((await stat(join(connection.host, '.s.PGSQL.5432'))).isSocket()).toBe(true);
      expect(await answer(connection)).toBe(42);
    } finally {
      await server.stop();
      await cleanup();
    }
    await expect(stat(connection.host)).rejects.toThrow(/ENOENT/);
  });

  it('falls back to loopback TCP where the socket path would be too long', async () => {
    const long = join(tmpdir(), `reyna-long-${process.pid}-${'x'.repeat(120)}`);
    await mkdir(long, { recursive: true });
    try {
      const { server, connection, cleanup } = await listenPrivately(lite, PGLiteSocketServer, long);
      try {
        expect(connection.host).toBe('127.0.0.1');
        expect(connection.port).toBeGreaterThan(0);
        expect(await answer(connection)).toBe(42);
      } finally {
        await server.stop();
        await cleanup();
      }
      // No socket was bound anywhere (libuv binds a truncated path when given a long one).
      const mine = `reyna-long-${process.pid}-`;
      expect((await readdir(tmpdir())).filter((f) => f.startsWith(mine))).toEqual([basename(long)]);
      expect(await readdir(long)).toEqual([]);
    } finally {
      await rm(long, { recursive: true, force: true });
    }
  });
});
