/**
 * How `pg` reaches the embedded PGlite: a stream in this process, no socket. Real PGlite and real
 * `pg` clients, each over a stream of its own to one PGlite (its one session shared), as the pool
 * opens a replacement while the connection before it closes.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PgliteStream } from '../src/db/pglite-stream';

let lite: PGlite;
beforeAll(async () => {
  lite = await PGlite.create('memory://');
  await lite.exec('create table notes (id serial primary key, text text not null)');
});
afterAll(async () => {
  await lite.close();
});
beforeEach(async () => {
  await lite.exec('truncate notes');
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({
    stream: () => new PgliteStream(lite),
    user: 'postgres',
    database: 'postgres',
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

const count = async (client: pg.Client) =>
  (await client.query<{ n: number }>('select count(*)::int as n from notes')).rows[0]!.n;

describe('the embedded database stream', () => {
  it('answers plain and prepared statements, and a statement error leaves the connection usable', async () => {
    const client = await connect();
    try {
      expect((await client.query<{ n: number }>('select 41 + 1 as n')).rows[0]!.n).toBe(42);
      for (const text of ['one', 'two'])
        await client.query({
          name: 'add',
          text: 'insert into notes (text) values ($1)',
          values: [text],
        });
      const error = await client.query('insert into notes (text) values (null)').catch((e) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as { code?: string }).code).toBe('23502');
      expect(await count(client)).toBe(2);
    } finally {
      await client.end();
    }
  });

  it('runs another connection only after a transaction open on the session ends', async () => {
    const a = await connect();
    const b = await connect();
    try {
      await a.query('begin');
      await a.query("insert into notes (text) values ('uncommitted')");
      // Run inside a's transaction, b would see its row, which is then rolled back.
      let answered = false;
      const seen = count(b).then((n) => {
        answered = true;
        return n;
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(answered).toBe(false);
      await a.query('rollback');
      expect(await seen).toBe(0);
    } finally {
      await a.end();
      await b.end();
    }
  });

  it('rolls back what a connection that went away left open, and lets the others go on', async () => {
    const a = await connect();
    const b = await connect();
    try {
      await a.query('begin');
      await a.query("insert into notes (text) values ('lost')");
      const seen = count(b);
      // The connection drops without a word (the pool discards a broken client so).
      (a as unknown as { connection: { stream: PgliteStream } }).connection.stream.destroy();
      expect(await seen).toBe(0);
      expect(lite.isInTransaction()).toBe(false);
      await b.query("insert into notes (text) values ('kept')");
      expect(await count(b)).toBe(1);
    } finally {
      await b.end();
    }
  });

  it('ends a transaction a client left open when it ends the connection', async () => {
    const a = await connect();
    await a.query('begin');
    await a.query("insert into notes (text) values ('never committed')");
    await a.end();
    const b = await connect();
    try {
      expect(lite.isInTransaction()).toBe(false);
      expect(await count(b)).toBe(0);
    } finally {
      await b.end();
    }
  });
});
