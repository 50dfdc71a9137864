/**
 * Shared real-time resources are bounded per user, on real listening servers: operations over a
 * WebSocket count against the HTTP rate limits, one user's open subscriptions are capped across
 * sockets, transports and API instances, a subscription holds no NATS consumer of its own and a
 * subscriber that leaves is released within seconds. Another user is unaffected throughout.
 */
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Client } from 'graphql-ws';
import { afterAll, describe, expect, it } from 'vitest';
import { type GraphQLErrorBody, type Harness, startHarness, stopHarness } from '../support/harness';
import { NATS_URL, natsEnabled, redisEnabled } from '../support/nats';
import { eventually, subscribedOn, subscribeSse, subscribeWs, wsClient } from '../support/realtime';

const harnesses: Harness[] = [];
const clients: Client[] = [];
afterAll(async () => {
  for (const c of clients) await c.dispose();
  for (const h of harnesses) await stopHarness(h);
});

async function server(env: Record<string, string>) {
  const h = await startHarness({ HOST: '127.0.0.1', ...env });
  harnesses.push(h);
  return { h, url: await h.app.listen() };
}

function client(url: string, token: string): Client {
  const c = wsClient(url, token, { lazy: false });
  clients.push(c);
  return c;
}

interface Result<T> {
  data?: T | null;
  errors?: GraphQLErrorBody[];
}

/** Runs one operation over the socket and resolves with its whole result. */
function once<T = unknown>(c: Client, query: string): Promise<Result<T>> {
  return new Promise((resolve, reject) => {
    let result: Result<T> = {};
    c.subscribe(
      { query },
      {
        next: (r) => {
          result = r as typeof result;
        },
        error: (e) => (Array.isArray(e) ? resolve({ errors: e }) : reject(e)),
        complete: () => resolve(result),
      },
    );
  });
}

type Me = { me: { userId: string } };

const BLOB_EVENTS = 'subscription { blobEvents { type } }';

describe('operations over a WebSocket', () => {
  it('count against the per-user rate limit shared with HTTP, and leave other users alone', async () => {
    const { h, url } = await server({ REYNA_RATE_LIMIT_USER: '5' });
    const flooder = await h.token(h.user('flooder'));
    const other = await h.token(h.user('other'));
    const c = client(url, flooder);
    const answers: Result<Me>[] = [];
    for (let i = 0; i < 7; i++) answers.push(await once<Me>(c, '{ me { userId } }'));
    const limited = answers.filter((a) => a.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    expect(answers.slice(0, 5).every((a) => a.data?.me?.userId)).toBe(true);
    expect(limited.length).toBe(2);
    expect(limited[0]!.errors?.[0]?.extensions.retryAfterMs).toBeGreaterThan(0);
    // The same counter answers HTTP: the socket was no way around it.
    const http = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${flooder}` },
      body: JSON.stringify({ query: '{ me { userId } }' }),
    });
    expect(http.status).toBe(429);
    // A mutation over the socket is refused too, and writes nothing.
    const write = await once(
      c,
      'mutation { createBook(input: { title: "Over the limit" }) { id } }',
    );
    expect(write.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const ok = await once<Me>(client(url, other), '{ me { userId } }');
    expect(ok.data?.me?.userId).toBeTruthy();
  });
});

describe('open subscriptions per user', () => {
  it('caps one user across sockets and SSE, frees a slot on close, and leaves other users alone', async () => {
    const { h, url } = await server({ REYNA_MAX_SUBSCRIPTIONS_PER_USER: '3' });
    const hog = await h.token(h.user('hog'));
    const other = await h.token(h.user('other'));
    const a = client(url, hog);
    const b = client(url, hog);
    const first = subscribeWs(a, BLOB_EVENTS);
    subscribeWs(a, BLOB_EVENTS);
    const sse = subscribeSse(url, hog, BLOB_EVENTS);
    await subscribedOn(h.app.events, hog, 3);
    const refused = subscribeWs(b, BLOB_EVENTS);
    await eventually(() => refused.error !== undefined);
    expect(JSON.stringify(refused.error)).toMatch(/TOO_MANY_SUBSCRIPTIONS/);
    const refusedSse = subscribeSse(url, hog, BLOB_EVENTS);
    await eventually(() => refusedSse.error !== undefined);
    expect(JSON.stringify(refusedSse.error)).toMatch(/TOO_MANY_SUBSCRIPTIONS/);
    refusedSse.stop();
    expect(
      h.app.events.subscriptionCount(
        JSON.parse(Buffer.from(hog.split('.')[1]!, 'base64url').toString()).sub,
      ),
    ).toBe(3);

    // Another user subscribes as usual.
    const theirs = subscribeWs(client(url, other), BLOB_EVENTS);
    await subscribedOn(h.app.events, other, 1);
    expect(theirs.error).toBeUndefined();

    // Closing one gives its slot back.
    first.stop();
    sse.stop();
    const again = subscribeWs(b, BLOB_EVENTS);
    await subscribedOn(h.app.events, hog, 2);
    expect(again.error).toBeUndefined();
  });

  it.skipIf(!redisEnabled)('caps one user across API instances sharing Redis', async () => {
    const deployment = `t${randomBytes(5).toString('hex')}`;
    const env = { REYNA_MAX_SUBSCRIPTIONS_PER_USER: '2', REYNA_DEPLOYMENT: deployment };
    const one = await server(env);
    const two = await server(env);
    const hog = await one.h.token(one.h.user('hog'));
    subscribeWs(client(one.url, hog), BLOB_EVENTS);
    subscribeWs(client(two.url, hog), BLOB_EVENTS);
    await subscribedOn(one.h.app.events, hog, 1);
    await subscribedOn(two.h.app.events, hog, 1);
    const third = subscribeWs(client(one.url, hog), BLOB_EVENTS);
    await eventually(() => third.error !== undefined);
    expect(JSON.stringify(third.error)).toMatch(/TOO_MANY_SUBSCRIPTIONS/);
  });
});

describe.skipIf(!natsEnabled)('NATS consumers of subscriptions', () => {
  it('are not one per subscription, and a subscriber that leaves is released within seconds, even by dropping its socket', async () => {
    const { h, url } = await server({});
    const token = await h.token(h.user('leaver'));
    const nc = await connect({ servers: NATS_URL });
    try {
      const jsm = await jetstreamManager(nc);
      const stream = (await jsm.streams.names().next()).find((n) =>
        n.startsWith(`${h.app.config.deploymentId}_`),
      );
      expect(stream).toBeTruthy();
      const consumers = async () => (await jsm.consumers.list(stream!).next()).length;
      const before = await consumers();
      const c = wsClient(url, token, { lazy: false });
      subscribeWs(c, BLOB_EVENTS);
      await subscribedOn(h.app.events, token, 1);
      // The process's one live consumer, opened with its first subscription.
      const withOne = await consumers();
      expect(withOne).toBeLessThanOrEqual(before + 1);
      for (let i = 0; i < 4; i++) subscribeWs(c, BLOB_EVENTS);
      await subscribedOn(h.app.events, token, 5);
      expect(await consumers()).toBe(withOne);
      // Leave without a goodbye: the socket is simply dropped.
      const left = Date.now();
      await c.terminate();
      await eventually(() => h.app.events.subscriptionCount() === 0, 5_000);
      console.log(`subscriptions released ${Date.now() - left} ms after the socket dropped`);
      // Nothing was held in NATS for them: the live consumer stays for the next subscriber.
      expect(await consumers()).toBe(withOne);
      expect(h.app.events.subscriptionCount()).toBe(0);
    } finally {
      await nc.close();
    }
  });
});
