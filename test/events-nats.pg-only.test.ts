/**
 * What only real services can show: a server process killed between commit and publish loses no
 * event; two API instances on one NATS share events; subscriptions listen to one user's subjects.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../src/app';
import { mintToken } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import type { Delivery } from '../src/events/backbone';
import { NatsBackbone } from '../src/events/nats-backbone';
import { createLogger } from '../src/logger';
import { createPgDatabase } from './support/database';
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

    // The subscription is a consumer filtered on this user's subjects, not on the whole stream.
    const jsm = await jetstreamManager((two.events as NatsBackbone).connection);
    const filters: string[] = [];
    for await (const c of jsm.consumers.list((two.events as NatsBackbone).stream))
      filters.push(c.config.filter_subject ?? '');
    expect(filters).toEqual([`${config.deploymentId}.ev.${user}.blob.>`]);

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
