import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  BlobDerivedDocument,
  BlobEventsDocument,
  CreateBlobDocument,
  type CreateBlobInput,
  CreateBookDocument,
  DeleteBlobDocument,
  UpdateBlobDocument,
} from '../client-sdk/index';
import { expectData, queryText, useHarness } from './support/harness';
import { natsEnabled } from './support/nats';
import {
  eventually,
  purgeRetained,
  subscribedOn,
  subscribeSse,
  subscribeWs,
  subscriptionErrorCode,
  wsClient,
  wsUrl,
} from './support/realtime';

const h = useHarness();
let url = '';
const clients: Client[] = [];
const client = (token: string | null) => {
  const c = wsClient(url, token);
  clients.push(c);
  return c;
};

beforeAll(async () => {
  url = await h().app.listen();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});

const EVENTS = BlobEventsDocument;
const DERIVED = BlobDerivedDocument;

async function create(token: string, input: CreateBlobInput): Promise<string> {
  return expectData(await h().gql(CreateBlobDocument, { input }, token)).createBlob.id;
}
async function createBook(token: string, title: string): Promise<string> {
  return expectData(await h().gql(CreateBookDocument, { input: { title } }, token)).createBook.id;
}
const text = (content: string, extra: Partial<CreateBlobInput> = {}): CreateBlobInput => ({
  schemaId: 'text-input-v1',
  data: { content },
  ...extra,
});

/**
 * Waits until the subscriptions just opened are live on the server (their consumers exist), so
 * that the writes that follow are theirs to see. Counts from `since` (taken before subscribing).
 */
const subscribed = (token: string, k = 1) => subscribedOn(h().app.events, token, k);

