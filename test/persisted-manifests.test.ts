/**
 * Several persisted-operation manifests at once, as a deployment serving a web app, an Android app
 * and an iOS app loads them: the SDK's (client-preset shape) beside two in Apollo's
 * persisted-query manifest shape. Each client sends its own ids (`extensions.persistedQuery.
 * sha256Hash`) over HTTP POST, HTTP GET and graphql-ws, the way Apollo Kotlin and Apollo iOS send
 * them (over WebSocket with no `query` at all). A bad manifest stops the start with a message that
 * says what is wrong and which shapes a manifest may take.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client/core';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { type DocumentNode, type FormattedExecutionResult, getOperationAST } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApp } from '../src/app';
import { ConfigError, loadConfig } from '../src/config';
import { schema } from '../src/graphql/schema';
import { loadPersistedOperations, MANIFEST_SHAPES } from '../src/http/persisted-operations';
import { openTestDatabase } from './support/database';
import {
  type GraphQLErrorBody,
  type Harness,
  startHarness,
  stopHarness,
  testEnv,
  useHarness,
} from './support/harness';
import { subOf, subscribedOn, wsUrl } from './support/realtime';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const SDK_MANIFEST = resolve(
  import.meta.dirname,
  '../client-sdk/generated/persisted-documents.json',
);
const sdkHashOf = (name: string) => {
  const manifest = JSON.parse(readFileSync(SDK_MANIFEST, 'utf8')) as Record<string, string>;
  const operation = new RegExp(`(query|mutation|subscription) ${name}\\b`);
  return Object.entries(manifest).find(([, text]) => operation.test(text))![0];
};

/** An Apollo persisted-query manifest entry for an operation text. */
const entry = (body: string, id = sha(body)) => {
  const op = getOperationAST(gql(body) as DocumentNode)!;
  return { id, body, name: op.name!.value, type: op.operation };
};
const apollo = (operations: unknown[]) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations,
});

// The Android app (Apollo Kotlin: ids are the sha256 of the body, the default).
const ANDROID = {
  me: entry('query AndroidMe {\n  me {\n    userId\n    blobCount\n  }\n}'),
  write: entry(
    'mutation WritePassage($input: CreateBlobInput!) {\n  createBlob(input: $input) {\n    id\n    schemaId\n  }\n}',
  ),
  events: entry('subscription MyBlobEvents {\n  blobEvents {\n    type\n    blobId\n  }\n}'),
};
// The iOS app: its own ids (a custom id generator), and one operation shared with Android.
const IOS = {
  me: entry('query IosMe { me { userId } }', 'ios/IosMe@1'),
  write: ANDROID.write,
};

const dir = mkdtempSync(join(tmpdir(), 'reyna-manifests-'));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const androidPath = file('android.json', apollo(Object.values(ANDROID)));
const iosPath = file('ios.json', apollo(Object.values(IOS)));
const MANIFESTS = [SDK_MANIFEST, androidPath, iosPath].join(',');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const h = useHarness({ REYNA_PERSISTED_OPERATIONS: MANIFESTS, REYNA_PERSISTED_ONLY: 'true' });
let base = '';
beforeAll(async () => {
  base = await h().app.listen();
});

const persisted = (id: string) => ({ persistedQuery: { version: 1, sha256Hash: id } });

/** A GraphQL answer over HTTP, its data typed `T` when the test names it. */
interface Answer<T> {
  status: number;
  body: { data?: T | null; errors?: GraphQLErrorBody[] };
}
interface MeAnswer {
  me: { userId: string; blobCount: number };
}
interface Written {
  createBlob: { id: string; schemaId: string };
}

/** What the server sends over graphql-ws, as far as these tests read it. */
type WsMessage =
  | { type: 'connection_ack' | 'complete' | 'ping' | 'pong'; id?: string; payload?: unknown }
  | {
      type: 'next';
      id: string;
      payload: FormattedExecutionResult<{ blobEvents: { type: string; blobId: string } }>;
    }
  | { type: 'error'; id: string; payload: GraphQLErrorBody[] };

async function post<T = unknown>(
  body: Record<string, unknown>,
  token: string,
  url = `${base}/graphql`,
): Promise<Answer<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Answer<T>['body'] };
}

