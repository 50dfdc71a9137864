/**
 * WebSocket as native clients use it: Apollo Kotlin and Apollo iOS send no Origin header and
 * spell the token `Authorization`, sometimes under `headers`. With an origin allowlist set, a
 * browser from another origin is still refused, and a native client is admitted on its token.
 */
import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CreateBlobDocument } from '../client-sdk/index';
import { useHarness } from './support/harness';
import { subscribedOn, subscribeWs, wsUrl } from './support/realtime';

const h = useHarness({ REYNA_ALLOWED_ORIGINS: 'https://studio.example' });
let base = '';
const clients: Client[] = [];
beforeAll(async () => {
  base = await h().app.listen();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

const EVENTS = 'subscription { blobEvents { type blobId } }';

/** A graphql-ws client over the `ws` package, which sends no Origin unless told to. */
function nativeClient(connectionParams: Record<string, unknown>): Client {
  const client = createClient({
    url: wsUrl(base),
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: true,
    retryAttempts: 0,
  });
  clients.push(client);
  return client;
}

/** Opens a raw socket and reports whether the upgrade succeeded, or its HTTP status. */
function upgrade(headers: Record<string, string>) {
  return new Promise<number | 'open'>((resolve) => {
    const socket = new WebSocket(wsUrl(base), 'graphql-transport-ws', { headers });
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => {});
  });
}

/** Closes with the code the server gives to `connection_init` carrying `payload`. */
function closeCodeFor(payload: unknown) {
  return new Promise<number>((resolve, reject) => {
    const socket = new WebSocket(wsUrl(base), 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    socket.on('close', (code) => resolve(code));
    socket.on('error', reject);
  });
}

describe('the origin allowlist guards browsers only', () => {
  it('refuses a browser from another origin, admits the listed one and a client with no Origin', async () => {
    expect(await upgrade({ origin: 'https://evil.example' })).toBe(403);
    expect(await upgrade({ origin: 'null' })).toBe(403);
    expect(await upgrade({ origin: 'https://studio.example' })).toBe('open');
    expect(await upgrade({})).toBe('open');
  });
});

describe('connectionParams as native clients send them', () => {
  for (const [label, params] of [
    ['Authorization (capitalised)', (t: string) => ({ Authorization: `Bearer ${t}` })],
    ['AUTHORIZATION', (t: string) => ({ AUTHORIZATION: `Bearer ${t}` })],
    ['headers.Authorization', (t: string) => ({ headers: { Authorization: `Bearer ${t}` } })],
    ['headers.authorization', (t: string) => ({ headers: { authorization: `Bearer ${t}` } })],
  ] as const) {
    it(`authenticates with ${label} and delivers the user's events`, async () => {
      const token = await h().token(h().user('native'));
      const events = subscribeWs<{ blobEvents: { type: string; blobId: string } }>(
        nativeClient(params(token)),
        EVENTS,
      );
      await subscribedOn(h().app.events, token, 1);
      const created = await h().gql(
        CreateBlobDocument,
        { input: { schemaId: 'text-input-v1', data: { content: 'Written on a phone.' } } },
        token,
      );
      const [event] = await events.take(1);
      expect(event!.blobEvents).toEqual({
        type: 'blob.created.text-input-v1',
        blobId: created.data!.createBlob.id,
      });
      events.stop();
    });
  }

  it('still closes with 4403 for a bad token in any of those places, or none', async () => {
    expect(await closeCodeFor({ Authorization: 'Bearer not.a.token' })).toBe(4403);
    expect(await closeCodeFor({ headers: { Authorization: 'Bearer not.a.token' } })).toBe(4403);
    expect(await closeCodeFor({ headers: 'Bearer x' })).toBe(4403);
    expect(await closeCodeFor({})).toBe(4403);
  });

  it('runs queries over the socket as the user the capitalised token names', async () => {
    const user = h().user('native-query');
    const token = await h().token(user);
    const client = nativeClient({ headers: { Authorization: `Bearer ${token}` } });
    const result = await new Promise<unknown>((resolve, reject) => {
      client.subscribe(
        { query: '{ me { userId } }' },
        { next: resolve, error: reject, complete: () => {} },
      );
    });
    expect(result).toEqual({ data: { me: { userId: user } } });
  });
});
