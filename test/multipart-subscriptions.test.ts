/**
 * Subscriptions over Apollo's multipart HTTP protocol on a real listening server: read as raw
 * bytes with fetch (boundary, part headers, `payload` wrapping, heartbeats, the end of the
 * stream), and through Apollo Client's HttpLink, which speaks it for subscriptions. Auth, rate
 * limits and the per-user subscription cap apply as on the other transports, and a client that
 * goes away gives its subscription back.
 */
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBlobDocument } from '../client-sdk/index';
import { mintToken } from '../src/auth/tokens';
import {
  type GraphQLErrorBody,
  type Harness,
  startHarness,
  stopHarness,
  TEST_SECRET,
  useHarness,
} from './support/harness';
import { eventually, subOf, subscribedOn } from './support/realtime';

const h = useHarness({ REYNA_MAX_SUBSCRIPTIONS_PER_USER: '2' });
let base = '';
beforeAll(async () => {
  base = await h().app.listen();
});

const APOLLO_ACCEPT = 'multipart/mixed;subscriptionSpec=1.0';
const EVENTS = 'subscription { blobEvents { type blobId } }';
const write = async (token: string, content = 'A passage written while subscribed.') => {
  const r = await h().gql(
    CreateBlobDocument,
    { input: { schemaId: 'text-input-v1', data: { content } } },
    token,
  );
  return r.data!.createBlob.id;
};

/** A part's JSON: `{}` for a heartbeat, else `payload` (null, with `errors`, at the end). */
interface PartBody {
  payload?: { data?: unknown; errors?: GraphQLErrorBody[] } | null;
  errors?: GraphQLErrorBody[];
}

interface Stream {
  status: number;
  headers: Headers;
  /** Everything received so far, as text. */
  raw: () => string;
  /** The parsed JSON bodies of the parts received so far, each with its part headers. */
  parts: () => { headers: string; body: PartBody }[];
  /** The closing boundary has arrived. */
  ended: () => boolean;
  abort: () => void;
}

/** Opens a multipart subscription with fetch and reads its body as it streams. */
async function open(
  query: string,
  token: string | null,
  accept = APOLLO_ACCEPT,
  url = `${base}/graphql`,
): Promise<Stream> {
  const controller = new AbortController();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query }),
    signal: controller.signal,
  });
  let text = '';
  void (async () => {
    const decoder = new TextDecoder();
    const reader = res.body!.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // aborted
    }
  })();
  const segments = () => text.split('\r\n--graphql').slice(1);
  return {
    status: res.status,
    headers: res.headers,
    raw: () => text,
    // A part is complete once the boundary after it has arrived.
    parts: () =>
      segments()
        .slice(0, -1)
        .map((segment) => {
          const [headers = '', body = ''] = segment.replace(/^\r\n/, '').split('\r\n\r\n');
          return { headers, body: JSON.parse(body) as PartBody };
        }),
    ended: () => segments().at(-1)?.startsWith('--') ?? false,
    abort: () => controller.abort(),
  };
}
const payloads = (s: Stream) => s.parts().filter((p) => Object.keys(p.body).length > 0);

describe('the multipart protocol, read raw', () => {
  it('streams each event as a {"payload"} part under boundary "graphql", after a first heartbeat', async () => {
    const token = await h().token(h().user('mp'));
    const stream = await open(EVENTS, token);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe(
      'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"',
    );
    await subscribedOn(h().app.events, token, 1);
    const first = await write(token);
    const second = await write(token, 'A second passage, written after the first.');
    await expect.poll(() => payloads(stream).length).toBe(2);
    expect(
      stream
        .raw()
        .startsWith('\r\n--graphql\r\nContent-Type: application/json\r\n\r\n{}\r\n--graphql'),
    ).toBe(true);
    for (const part of stream.parts()) expect(part.headers).toBe('Content-Type: application/json');
    expect(payloads(stream).map((p) => p.body)).toEqual([
      { payload: { data: { blobEvents: { type: 'blob.created.text-input-v1', blobId: first } } } },
      { payload: { data: { blobEvents: { type: 'blob.created.text-input-v1', blobId: second } } } },
    ]);
    stream.abort();
  });

  it('gives the subscription back when the client goes away', async () => {
    const token = await h().token(h().user('mp-gone'));
    const stream = await open(EVENTS, token);
    await subscribedOn(h().app.events, token, 1);
    stream.abort();
    await eventually(() => h().app.events.subscriptionCount(subOf(token)) === 0);
    // The slot is free again: two more fit under the cap of 2.
    const a = await open(EVENTS, token);
    const b = await open(EVENTS, token);
    await subscribedOn(h().app.events, token, 2);
    a.abort();
    b.abort();
  });

  it('sends a {} heartbeat about every 5 seconds while nothing happens', async () => {
    const token = await h().token(h().user('mp-beat'));
    const stream = await open(EVENTS, token);
    const started = Date.now();
    await expect
      .poll(() => stream.parts().length, { timeout: 7_000, interval: 100 })
      .toBeGreaterThanOrEqual(2);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThan(4_000);
    expect(waited).toBeLessThan(6_500);
    expect(stream.parts().map((p) => p.body)).toEqual([{}, {}]);
    stream.abort();
  }, 15_000);

  it('ends the stream with {"payload": null, "errors"} when the token expires, and frees the slot', async () => {
    const user = h().user('mp-expiry');
    const token = await mintToken(TEST_SECRET, user, Math.floor(Date.now() / 1000) + 2);
    const stream = await open(EVENTS, token);
    await subscribedOn(h().app.events, token, 1);
    await expect.poll(() => stream.ended(), { timeout: 5_000 }).toBe(true);
    expect(stream.parts().at(-1)!.body).toEqual({
      payload: null,
      errors: [{ message: 'Token expired', extensions: { code: 'UNAUTHENTICATED' } }],
    });
    expect(stream.raw().endsWith('\r\n--graphql--\r\n')).toBe(true);
    await eventually(() => h().app.events.subscriptionCount(user) === 0);
  }, 10_000);
});