describe(`blobEvents over WebSocket (${natsEnabled ? 'NATS' : 'in-process'} backbone)`, () => {
  it("delivers the caller's created, updated and deleted blobs with cursors", async () => {
    const token = await h().token(h().user());
    const events = subscribeWs(client(token), EVENTS);
    await subscribed(token, 1);
    const id = await create(token, text('The ship sailed at dawn.'));
    await h().gql(
      UpdateBlobDocument,
      { id, input: { data: { content: 'The ship sailed at noon.' } } },
      token,
    );
    await h().gql(DeleteBlobDocument, { id }, token);
    const got = (await events.take(3)).map((d) => d.blobEvents);
    expect(got.map((e) => [e.kind, e.type, e.blobId])).toEqual([
      ['CREATED', 'blob.created.text-input-v1', id],
      ['UPDATED', 'blob.updated.text-input-v1', id],
      ['DELETED', 'blob.deleted.text-input-v1', id],
    ]);
    expect(got[0]!.processorId).toBe('user-input');
    // The blob is read when the event is delivered: by then it may have changed or gone.
    expect(got[2]!.blob).toBeNull();
    const cursors = got.map((e) => Number(e.cursor));
    expect(cursors[0]).toBeLessThan(cursors[1]!);
    expect(cursors[1]).toBeLessThan(cursors[2]!);
    events.stop();
  });

  it('filters by kind and schema', async () => {
    const token = await h().token(h().user());
    const events = subscribeWs(client(token), EVENTS, {
      filter: { kinds: ['CREATED'], schemaId: 'expanded-text-v1' },
    });
    await subscribed(token, 1);
    const parent = await create(token, text('A passage to expand.'));
    const child = await create(token, {
      schemaId: 'expanded-text-v1',
      parentId: parent,
      data: { original: 'a', expanded: 'bb', expansion_ratio: 2 },
    });
    const [first] = await events.take(1);
    expect(first?.blobEvents).toMatchObject({
      kind: 'CREATED',
      reset: false,
      blobId: child,
      parentId: parent,
      schemaId: 'expanded-text-v1',
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(events.items).toHaveLength(1);
    events.stop();
  });

  it("never delivers one user's events to another (interleaved writes)", async () => {
    const alice = await h().token(h().user('alice'));
    const bob = await h().token(h().user('bob'));
    const forAlice = subscribeWs(client(alice), EVENTS);
    const forBob = subscribeWs(client(bob), EVENTS);
    await subscribed(alice, 1);
    await subscribed(bob, 1);
    const aliceIds: string[] = [];
    const bobIds: string[] = [];
    for (let i = 0; i < 10; i++) {
      aliceIds.push(await create(alice, text(`Alice writes passage ${i}`)));
      bobIds.push(await create(bob, text(`Bob writes passage ${i}`)));
    }
    const a = (await forAlice.take(10)).map((d) => d.blobEvents.blobId);
    const b = (await forBob.take(10)).map((d) => d.blobEvents.blobId);
    await new Promise((r) => setTimeout(r, 300));
    expect(a).toEqual(aliceIds);
    expect(b).toEqual(bobIds);
    expect(forAlice.items).toHaveLength(10);
    expect(forBob.items).toHaveLength(10);
    forAlice.stop();
    forBob.stop();
  });
});

describe('blobDerived', () => {
  it('delivers { parentId, derivedId, processorId, blob } for blobs derived from the parent', async () => {
    const token = await h().token(h().user());
    const parent = await create(token, text('The ship sailed.'));
    const other = await create(token, text('Another passage.'));
    const derived = subscribeWs(client(token), DERIVED, { parentId: parent });
    await subscribed(token, 1);
    await create(token, {
      schemaId: 'expanded-text-v1',
      parentId: other,
      data: { original: 'x', expanded: 'xx', expansion_ratio: 2 },
    });
    const child = await create(token, {
      schemaId: 'expanded-text-v1',
      parentId: parent,
      data: {
        original: 'The ship sailed.',
        expanded: 'The mighty vessel sailed out.',
        expansion_ratio: 1.8,
      },
    });
    const [first] = await derived.take(1);
    expect(first?.blobDerived).toMatchObject({
      reset: false,
      parentId: parent,
      derivedId: child,
      processorId: 'user-input',
      blob: {
        id: child,
        schemaId: 'expanded-text-v1',
        data: { expanded: 'The mighty vessel sailed out.' },
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(derived.items).toHaveLength(1);
    derived.stop();
  });

  it('delivers blobs derived inside a book', async () => {
    const token = await h().token(h().user());
    const book = await createBook(token, 'Sea');
    const chapter = await create(token, text('Chapter one text.', { bookId: book }));
    const derived = subscribeWs(client(token), DERIVED, { bookId: book });
    await subscribed(token, 1);
    const child = await create(token, {
      schemaId: 'expanded-text-v1',
      parentId: chapter,
      bookId: book,
      data: { original: 'a', expanded: 'bb', expansion_ratio: 2 },
    });
    const [first] = await derived.take(1);
    expect(first?.blobDerived).toMatchObject({ parentId: chapter, derivedId: child });
    derived.stop();
  });

  it("refuses to watch another user's parent or book, or nothing at all", async () => {
    const alice = await h().token(h().user());
    const bob = await h().token(h().user());
    const parent = await create(alice, text('Alice private text.'));
    const book = await createBook(alice, 'Private');
    for (const variables of [{ parentId: parent }, { bookId: book }, {}]) {
      const sub = subscribeWs(client(bob), DERIVED, variables);
      await eventually(() => sub.error !== undefined);
      expect(subscriptionErrorCode(sub.error)).toBe(
        'parentId' in variables || 'bookId' in variables ? 'NOT_FOUND' : 'BAD_USER_INPUT',
      );
    }
  });
});

describe('resume with a cursor', () => {
  it('replays missed events in order before live ones', async () => {
    const token = await h().token(h().user());
    const first = subscribeWs(client(token), EVENTS);
    await subscribed(token, 1);
    await create(token, text('Seen before disconnecting.'));
    const [seen] = await first.take(1);
    first.stop();
    const missed = [
      await create(token, text('Missed one.')),
      await create(token, text('Missed two.')),
      await create(token, text('Missed three.')),
    ];
    await eventually(async () => (await h().app.relay.backlog()) === 0);
    const resumed = subscribeWs(client(token), EVENTS, { after: seen?.blobEvents.cursor });
    const replayed = (await resumed.take(3)).map((d) => d.blobEvents.blobId);
    expect(replayed).toEqual(missed);
    const live = await create(token, text('Live after resuming.'));
    const all = (await resumed.take(4)).map((d) => d.blobEvents.blobId);
    expect(all[3]).toBe(live);
    resumed.stop();
  });

  it('sends RESET when the cursor is older than what is retained', async () => {
    const token = await h().token(h().user());
    const first = subscribeWs(client(token), EVENTS);
    await subscribed(token, 1);
    await create(token, text('An old event.'));
    const [seen] = await first.take(1);
    first.stop();
    await create(token, text('Then another.'));
    await eventually(async () => (await h().app.relay.backlog()) === 0);
    await purgeRetained(h().app.events);
    const resumed = subscribeWs(client(token), EVENTS, { after: seen?.blobEvents.cursor });
    const [reset] = await resumed.take(1);
    // The same RESET shape as blobDerived's and runUpdated's: `reset: true`, then its cursor.
    expect(reset?.blobEvents).toMatchObject({
      kind: 'RESET',
      reset: true,
      blobId: null,
      blob: null,
    });
    const live = await create(token, text('After the reset.'));
    const [, next] = await resumed.take(2);
    expect(next?.blobEvents.blobId).toBe(live);
    resumed.stop();
  });

  it('sends RESET for a cursor that is not from this log', async () => {
    const token = await h().token(h().user());
    const sub = subscribeWs(client(token), EVENTS, { after: 'not-a-cursor' });
    const [reset] = await sub.take(1);
    expect(reset?.blobEvents.kind).toBe('RESET');
    sub.stop();
  });
});

describe('subscriptions over SSE', () => {
  it('delivers blobEvents to a graphql-sse client with the bearer header', async () => {
    const token = await h().token(h().user());
    const events = subscribeSse(url, token, EVENTS);
    await subscribed(token, 1);
    const id = await create(token, text('Streamed over SSE.'));
    const [first] = await events.take(1);
    expect(first?.blobEvents).toMatchObject({
      kind: 'CREATED',
      blobId: id,
      blob: { data: { content: 'Streamed over SSE.' } },
    });
    events.stop();
  });

  it('refuses an SSE subscription without a token', async () => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: queryText(EVENTS) }),
    });
    const body = await res.text();
    expect(body).toContain('UNAUTHENTICATED');
  });
});