/** A GET as Apollo Kotlin sends a hashed query by default: every parameter in the URL. */
async function get(id: string, operationName: string, token: string): Promise<Answer<unknown>> {
  const params = new URLSearchParams({
    operationName,
    variables: '{}',
    extensions: JSON.stringify(persisted(id)),
  });
  const res = await fetch(`${base}/graphql?${params}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  return { status: res.status, body: (await res.json()) as Answer<unknown>['body'] };
}

describe('three manifests in allowlist mode', () => {
  it('runs each manifest’s operations by their ids over POST', async () => {
    const token = await h().token(h().user('pq-multi'));
    const user = subOf(token);
    const android = await post({ extensions: persisted(ANDROID.me.id) }, token);
    expect(android).toEqual({
      status: 200,
      body: { data: { me: { userId: user, blobCount: 0 } } },
    });
    const ios = await post({ extensions: persisted(IOS.me.id) }, token);
    expect(ios.body).toEqual({ data: { me: { userId: user } } });
    const sdk = await post<MeAnswer>({ extensions: persisted(sdkHashOf('Me')) }, token);
    expect(sdk.body.data!.me.userId).toBe(user);
    const written = await post<Written>(
      {
        extensions: persisted(IOS.write.id),
        variables: { input: { schemaId: 'text-input-v1', data: { content: 'From the iOS app.' } } },
      },
      token,
    );
    expect(written.body.data!.createBlob.schemaId).toBe('text-input-v1');
    const after = await post<MeAnswer>({ extensions: persisted(ANDROID.me.id) }, token);
    expect(after.body.data!.me.blobCount).toBe(1);
  });

  it('runs a hashed query sent as GET with its parameters in the URL (Apollo Kotlin’s default)', async () => {
    const token = await h().token(h().user('pq-get'));
    const res = await get(ANDROID.me.id, 'AndroidMe', token);
    expect(res).toEqual({
      status: 200,
      body: { data: { me: { userId: subOf(token), blobCount: 0 } } },
    });
    const custom = await get(IOS.me.id, 'IosMe', token);
    expect(custom.body).toEqual({ data: { me: { userId: subOf(token) } } });
    const unknown = await get('f'.repeat(64), 'Nothing', token);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('runs a subscription sent over graphql-ws with no query, only the Apollo id', async () => {
    const token = await h().token(h().user('pq-ws'));
    const socket = new WebSocket(wsUrl(base), 'graphql-transport-ws');
    const messages: WsMessage[] = [];
    socket.on('message', (m) => messages.push(JSON.parse(m.toString()) as WsMessage));
    const nextFor = (id: string) =>
      messages.find(
        (m): m is Extract<WsMessage, { type: 'next' }> => m.type === 'next' && m.id === id,
      );
    const closed = new Promise<number>((r) => socket.on('close', (code) => r(code)));
    await new Promise<void>((r) => socket.on('open', () => r()));
    socket.send(
      JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } }),
    );
    await expect.poll(() => messages.some((m) => m.type === 'connection_ack')).toBe(true);
    // Exactly what Apollo Kotlin sends for a persisted subscription: no `query` key at all.
    socket.send(
      JSON.stringify({
        id: 'android-1',
        type: 'subscribe',
        payload: {
          operationName: 'MyBlobEvents',
          variables: {},
          extensions: persisted(ANDROID.events.id),
        },
      }),
    );
    // And the SDK's way, with an empty query and its client-preset hash.
    socket.send(
      JSON.stringify({
        id: 'sdk-1',
        type: 'subscribe',
        payload: { query: '', variables: {}, extensions: persisted(sdkHashOf('BlobEvents')) },
      }),
    );
    await subscribedOn(h().app.events, token, 2);
    const written = await post<Written>(
      {
        extensions: persisted(ANDROID.write.id),
        variables: {
          input: { schemaId: 'text-input-v1', data: { content: 'Written on Android.' } },
        },
      },
      token,
    );
    const blobId = written.body.data!.createBlob.id;
    await expect
      .poll(() =>
        messages
          .filter((m) => m.type === 'next')
          .map((m) => m.id)
          .sort(),
      )
      .toEqual(['android-1', 'sdk-1']);
    const android = nextFor('android-1');
    expect(android?.payload).toEqual({
      data: { blobEvents: { type: 'blob.created.text-input-v1', blobId } },
    });
    const sdk = nextFor('sdk-1');
    expect(sdk?.payload.data?.blobEvents.blobId).toBe(blobId);
    // An unknown id without a query is refused as on HTTP, and the socket stays open.
    socket.send(
      JSON.stringify({
        id: 'unknown-1',
        type: 'subscribe',
        payload: { extensions: persisted('0'.repeat(64)) },
      }),
    );
    await expect
      .poll(
        () =>
          messages.find(
            (m): m is Extract<WsMessage, { type: 'error' }> =>
              m.type === 'error' && m.id === 'unknown-1',
          )?.payload[0]?.extensions.code,
      )
      .toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
    expect(await closed).toBe(1005);
  });

  it('runs a persisted subscription by id over multipart HTTP, as Apollo Kotlin sends one', async () => {
    const token = await h().token(h().user('pq-multipart'));
    const controller = new AbortController();
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;subscriptionSpec=1.0, application/json',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        operationName: 'MyBlobEvents',
        extensions: persisted(ANDROID.events.id),
      }),
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toContain('subscriptionSpec');
    let text = '';
    const reader = res.body!.getReader();
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })();
    await subscribedOn(h().app.events, token, 1);
    const written = await post<Written>(
      {
        extensions: persisted(ANDROID.write.id),
        variables: {
          input: { schemaId: 'text-input-v1', data: { content: 'Streamed to Android.' } },
        },
      },
      token,
    );
    const blobId = written.body.data!.createBlob.id;
    await expect
      .poll(() => text)
      .toContain(
        JSON.stringify({
          payload: { data: { blobEvents: { type: 'blob.created.text-input-v1', blobId } } },
        }),
      );
    controller.abort();
  });

  it("works with Apollo Client's persisted-query link sending the iOS app's custom ids by GET", async () => {
    const token = await h().token(h().user('pq-apollo'));
    const ids = new Map(Object.values(IOS).map((op) => [op.name, op.id]));
    const sent: string[] = [];
    const client = new ApolloClient({
      link: createPersistedQueryLink({
        generateHash: (document) => ids.get(getOperationAST(document)!.name!.value)!,
        useGETForHashedQueries: true,
        retry: () => false,
      }).concat(
        new HttpLink({
          uri: `${base}/graphql`,
          headers: { authorization: `Bearer ${token}` },
          fetch: (input, init) => {
            sent.push(`${init?.method ?? 'GET'} ${String(input)}`);
            return fetch(input, init);
          },
        }),
      ),
      cache: new InMemoryCache(),
    });
    try {
      const me = await client.query({ query: gql(IOS.me.body), fetchPolicy: 'network-only' });
      // The server runs the manifest's body: the fields the app was built with.
      expect((me.data as { me?: { userId: string } }).me?.userId).toBe(subOf(token));
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/^GET .*extensions=/);
      expect(sent[0]).not.toMatch(/query=/);
    } finally {
      client.stop();
    }
  });
});

describe('a manifest that is not an allowlist', () => {
  let open: Harness | undefined;
  let openBase = '';
  beforeAll(async () => {
    open = await startHarness({ REYNA_PERSISTED_OPERATIONS: androidPath });
    openBase = await open.app.listen();
  });
  afterAll(() => stopHarness(open));

  it('answers an unknown id with HTTP 200 "PersistedQueryNotFound", the word Apollo clients resend the text on', async () => {
    const token = await open!.token(open!.user('apq'));
    const res = await post({ extensions: persisted('0'.repeat(64)) }, token, `${openBase}/graphql`);
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([
      { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } },
    ]);
  });

  it("lets Apollo Client's persisted-query link fall back to the text of an operation not in the manifest", async () => {
    const token = await open!.token(open!.user('apq'));
    const sent: Record<string, unknown>[] = [];
    const client = new ApolloClient({
      link: createPersistedQueryLink({ sha256: (text) => sha(text) }).concat(
        new HttpLink({
          uri: `${openBase}/graphql`,
          headers: { authorization: `Bearer ${token}` },
          fetch: (input, init) => {
            sent.push(JSON.parse(String(init?.body)));
            return fetch(input, init);
          },
        }),
      ),
      cache: new InMemoryCache(),
    });
    try {
      const me = await client.query({
        query: gql('query NotInManifest { me { userId } }'),
        fetchPolicy: 'network-only',
      });
      expect(me.data).toEqual({ me: { __typename: 'UserState', userId: subOf(token) } });
      expect(sent).toHaveLength(2);
      expect(sent[0]!.query).toBeUndefined();
      expect(sent[1]!.query).toContain('NotInManifest');
    } finally {
      client.stop();
    }
  });
});

describe('bad manifests stop the start', () => {
  const options = { allowlist: true, graphiqlExempt: false };
  const refusal = (...paths: string[]) =>
    loadPersistedOperations(paths, schema, options).then(
      () => null,
      (e: unknown) => e as Error,
    );

  it('reads a comma-separated list of manifests from REYNA_PERSISTED_OPERATIONS', () => {
    const config = loadConfig({ REYNA_PERSISTED_OPERATIONS: ` ${androidPath} , ${iosPath},,` });
    expect(config.persistedOperations).toEqual([androidPath, iosPath]);
    expect(loadConfig({ REYNA_PERSISTED_OPERATIONS: ' , ' }).persistedOperations).toBeUndefined();
  });

  it('says what is wrong with a file that is neither shape, and which shapes it takes', async () => {
    const cases: [unknown, RegExp][] = [
      ['not json', /cannot be read as JSON/],
      [['query A { me { userId } }'], /is not a manifest: it is an array/],
      [
        { format: 'relay', operations: [] },
        /"format" is "relay", not "apollo-persisted-query-manifest"/,
      ],
      [{ ...apollo([]), version: 2 }, /"version" is 2, not 1/],
      [{ ...apollo([]), operations: {} }, /"operations" is not an array/],
    ];
    for (const [content, message] of cases) {
      const error = await refusal(file('shape.json', content));
      expect(error, String(content)).toBeInstanceOf(ConfigError);
      expect(error!.message).toMatch(message);
      expect(error!.message).toContain(MANIFEST_SHAPES);
    }
    expect((await refusal(join(dir, 'missing.json')))!.message).toContain(MANIFEST_SHAPES);
    expect((await refusal(file('empty.json', apollo([]))))!.message).toMatch(/holds no operations/);
  });

  it('names each bad Apollo entry: missing fields, wrong type or name, several operations, a stale field', async () => {
    const me = 'query AndroidMe { me { userId } }';
    const cases: [unknown, RegExp][] = [
      [{ body: me, name: 'AndroidMe', type: 'query' }, /"id" must be a non-empty string/],
      [{ id: 'a', name: 'AndroidMe', type: 'query' }, /\(a\): "body" is not a string/],
      [
        { id: 'a', body: me, name: 'AndroidMe', type: 'fetch' },
        /"type" must be one of query, mutation, subscription/,
      ],
      [
        { id: 'a', body: me, name: 'AndroidMe', type: 'mutation' },
        /a: "type" is mutation but the body is a query/,
      ],
      [
        { id: 'a', body: me, name: 'Me', type: 'query' },
        /a: "name" is "Me" but the body's operation is "AndroidMe"/,
      ],
      [
        { id: 'a', body: `${me} query B { me { blobCount } }`, name: 'AndroidMe', type: 'query' },
        /a: "body" holds 2 operations/,
      ],
      [
        { id: 'a', body: 'query AndroidMe { me { nope } }', name: 'AndroidMe', type: 'query' },
        /a: Cannot query field "nope"/,
      ],
    ];
    for (const [op, message] of cases) {
      const error = await refusal(file('entry.json', apollo([op])));
      expect(error, JSON.stringify(op)).toBeInstanceOf(ConfigError);
      expect(error!.message).toMatch(message);
      expect(error!.message).toContain('entry.json');
    }
  });

  it('refuses one id naming different operations in two manifests, and accepts the same one twice', async () => {
    const clash = file('clash.json', apollo([{ ...IOS.me, id: ANDROID.me.id }]));
    const error = await refusal(androidPath, clash);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toContain(
      `${ANDROID.me.id}: also in ${androidPath} with a different operation`,
    );
    const loaded = await loadPersistedOperations([androidPath, iosPath], schema, options);
    expect(loaded.documents.get(ANDROID.write.id)).toBe(ANDROID.write.body);
    expect(loaded.documents.size).toBe(4);
  });

  it('does not start a server when any one of several manifests is bad', async () => {
    const stale = file(
      'stale.json',
      apollo([{ ...entry('query Stale { me { userId } }'), name: 'Other' }]),
    );
    const testDb = await openTestDatabase();
    try {
      const config = loadConfig(testEnv({ REYNA_PERSISTED_OPERATIONS: `${androidPath},${stale}` }));
      const error = await createApp(config, { database: testDb.database }).then(
        async (app) => {
          await app.stop();
          return null;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('stale.json');
    } finally {
      await testDb.drop();
    }
  });
});