describe('what applies on every transport', () => {
  it('refuses a subscription without a token: one payload part, or JSON when the client takes it', async () => {
    const only = await open(EVENTS, null);
    await expect.poll(() => only.ended()).toBe(true);
    expect(only.parts().map((p) => p.body.payload?.errors?.[0]?.extensions?.code)).toContain(
      'UNAUTHENTICATED',
    );
    const withJson = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: `${APOLLO_ACCEPT},application/json` },
      body: JSON.stringify({ query: EVENTS }),
    });
    expect(withJson.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await withJson.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    const badToken = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: `${APOLLO_ACCEPT},application/json`,
        authorization: 'Bearer not.a.token',
      },
      body: JSON.stringify({ query: EVENTS }),
    });
    expect(badToken.status).toBe(401);
  });

  it("counts against the user's subscription cap across transports", async () => {
    const token = await h().token(h().user('mp-cap'));
    const a = await open(EVENTS, token);
    const b = await open(EVENTS, token);
    await subscribedOn(h().app.events, token, 2);
    const over = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: `${APOLLO_ACCEPT},application/json`,
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query: EVENTS }),
    });
    const body = (await over.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(h().app.events.subscriptionCount(subOf(token))).toBe(2);
    a.abort();
    b.abort();
  });

  it('answers 406 to a subscription no transport can carry, and does not keep it open', async () => {
    const token = await h().token(h().user('mp-406'));
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/html',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query: EVENTS }),
    });
    expect(res.status).toBe(406);
    await eventually(() => h().app.events.subscriptionCount(subOf(token)) === 0);
    // Both slots of the cap are still free.
    const a = await open(EVENTS, token);
    const b = await open(EVENTS, token);
    await subscribedOn(h().app.events, token, 2);
    a.abort();
    b.abort();
  });

  it('answers a query sent with the same Accept as plain JSON', async () => {
    const token = await h().token(h().user('mp-query'));
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: `${APOLLO_ACCEPT},application/json`,
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ query: '{ me { userId } }' }),
    });
    expect(await res.json()).toEqual({ data: { me: { userId: subOf(token) } } });
  });
});

describe('rate limits', () => {
  let limited: Harness | undefined;
  let limitedBase = '';
  beforeAll(async () => {
    limited = await startHarness({ REYNA_RATE_LIMIT_USER: '2' });
    limitedBase = await limited.app.listen();
  });
  afterAll(() => stopHarness(limited));

  it('refuses a multipart subscription over the per-user request limit with 429', async () => {
    const token = await limited!.token(limited!.user('mp-rate'));
    const url = `${limitedBase}/graphql`;
    const a = await open(EVENTS, token, APOLLO_ACCEPT, url);
    const b = await open(EVENTS, token, APOLLO_ACCEPT, url);
    const c = await open(EVENTS, token, APOLLO_ACCEPT, url);
    expect([a.status, b.status, c.status]).toEqual([200, 200, 429]);
    a.abort();
    b.abort();
  });
});

describe("Apollo Client's HttpLink", () => {
  it('receives subscription events over multipart HTTP and stops cleanly', async () => {
    const token = await h().token(h().user('mp-apollo'));
    const client = new ApolloClient({
      link: new HttpLink({ uri: `${base}/graphql`, headers: { authorization: `Bearer ${token}` } }),
      cache: new InMemoryCache(),
    });
    const received: unknown[] = [];
    const errors: unknown[] = [];
    const subscription = client
      .subscribe({ query: gql('subscription Watch { blobEvents { type blobId } }') })
      .subscribe({ next: (r) => received.push(r.data), error: (e) => errors.push(e) });
    try {
      await subscribedOn(h().app.events, token, 1);
      const id = await write(token);
      await expect.poll(() => received.length).toBe(1);
      expect(received[0]).toEqual({
        blobEvents: { __typename: 'BlobEvent', type: 'blob.created.text-input-v1', blobId: id },
      });
      expect(errors).toEqual([]);
    } finally {
      subscription.unsubscribe();
      client.stop();
    }
    await eventually(() => h().app.events.subscriptionCount(subOf(token)) === 0);
  });

  it('surfaces a refused subscription as an error with its code', async () => {
    const client = new ApolloClient({
      link: new HttpLink({ uri: `${base}/graphql` }),
      cache: new InMemoryCache(),
    });
    const results: { error?: unknown }[] = [];
    const subscription = client
      .subscribe({ query: gql('subscription Anonymous { blobEvents { type } }') })
      .subscribe({ next: (r) => results.push(r), error: (e) => results.push({ error: e }) });
    try {
      await expect.poll(() => results.length).toBe(1);
      expect(JSON.stringify(results[0])).toContain('UNAUTHENTICATED');
    } finally {
      subscription.unsubscribe();
      client.stop();
    }
  });
});