describe('WebSocket hardening', () => {
  function rawSocket(token?: string, origin?: string) {
    const socket = new WebSocket(wsUrl(url), 'graphql-transport-ws', origin ? { origin } : {});
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    const opened = new Promise<void>((resolve, reject) => {
      socket.on('open', () => resolve());
      socket.on('error', reject);
    });
    if (token !== undefined) {
      void opened.then(() =>
        socket.send(
          JSON.stringify({
            type: 'connection_init',
            payload: { authorization: `Bearer ${token}` },
          }),
        ),
      );
    }
    return { socket, closed, opened };
  }

  it('closes with 4403 on a bad token and on a missing one', async () => {
    expect((await rawSocket('not.a.token').closed).code).toBe(4403);
    const bare = rawSocket();
    await bare.opened;
    bare.socket.send(JSON.stringify({ type: 'connection_init', payload: {} }));
    expect((await bare.closed).code).toBe(4403);
  });

  it('closes a socket that never sends connection_init (4408)', async () => {
    const { closed } = rawSocket();
    expect((await closed).code).toBe(4408);
  }, 15_000);

  it('closes a socket that sends a message over the size limit (1009)', async () => {
    const token = await h().token(h().user());
    const { socket, closed, opened } = rawSocket(token);
    await opened;
    socket.send('x'.repeat(h().app.config.wsMaxPayload + 1));
    expect((await closed).code).toBe(1009);
  });

  it('closes the socket when its token expires', async () => {
    const { mintToken } = await import('../src/auth/tokens');
    const { TEST_SECRET } = await import('./support/harness');
    const token = await mintToken(TEST_SECRET, h().user(), Math.floor(Date.now() / 1000) + 2);
    const { socket, closed } = rawSocket(token);
    const acked = new Promise<void>((resolve) =>
      socket.on('message', (m) => JSON.parse(m.toString()).type === 'connection_ack' && resolve()),
    );
    await acked;
    const result = await closed;
    expect(result).toEqual({ code: 4403, reason: 'Token expired' });
  }, 15_000);

  it('caps subscriptions per connection', async () => {
    const token = await h().token(h().user());
    const c = client(token);
    const subs = Array.from({ length: h().app.config.wsMaxSubscriptions }, () =>
      subscribeWs(c, EVENTS),
    );
    await subscribed(token, h().app.config.wsMaxSubscriptions);
    const extra = subscribeWs(c, EVENTS);
    await eventually(() => extra.error !== undefined);
    expect(subscriptionErrorCode(extra.error)).toBe('TOO_MANY_SUBSCRIPTIONS');
    for (const s of subs) s.stop();
  });
});

describe('allowed origins', () => {
  it('refuses a WebSocket upgrade from an origin not on the list', async () => {
    const { startHarness, stopHarness } = await import('./support/harness');
    const strict = await startHarness({ REYNA_ALLOWED_ORIGINS: 'https://studio.example' });
    try {
      const base = await strict.app.listen();
      const attempt = (origin: string) =>
        new Promise<number | 'open'>((resolve) => {
          const socket = new WebSocket(wsUrl(base), 'graphql-transport-ws', { origin });
          socket.on('open', () => {
            socket.close();
            resolve('open');
          });
          socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          socket.on('error', () => {});
        });
      expect(await attempt('https://evil.example')).toBe(403);
      expect(await attempt('https://studio.example')).toBe('open');
    } finally {
      await stopHarness(strict);
    }
  });
});
