/**
 * How `pg` reaches the embedded PGlite: a stream in this process, no socket, to PGlite's engine in
 * this thread or in a worker thread of its own (the default). Real PGlite and real `pg` clients,
 * several over streams of their own to one PGlite (its one session shared), as the pool keeps
 * several connections and opens a replacement while the connection before it closes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { LocalEngine, type PgliteEngine } from '../src/db/pglite-engine';
import { PgliteStream } from '../src/db/pglite-stream';
import { startPgliteThread } from '../src/db/pglite-thread';

/** A `pg` client over a stream of its own to `engine`; its errors go to `onError`. */
async function connectTo(
  engine: PgliteEngine,
  onError: (error: Error) => void = () => {},
): Promise<pg.Client> {
  const client = new pg.Client({
    stream: () => new PgliteStream(engine),
    user: 'postgres',
    database: 'postgres',
  });
  client.on('error', onError);
  await client.connect();
  return client;
}

describe.each([
  ['in this thread', async () => new LocalEngine(await PGlite.create('memory://'))],
  ['in a worker thread', () => startPgliteThread('memory://')],
] as const)('the embedded database stream, %s', (_where, open: () => Promise<PgliteEngine>) => {
  let engine: PgliteEngine;
  let admin: pg.Client;
  beforeAll(async () => {
    engine = await open();
    admin = await connect();
    await admin.query('create table notes (id serial primary key, text text not null)');
  });
  afterAll(async () => {
    await admin.end();
    await engine.close();
  });
  beforeEach(async () => {
    await admin.query('truncate notes');
  });

  const connect = () => connectTo(engine);

  const count = async (client: pg.Client) =>
    (await client.query<{ n: number }>('select count(*)::int as n from notes')).rows[0]!.n;
  const preparedNames = async () =>
    (await admin.query<{ name: string }>('select name from pg_prepared_statements order by 1')).rows
      .length;

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

  it('keeps each connection’s prepared statements its own, and drops them when it ends', async () => {
    const a = await connect();
    const b = await connect();
    const before = await preparedNames();
    try {
      // The same name for two different statements: in one session they would collide.
      const [x, y] = await Promise.all([
        a.query<{ v: string }>({ name: 'same', text: "select 'a:' || $1 as v", values: ['1'] }),
        b.query<{ v: number }>({ name: 'same', text: 'select $1::int * 10 as v', values: [2] }),
      ]);
      expect(x.rows[0]!.v).toBe('a:1');
      expect(y.rows[0]!.v).toBe(20);
      // Run again by name only (pg sends no Parse the second time).
      for (let i = 0; i < 10; i++) {
        const [ra, rb] = await Promise.all([
          a.query<{ v: string }>({
            name: 'same',
            text: "select 'a:' || $1 as v",
            values: [`${i}`],
          }),
          b.query<{ v: number }>({ name: 'same', text: 'select $1::int * 10 as v', values: [i] }),
        ]);
        expect([ra.rows[0]!.v, rb.rows[0]!.v]).toEqual([`a:${i}`, i * 10]);
      }
      expect(await preparedNames()).toBe(before + 2);
      // `deallocate` of a name drops that connection's statement, not the other's; a statement
      // prepared in SQL keeps its own name and is dropped by it.
      await a.query('prepare by_sql as select 1');
      await a.query('DEALLOCATE SAME');
      expect(await preparedNames()).toBe(before + 2);
      await a.query('deallocate by_sql');
      expect(await preparedNames()).toBe(before + 1);
      expect(
        (await b.query({ name: 'same', text: 'select $1::int * 10 as v', values: [3] })).rows[0],
      ).toEqual({ v: 30 });
    } finally {
      await a.end();
      await b.end();
    }
    expect(await preparedNames()).toBe(before);
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
      await b.query("insert into notes (text) values ('kept')");
      expect(await count(b)).toBe(1);
      // Not inside a transaction: a rollback now only warns.
      await b.query('rollback');
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
      expect(await count(b)).toBe(0);
    } finally {
      await b.end();
    }
  });
});

describe.each([
  ['in this thread', async () => new LocalEngine(await PGlite.create('memory://'))],
  ['in a worker thread', () => startPgliteThread('memory://')],
] as const)('closing the embedded database, %s', (_where, open: () => Promise<PgliteEngine>) => {
  it('lets the connections still saying goodbye finish, and reports none of them lost', async () => {
    const engine = await open();
    const errors: Error[] = [];
    const clients = await Promise.all(
      [1, 2, 3].map(async (n) => {
        const client = await connectTo(engine, (error) => errors.push(error));
        await client.query({ name: 'n', text: 'select $1::int as n', values: [n] });
        return client;
      }),
    );
    // As the pool ends: each connection's goodbye starts, and the close does not wait for them.
    const ended = clients.map((c) => c.end());
    await engine.close();
    await Promise.all(ended);
    expect(errors).toEqual([]);
  });
});

