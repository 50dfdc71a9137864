/**
 * What only real services can show: a server process killed between commit and publish loses no
 * event; two API instances on one NATS share events; one consumer per process serves every
 * subscription, each with its own user's events only.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../src/app';
import { mintToken } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import type { Delivery, EventSubscription } from '../src/events/backbone';
import type { StudioEvent } from '../src/events/event';
import { NatsBackbone } from '../src/events/nats-backbone';
import { createLogger } from '../src/logger';
import { createPgDatabase } from './support/database';
import { sampleEvent } from './support/events';
import { TEST_SECRET, testEnv } from './support/harness';
import { dropNatsStreams, NATS_URL } from './support/nats';
import { servedUrl, servicesEnv, startReyna } from './support/processes';
import { eventually, subscribedOn, subscribeWs, wsClient } from './support/realtime';

const cleanups: (() => Promise<unknown>)[] = [];

/** The answer to a createBlob that selects `id`. */
type Created = { data: { createBlob: { id: string } } };
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function serve(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const started = await startReyna(['serve'], env, /GraphQL and GraphiQL: \S+\/graphql/);
  return { child: started.child, url: servedUrl(started) };
}

async function deliveriesFor(prefix: string, userId: string, ms = 1000): Promise<Delivery[]> {
  const backbone = new NatsBackbone({ url: NATS_URL, prefix, log: createLogger('silent') });
  await backbone.start();
  const sub = await backbone.subscribe(userId, { after: '0' });
  const out: Delivery[] = [];
  const timer = setTimeout(() => void sub.close(), ms);
  for await (const d of sub) out.push(d);
  clearTimeout(timer);
  await backbone.stop();
  return out;
}

