/**
 * Persisted operations: the codegen manifest loaded by a real listening server. In allowlist
 * mode the SDK (sending hashes) and Apollo's persisted-query link work over HTTP and graphql-ws,
 * operation text is refused and writes nothing, GraphiQL keeps working in development, and a
 * manifest that does not fit the schema stops the server from starting.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client/core';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { createClient as createSseClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  BlobEventsDocument,
  type BlobEventsSubscription,
  CreateBlobDocument,
  createStudioClient,
  MeDocument,
  type MeQuery,
  persistedHashOf,
  StudioError,
} from '../client-sdk/index';
import { createApp } from '../src/app';
import { ConfigError, loadConfig } from '../src/config';
import { schema } from '../src/graphql/schema';
import { loadPersistedOperations } from '../src/http/persisted-operations';
import { openTestDatabase } from './support/database';
import {
  type Harness,
  type RestError,
  startHarness,
  stopHarness,
  testEnv,
  useHarness,
} from './support/harness';
import { eventually, subOf, subscribedOn, subscribeWs, wsClient } from './support/realtime';
import { sdkFlow, text } from './support/sdk-flow';

const MANIFEST = resolve(import.meta.dirname, '../client-sdk/generated/persisted-documents.json');
const ALLOWLIST = { REYNA_PERSISTED_OPERATIONS: MANIFEST, REYNA_PERSISTED_ONLY: 'true' };

const h = useHarness({ ...ALLOWLIST, REYNA_GRAPHIQL: 'true' });
let base = '';
let url = '';
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  base = await h().app.listen();
  url = `${base}/graphql`;
});
afterAll(async () => {
  for (const c of cleanups) await c();
});

/** POSTs `body` as JSON; the answer's data is typed `T` when the test names it. */
async function post<T = unknown>(
  body: unknown,
  token: string | null,
  headers: Record<string, string> = {},
  target = url,
) {
  const res = await fetch(target, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as { data?: T | null; errors?: { extensions?: { code?: string } }[] },
  };
}

const hashed = (sha256Hash: string) => ({
  extensions: { persistedQuery: { version: 1, sha256Hash } },
});
const blobCount = async (token: string) =>
  (await post<MeQuery>({ ...hashed(persistedHashOf(MeDocument)!) }, token)).body.data!.me.blobCount;