describe('the embedded database engine', () => {
  it('keeps a batch that waited beside a begin out of the transaction that begin opens', async () => {
    // Two connections' batches reach the engine in the same turn, a's `begin` first: both wait
    // for the session's lock before either runs. (The engine that does not yield first, as in the
    // worker thread, where each call arrives as a message of its own.)
    const a = 1_000_001;
    const b = 1_000_002;
    const sql = (text: string) => {
      const body = Buffer.from(`${text}\0`);
      const message = Buffer.alloc(5 + body.length);
      message[0] = 0x51;
      message.writeInt32BE(4 + body.length, 1);
      body.copy(message, 5);
      return [new Uint8Array(message)];
    };
    const within = <T>(promise: Promise<T>) =>
      Promise.race([
        promise,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the engine never answered')), 3000),
        ),
      ]);
    const engine = new LocalEngine(await PGlite.create('memory://'), false);
    await engine.run(a, sql('create table notes (id serial primary key, text text not null)'));
    try {
      for (let round = 0; round < 5; round++) {
        const began = engine.run(a, sql('begin'));
        const written = engine.run(b, sql("insert into notes (text) values ('b, on its own')"));
        await within(began);
        await within(engine.run(a, sql("insert into notes (text) values ('a, rolled back')")));
        await within(engine.run(a, sql('rollback')));
        await within(written);
      }
      const rows = (await within(engine.lite.query<{ text: string }>('select text from notes')))
        .rows;
      expect(rows.map((r) => r.text)).toEqual(Array(5).fill('b, on its own'));
    } finally {
      await engine.close();
    }
  });
});

describe('the embedded database in a worker thread', () => {
  it('refuses to open where there is no data folder to make, saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reyna-pglite-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    try {
      await expect(startPgliteThread(join(file, 'pglite'))).rejects.toThrow(
        /The embedded database did not open/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates a new data folder and keeps what is written there across a restart', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'reyna-pglite-')), 'pglite');
    try {
      const first = await startPgliteThread(dir);
      const a = await connectTo(first);
      await a.query('create table kept (text text)');
      await a.query("insert into kept values ('written on the first start')");
      await a.end();
      await first.close();
      const second = await startPgliteThread(dir);
      const b = await connectTo(second);
      expect((await b.query<{ text: string }>('select text from kept')).rows).toEqual([
        { text: 'written on the first start' },
      ]);
      await b.end();
      await second.close();
    } finally {
      rmSync(join(dir, '..'), { recursive: true, force: true });
    }
  }, 60_000);

  it('fails every call, clearly, once it is closed', async () => {
    const engine = await startPgliteThread('memory://');
    const client = await connectTo(engine);
    expect((await client.query<{ n: number }>('select 1 as n')).rows[0]!.n).toBe(1);
    await engine.close();
    await expect(client.query('select 1')).rejects.toThrow(/closed/);
  });
});

describe.each([
  ['in this thread', false],
  ['in a worker thread', true],
])('the embedded database’s pool, %s', (_where, pgliteThread) => {
  it('closes with its connections’ statements prepared and no connection reported lost', async () => {
    const lost: Error[] = [];
    const database = await openDatabase(loadConfig({ REYNA_JWT_SECRET: 'x'.repeat(40) }), {
      pgliteDir: 'memory://',
      pgliteThread,
      onConnectionError: (error) => lost.push(error),
    });
    const add = (n: number) =>
      database.pool.query<{ n: number }>({
        name: 'add',
        text: 'select $1::int + 1 as n',
        values: [n],
      });
    // Several connections at once, each preparing the statement, then idle in the pool.
    for (let round = 0; round < 2; round++) {
      const rows = await Promise.all([1, 2, 3, 4].map(add));
      expect(rows.map((r) => r.rows[0]!.n)).toEqual([2, 3, 4, 5]);
    }
    expect(database.pool.totalCount).toBeGreaterThan(1);
    await database.close();
    // Goodbyes that arrive after the close are answered, not reported as lost connections.
    await new Promise((r) => setTimeout(r, 200));
    expect(lost).toEqual([]);
    await expect(database.pool.query('select 1')).rejects.toThrow();
  });
});