describe('outbox across a crash', () => {
  it('delivers, once, an event committed by a process killed before it could publish', async () => {
    const env = await servicesEnv((fn) => cleanups.push(fn), { PORT: '0', HOST: '127.0.0.1' });
    const databaseUrl = env.DATABASE_URL!;
    const prefix = env.REYNA_DEPLOYMENT!;
    const user = `crash-${randomBytes(4).toString('hex')}`;
    const token = await mintToken(TEST_SECRET, user, '1h');

    // A server whose relay is off stands for one that dies between commit and publish.
    const first = await serve({ ...env, REYNA_OUTBOX_RELAY: 'off' });
    const res = await fetch(`${first.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query:
          'mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "Committed, then killed." } }) { id } }',
      }),
    });
    const blobId = ((await res.json()) as Created).data.createBlob.id;
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    cleanups.push(() => db.end());
    const pending = await db.query(
      'select event from outbox where published_at is null and user_id = $1',
      [user],
    );
    expect(pending.rows).toHaveLength(1);
    expect(await deliveriesFor(prefix, user)).toHaveLength(0);

    const second = await serve(env);
    try {
      await eventually(
        async () =>
          (await db.query('select 1 from outbox where published_at is null')).rowCount === 0,
        20_000,
      );
      const delivered = await deliveriesFor(prefix, user);
      expect(delivered).toHaveLength(1);
      expect(delivered[0]).toMatchObject({
        kind: 'event',
        event: { blobId, type: 'blob.created.text-input-v1', userId: user },
      });
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
  }, 120_000);
});

describe('two API instances on one NATS', () => {
  it('delivers a write through instance 1 to a subscriber on instance 2, and routes by user', async () => {
    const { url: databaseUrl, drop } = await createPgDatabase();
    const env = testEnv({ DATABASE_URL: databaseUrl, HOST: '127.0.0.1' });
    cleanups.push(drop, () => dropNatsStreams(env.REYNA_DEPLOYMENT!));
    const config = loadConfig(env);
    const apps: App[] = [];
    for (let i = 0; i < 2; i++) {
      const database = await openDatabase(config);
      const app = await createApp(config, { database });
      apps.push(app);
      cleanups.push(async () => {
        await app.stop();
        await database.close();
      });
    }
    const [one, two] = apps as [App, App];
    await one.listen();
    const urlTwo = await two.listen();
    const user = `multi-${randomBytes(4).toString('hex')}`;
    const token = await mintToken(TEST_SECRET, user, '1h');
    const client = wsClient(urlTwo, token);
    cleanups.push(async () => {
      await client.dispose();
    });
    const events = subscribeWs<{
      blobEvents: { kind: string; blobId: string; blob: { data: unknown } | null };
    }>(client, 'subscription { blobEvents { kind blobId blob { data } } }');
    await subscribedOn(two.events, token, 1);

    // The subscription holds no consumer of its own: instance two's one router consumer (on
    // the stream's event subjects) serves it, and routes by user (see the test below).
    const jsm = await jetstreamManager((two.events as NatsBackbone).connection);
    const filters: string[] = [];
    for await (const c of jsm.consumers.list((two.events as NatsBackbone).stream))
      filters.push(c.config.filter_subject ?? '');
    expect(filters).toEqual([`${config.deploymentId}.ev.>`]);

    const res = await one.yoga.fetch('http://one/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query:
          'mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "Written on instance one." } }) { id } }',
      }),
    });
    const id = ((await res.json()) as Created).data.createBlob.id;
    const [first] = await events.take(1);
    expect(first!.blobEvents).toEqual({
      kind: 'CREATED',
      blobId: id,
      blob: { data: { content: 'Written on instance one.' } },
    });
    await new Promise((r) => setTimeout(r, 500));
    // Both instances run a relay; the event still arrives once.
    expect(events.items).toHaveLength(1);
    events.stop();
  }, 60_000);
});

describe('one router consumer per process', () => {
  const event = (userId: string, type: string): StudioEvent => sampleEvent(userId, type);

  it("serves 20 subscriptions of four users from one consumer, each with its user's events only", async () => {
    const prefix = `t${randomBytes(5).toString('hex')}`;
    const backbone = new NatsBackbone({ url: NATS_URL, prefix, log: createLogger('silent') });
    await backbone.start();
    cleanups.push(() => dropNatsStreams(prefix));
    cleanups.push(() => backbone.stop());
    const jsm = await jetstreamManager(backbone.connection);
    const consumers = async () => {
      const out: string[] = [];
      for await (const c of jsm.consumers.list(backbone.stream))
        out.push(c.config.filter_subject ?? '');
      return out;
    };
    const tag = randomBytes(3).toString('hex');
    // Users whose ids share a prefix, and ids that need encoding in a subject (a dot, a space,
    // an id that looks like an encoded one): the routing must tell each from the others.
    const users = [`${tag}-a`, `${tag}-a-b`, `${tag} c`, `${tag}.d`];
    const [a, ab, c, d] = users as [string, string, string, string];
    expect(users.filter((u) => u.startsWith(`${tag}-a`))).toHaveLength(2);
    // One retained event each, for the subscriptions that resume from the start.
    const early = new Map<string, StudioEvent>();
    for (const user of users) {
      const e = event(user, 'blob.created.text-input-v1');
      early.set(user, e);
      await backbone.publish(e);
    }
    const start = String(Number(await backbone.position()) - users.length);

    type Opened = { user: string; name: string; sub: EventSubscription; got: Delivery[] };
    const opened: Opened[] = [];
    for (const user of users) {
      const kinds = [
        ['all', {}],
        ['blob', { entity: 'blob' }],
        ['blob.created', { entity: 'blob', action: 'created' }],
        ['book', { entity: 'book' }],
        ['all from the start', { after: start }],
      ] as const;
      for (const [name, options] of kinds) {
        opened.push({ user, name, sub: await backbone.subscribe(user, options), got: [] });
      }
    }
    expect(opened).toHaveLength(20);
    expect(backbone.subscriptionCount()).toBe(20);
    expect(backbone.subscriptionCount(ab)).toBe(5);
    // 20 subscriptions, one consumer: the router's, on every event subject of the stream (a
    // replay's consumer is opened only when it is read).
    expect(await consumers()).toEqual([`${prefix}.ev.>`]);

    const readers = opened.map(async (o) => {
      for await (const delivery of o.sub) o.got.push(delivery);
    });
    // The replaying subscriptions read their retained event and go live.
    await eventually(
      async () =>
        opened.filter((o) => o.name === 'all from the start' && o.got.length === 1).length === 4,
      10_000,
    );
    expect(await consumers()).toEqual([`${prefix}.ev.>`]);

    const sent = new Map<string, StudioEvent[]>(users.map((u) => [u, []]));
    const types = [
      'blob.created.text-input-v1',
      'blob.updated.expanded-text-v1',
      'book.compile.requested',
      'blob.deleted.text-input-v1',
    ];
    for (let round = 0; round < 3; round++) {
      for (const user of [d, c, ab, a]) {
        for (const type of types) {
          const e = event(user, type);
          sent.get(user)!.push(e);
          await backbone.publish(e);
        }
      }
    }
    const wanted = (o: Opened): StudioEvent[] => {
      const mine = sent.get(o.user)!;
      if (o.name === 'all') return mine;
      if (o.name === 'all from the start') return [early.get(o.user)!, ...mine];
      return mine.filter((e) => `${e.type}.`.startsWith(`${o.name}.`));
    };
    await eventually(async () => opened.every((o) => o.got.length >= wanted(o).length), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    for (const o of opened) {
      const events = o.got.map((g) => (g.kind === 'event' ? g.event : null));
      expect(
        events.map((e) => e?.id),
        `${o.user}'s "${o.name}" subscription`,
      ).toEqual(wanted(o).map((e) => e.id));
      expect(events.every((e) => e?.userId === o.user)).toBe(true);
      // Each delivery carries its stream sequence, in order.
      const cursors = o.got.map((g) => Number(g.cursor));
      expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
    }
    expect(await consumers()).toEqual([`${prefix}.ev.>`]);

    await Promise.all(opened.map((o) => o.sub.close()));
    await Promise.all(readers);
    expect(backbone.subscriptionCount()).toBe(0);
    await backbone.stop();
    // Stopping the backbone deletes its router consumer rather than leaving it to the server.
    const nc = await connect({ servers: NATS_URL });
    try {
      const left: string[] = [];
      for await (const info of (await jetstreamManager(nc)).consumers.list(backbone.stream))
        left.push(info.name);
      expect(left).toEqual([]);
    } finally {
      await nc.close();
    }
  }, 60_000);

  it('ends the subscriptions it serves when its consumer ends unasked, so that clients resubscribe', async () => {
    const prefix = `t${randomBytes(5).toString('hex')}`;
    const backbone = new NatsBackbone({ url: NATS_URL, prefix, log: createLogger('silent') });
    await backbone.start();
    cleanups.push(() => dropNatsStreams(prefix));
    cleanups.push(() => backbone.stop());
    const subs = [await backbone.subscribe('ends-a'), await backbone.subscribe('ends-b')];
    const ended = subs.map(async (sub) => {
      for await (const _ of sub) {
        // nothing is published: the loop only waits for the end
      }
    });
    expect(backbone.subscriptionCount()).toBe(2);
    // The connection closing for good ends the router's consumer.
    await backbone.connection.close();
    await Promise.all(ended);
    expect(backbone.subscriptionCount()).toBe(0);
  }, 30_000);
});