describe('allowlist mode', () => {
  it('runs the SDK by hash: a query, a mutation and a subscription that sees a derived blob', async () => {
    const token = await h().token(h().user('pq'));
    const sdk = createStudioClient({ url, token, webSocketImpl: WebSocket, persisted: true });
    cleanups.push(() => sdk.dispose());
    await sdkFlow(sdk, token, h().app.events);
  });

  it('refuses operation text with PERSISTED_QUERY_ONLY and writes nothing', async () => {
    const token = await h().token(h().user('pq'));
    const before = await blobCount(token);
    const refused = await post(
      {
        query: 'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id } }',
        variables: { input: text('smuggled') },
      },
      token,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ONLY');
    expect(refused.body.data ?? null).toBeNull();
    expect(await blobCount(token)).toBe(before);

    // The SDK sending text gets the same typed error.
    const sdk = createStudioClient({ url, token, webSocketImpl: WebSocket });
    cleanups.push(() => sdk.dispose());
    const error = await sdk.query(MeDocument).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('answers an unknown hash or a request with neither text nor hash with PERSISTED_QUERY_NOT_FOUND', async () => {
    const token = await h().token(h().user('pq'));
    const unknown = await post(hashed('0'.repeat(64)), token);
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const empty = await post({ variables: {} }, token);
    expect(empty.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const wrongVersion = await post(
      { extensions: { persistedQuery: { version: 2, sha256Hash: persistedHashOf(MeDocument) } } },
      token,
    );
    expect(wrongVersion.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses text and unknown hashes over graphql-ws too', async () => {
    const token = await h().token(h().user('pq'));
    const client = wsClient(base, token);
    cleanups.push(() => client.dispose());
    const asText = subscribeWs(client, 'subscription { blobEvents { reset } }');
    await eventually(() => asText.error !== undefined);
    expect((asText.error as { extensions: { code: string } }[])[0]!.extensions.code).toBe(
      'PERSISTED_QUERY_ONLY',
    );
    const errors: unknown[] = [];
    client.subscribe(
      { query: '', extensions: hashed('f'.repeat(64)).extensions },
      { next: () => {}, error: (e) => errors.push(e), complete: () => {} },
    );
    await eventually(() => errors.length > 0);
    expect((errors[0] as { extensions: { code: string } }[])[0]!.extensions.code).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
    expect(h().app.events.subscriptionCount(subOf(token))).toBe(0);
  });

  it('runs a subscription by hash over SSE', async () => {
    const token = await h().token(h().user('pq-sse'));
    const client = createSseClient({
      url,
      headers: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    cleanups.push(() => client.dispose());
    const types: string[] = [];
    const errors: unknown[] = [];
    client.subscribe<BlobEventsSubscription>(
      { query: '', ...hashed(persistedHashOf(BlobEventsDocument)!), variables: {} },
      {
        next: (r) => (r.errors ? errors.push(r.errors) : types.push(r.data!.blobEvents.type ?? '')),
        error: (e) => errors.push(e),
        complete: () => {},
      },
    );
    await subscribedOn(h().app.events, token, 1);
    const sdk = createStudioClient({ url, token, webSocketImpl: WebSocket, persisted: true });
    cleanups.push(() => sdk.dispose());
    await sdk.mutate(CreateBlobDocument, {
      input: text('A subscription over Server-Sent Events.'),
    });
    await eventually(() => types.length >= 1);
    expect(errors).toEqual([]);
    expect(types).toEqual(['blob.created.text-input-v1']);
  });

  it("works with Apollo Client's persisted-query link, sending only the hash", async () => {
    const token = await h().token(h().user('apollo-pq'));
    const sent: string[] = [];
    const client = new ApolloClient({
      link: createPersistedQueryLink({
        generateHash: (document) => persistedHashOf(document)!,
        retry: () => false,
      }).concat(
        new HttpLink({
          uri: url,
          headers: { authorization: `Bearer ${token}` },
          fetch: (input, init) => {
            sent.push(String(init?.body));
            return fetch(input, init);
          },
        }),
      ),
      cache: new InMemoryCache(),
    });
    cleanups.push(() => client.stop());
    const me = await client.query({ query: MeDocument, fetchPolicy: 'network-only' });
    expect(me.data?.me.userId).toBe(subOf(token));
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!).query).toBeUndefined();
  });

  it('refuses registry writes over REST too, even for an admin, and writes nothing; REST reads stay', async () => {
    const admin = await h().token(h().user('admin'), { roles: ['registry-admin'] });
    const id = `allowlist-rest-${Date.now()}-v1`;
    const rest = (method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const refused = await rest('POST', '/schemas', { $id: id, type: 'object' });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as RestError).error.code).toBe('PERSISTED_QUERY_ONLY');
    expect((await rest('GET', `/schemas/${id}`)).status).toBe(404);
    const read = await rest('GET', '/schemas/text-input-v1');
    expect(read.status).toBe(200);
  });

  it('keeps GraphiQL usable in development: the page loads and its requests may send text', async () => {
    const page = await fetch(url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('ReYNa Studio API');
    expect(html).toContain('x-reyna-graphiql');
    const token = await h().token(h().user('graphiql'));
    const adHoc = await post<{ me: { userId: string } }>({ query: '{ me { userId } }' }, token, {
      'x-reyna-graphiql': '1',
    });
    expect(adHoc.status).toBe(200);
    expect(adHoc.body.data!.me.userId).toBe(subOf(token));
  });
});

describe('with GraphiQL off (production)', () => {
  let prod: Harness | undefined;
  beforeAll(async () => {
    prod = await startHarness({ ...ALLOWLIST, REYNA_GRAPHIQL: 'false' });
  });
  afterAll(() => stopHarness(prod));

  it('serves no GraphiQL and refuses text even with the GraphiQL header', async () => {
    const page = await prod!.app.yoga.fetch('http://studio.test/graphql', {
      headers: { accept: 'text/html' },
    });
    expect(await page.text()).not.toContain('ReYNa Studio API');
    const token = await prod!.token(prod!.user('prod'));
    const res = await prod!.app.yoga.fetch('http://studio.test/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-reyna-graphiql': '1',
      },
      body: JSON.stringify({ query: '{ me { userId } }' }),
    });
    const body = (await res.json()) as { errors?: { extensions: { code: string } }[] };
    expect(body.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_ONLY');
  });

  it('turns GraphiQL off by default with NODE_ENV=production', () => {
    const env = { REYNA_JWT_SECRET: 'x'.repeat(32), DATABASE_URL: 'postgres://h/db' };
    expect(loadConfig({ ...env, NODE_ENV: 'production' }).graphiql).toBe(false);
    expect(loadConfig(env).graphiql).toBe(true);
    expect(loadConfig({ ...env, NODE_ENV: 'production', REYNA_GRAPHIQL: 'on' }).graphiql).toBe(
      true,
    );
  });
});

describe('without allowlist mode', () => {
  let open: Harness | undefined;
  beforeAll(async () => {
    open = await startHarness({ REYNA_PERSISTED_OPERATIONS: MANIFEST });
  });
  afterAll(() => stopHarness(open));

  it('accepts both operation text and manifest hashes', async () => {
    const token = await open!.token(open!.user('open'));
    const run = async (body: unknown) => {
      const res = await open!.app.yoga.fetch('http://studio.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return (await res.json()) as { data?: { me: { userId: string } } };
    };
    expect((await run({ query: '{ me { userId } }' })).data?.me.userId).toBe(subOf(token));
    expect((await run(hashed(persistedHashOf(MeDocument)!))).data?.me.userId).toBe(subOf(token));
  });
});

describe('bad configuration', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reyna-pq-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const options = { allowlist: true, graphiqlExempt: false };
  const manifest = async (name: string, content: string) => {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  };
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const refusal = (path: string) =>
    loadPersistedOperations([path], schema, options).then(
      () => null,
      (e: unknown) => e,
    );

  it('refuses a manifest whose hash does not match its text', async () => {
    const path = await manifest(
      'tampered.json',
      JSON.stringify({ [sha('{ me { userId } }')]: '{ me { blobCount } }' }),
    );
    const error = await refusal(path);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/not the sha256/);
  });

  it('refuses a manifest with an operation this schema cannot run', async () => {
    const op = '{ me { noSuchField } }';
    const error = await refusal(await manifest('stale.json', JSON.stringify({ [sha(op)]: op })));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/noSuchField/);
    const broken = '{ me { ';
    const syntax = await refusal(
      await manifest('syntax.json', JSON.stringify({ [sha(broken)]: broken })),
    );
    expect((syntax as Error).message).toMatch(/Syntax Error/);
  });

  it('refuses a file that is missing, not JSON, not an object or empty', async () => {
    for (const path of [
      join(dir, 'missing.json'),
      await manifest('text.json', 'not json'),
      await manifest('array.json', '["{ me { userId } }"]'),
      await manifest('empty.json', '{}'),
      await manifest('number.json', JSON.stringify({ [sha('x')]: 42 })),
    ]) {
      expect(await refusal(path), path).toBeInstanceOf(ConfigError);
    }
  });

  it('needs a manifest for allowlist mode, and a true or false flag', () => {
    expect(() => loadConfig({ REYNA_PERSISTED_ONLY: 'true' })).toThrow(
      /REYNA_PERSISTED_OPERATIONS/,
    );
    expect(() =>
      loadConfig({ REYNA_PERSISTED_OPERATIONS: MANIFEST, REYNA_PERSISTED_ONLY: 'maybe' }),
    ).toThrow(/REYNA_PERSISTED_ONLY must be true or false/);
  });

  it('does not start a server with a bad manifest', async () => {
    const op = '{ me { noSuchField } }';
    const path = await manifest('server.json', JSON.stringify({ [sha(op)]: op }));
    const testDb = await openTestDatabase();
    try {
      const config = loadConfig(testEnv({ REYNA_PERSISTED_OPERATIONS: path }));
      const error = await createApp(config, { database: testDb.database }).then(
        async (app) => {
          await app.stop();
          return null;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
    } finally {
      await testDb.drop();
    }
  });
});
