/**
 * The client SDK and the generated documents against a real server: the SDK itself, urql and
 * Apollo Client each run a query, a mutation and a subscription that sees a derived blob.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client/core';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { fetchExchange, subscriptionExchange, Client as UrqlClient } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  BlobDerivedDocument,
  type BlobDerivedSubscription,
  CancelRunDocument,
  CompileBookDocument,
  CreateBlobDocument,
  CreateBookDocument,
  createStudioClient,
  MeDocument,
  RetryRunDocument,
  RunsDocument,
  StudioError,
} from '../client-sdk/index';
import { mintToken } from '../src/auth/tokens';
import { TEST_SECRET, useHarness } from './support/harness';
import { eventually, subOf, subscribedOn, wsUrl } from './support/realtime';
import { child, sdkFlow, text } from './support/sdk-flow';

const h = useHarness();
let url = '';
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  url = `${await h().app.listen()}/graphql`;
});
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('client SDK', () => {
  it('queries, mutates and subscribes with the generated documents', async () => {
    const token = await h().token(h().user('sdk'));
    const sdk = createStudioClient({ url, token, webSocketImpl: WebSocket });
    cleanups.push(() => sdk.dispose());
    await sdkFlow(sdk, token, h().app.events);
  });

  it('throws a StudioError carrying extensions.code', async () => {
    const sdk = createStudioClient({ url, token: 'not-a-token', webSocketImpl: WebSocket });
    cleanups.push(() => sdk.dispose());
    const error = await sdk.query(MeDocument).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBeTypeOf('string');
    const token = await h().token(h().user('sdk'));
    const ok = createStudioClient({ url, token, webSocketImpl: WebSocket });
    cleanups.push(() => ok.dispose());
    const invalid = await ok
      .mutate(CreateBlobDocument, { input: { schemaId: 'text-input-v1', data: { nope: 1 } } })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(StudioError);
    expect((invalid as StudioError).code).toBeTruthy();
  });

  it('resumes a subscription after a reconnect from the last cursor it saw', async () => {
    const token = await h().token(h().user('sdk'));
    const sdk = createStudioClient({ url, token, webSocketImpl: WebSocket });
    cleanups.push(() => sdk.dispose());
    const { createBlob: parent } = await sdk.mutate(CreateBlobDocument, {
      input: text('A passage.'),
    });
    const got: string[] = [];
    let socket: WebSocket | undefined;
    cleanups.push(sdk.ws.on('connected', (s) => (socket = s as WebSocket)));
    const stop = sdk.subscribe(
      BlobDerivedDocument,
      { parentId: parent.id },
      { next: (d) => got.push(d.blobDerived.derivedId ?? `reset:${d.blobDerived.reset}`) },
    );
    await subscribedOn(h().app.events, token, 1);
    const first = (await sdk.mutate(CreateBlobDocument, { input: child(parent.id) })).createBlob;
    await eventually(() => got.length >= 1);
    // Drop the connection, write while it is down, and expect the write after reconnecting.
    socket!.terminate();
    const second = (await sdk.mutate(CreateBlobDocument, { input: child(parent.id) })).createBlob;
    await eventually(() => got.includes(second.id), 10_000);
    expect(got.filter((id) => id === first.id)).toHaveLength(1);
    stop();
  });
});

describe('tokens', () => {
  /** A subscription to a fresh parent's derived blobs, recording what reaches each handler. */
  async function watch(sdk: ReturnType<typeof createStudioClient>, writer: string) {
    const parent = (
      await writerClient(writer).mutate(CreateBlobDocument, {
        input: text('A passage being watched.'),
      })
    ).createBlob;
    const got: string[] = [];
    const errors: StudioError[] = [];
    const closes: (number | undefined)[] = [];
    cleanups.push(sdk.ws.on('closed', (e) => closes.push((e as { code?: number }).code)));
    const stop = sdk.subscribe(
      BlobDerivedDocument,
      { parentId: parent.id },
      { next: (d) => got.push(d.blobDerived.derivedId ?? 'reset'), error: (e) => errors.push(e) },
    );
    cleanups.push(stop);
    return { parent, got, errors, closes };
  }
  const writerClient = (token: string) => {
    const sdk = createStudioClient({ url, token });
    cleanups.push(() => sdk.dispose());
    return sdk;
  };

  it('reconnects with a fresh token from the token function when the server closes an expired one (4403)', async () => {
    const user = h().user('expiring');
    let minted = 0;
    const sdk = createStudioClient({
      url,
      webSocketImpl: WebSocket,
      token: () => {
        minted++;
        return mintToken(TEST_SECRET, user, '3s');
      },
    });
    cleanups.push(() => sdk.dispose());
    const longLived = await h().token(user);
    const { parent, got, errors, closes } = await watch(sdk, longLived);
    await eventually(() => closes.includes(4403), 10_000);
    // The socket comes back with a new token: blobs derived from now on are delivered.
    const writer = writerClient(longLived);
    const written: string[] = [];
    let last = 0;
    await eventually(async () => {
      if (got.length > 0) return true;
      if (Date.now() - last > 300) {
        last = Date.now();
        written.push(
          (await writer.mutate(CreateBlobDocument, { input: child(parent.id) })).createBlob.id,
        );
      }
      return false;
    }, 10_000);
    expect(written).toContain(got[0]);
    expect(errors).toEqual([]);
    expect(minted).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('surfaces UNAUTHENTICATED only when the fresh token is refused too', async () => {
    const user = h().user('revoked');
    let calls = 0;
    const sdk = createStudioClient({
      url,
      webSocketImpl: WebSocket,
      token: async () => (++calls === 1 ? mintToken(TEST_SECRET, user, '2s') : 'not-a-token'),
    });
    cleanups.push(() => sdk.dispose());
    const { errors, closes } = await watch(sdk, await h().token(user));
    await eventually(() => errors.length > 0, 15_000);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StudioError);
    expect(errors[0]!.code).toBe('UNAUTHENTICATED');
    expect(calls).toBe(2);
    expect(closes).toEqual([4403, 4403]);
  }, 30_000);

  it('fails a subscription with a fixed token the server refuses as UNAUTHENTICATED, at once', async () => {
    const sdk = createStudioClient({ url, token: 'not-a-token', webSocketImpl: WebSocket });
    cleanups.push(() => sdk.dispose());
    const { errors, closes } = await watch(sdk, await h().token(h().user('writer')));
    await eventually(() => errors.length > 0, 10_000);
    expect(errors.map((e) => e.code)).toEqual(['UNAUTHENTICATED']);
    expect(closes).toEqual([4403]);
  });

  it('retries an HTTP request refused as UNAUTHENTICATED once, when the token function has a new token', async () => {
    const user = h().user('http');
    const good = await h().token(user);
    const tokens = ['not-a-token', good];
    let calls = 0;
    const sdk = createStudioClient({ url, token: () => tokens[Math.min(calls++, 1)]! });
    expect((await sdk.query(MeDocument)).me.userId).toBe(user);
    expect(calls).toBe(2);
    // The same refused token again is not retried.
    const stuck = createStudioClient({ url, token: () => 'not-a-token' });
    const error = await stuck.query(MeDocument).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('UNAUTHENTICATED');
    expect((error as StudioError).status).toBe(401);
  });
});

describe('runs', () => {
  it('lists, cancels and retries a run with the generated documents', async () => {
    // No processor runs in this harness: a compile stays QUEUED until cancelled.
    const token = await h().token(h().user('runs'));
    const sdk = createStudioClient({ url, token });
    const { createBook: book } = await sdk.mutate(CreateBookDocument, { input: { title: 'Runs' } });
    await sdk.mutate(CreateBlobDocument, {
      input: { ...text('A chapter to compile.'), bookId: book.id },
    });
    const { compileBook: run } = await sdk.mutate(CompileBookDocument, {
      bookId: book.id,
      formats: ['MARKDOWN'],
    });
    expect(run.status).toBe('QUEUED');
    expect((await sdk.mutate(CancelRunDocument, { id: run.id })).cancelRun.status).toBe(
      'CANCELLED',
    );
    expect((await sdk.mutate(RetryRunDocument, { id: run.id })).retryRun.status).toBe('QUEUED');
    const { runs } = await sdk.query(RunsDocument, { bookId: book.id });
    expect(runs.edges.map((e) => [e.node.id, e.node.status])).toEqual([[run.id, 'QUEUED']]);
    const error = await sdk.mutate(RetryRunDocument, { id: run.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StudioError);
    expect((error as StudioError).code).toBe('BAD_USER_INPUT');
  });
});

describe('urql', () => {
  it('runs the generated documents over fetch and graphql-ws', async () => {
    const token = await h().token(h().user('urql'));
    const ws = createWsClient({
      url: wsUrl(url.replace(/\/graphql$/, '')),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    cleanups.push(() => ws.dispose());
    const client = new UrqlClient({
      url,
      fetchOptions: { headers: { authorization: `Bearer ${token}` } },
      exchanges: [
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => ({
              unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink),
            }),
          }),
        }),
      ],
    });
    const me = await client.query(MeDocument, {}).toPromise();
    expect(me.error).toBeUndefined();
    expect(me.data?.me.userId).toBe(subOf(token));
    const created = await client
      .mutation(CreateBlobDocument, { input: text('Urql writes.') })
      .toPromise();
    const parentId = created.data!.createBlob.id;

    const got: BlobDerivedSubscription[] = [];
    const sub = client
      .subscription(BlobDerivedDocument, { parentId })
      .subscribe((r) => r.data && got.push(r.data));
    await subscribedOn(h().app.events, token, 1);
    const derived = await client
      .mutation(CreateBlobDocument, { input: child(parentId) })
      .toPromise();
    await eventually(() => got.length >= 1);
    expect(got[0]!.blobDerived.derivedId).toBe(derived.data!.createBlob.id);
    sub.unsubscribe();
  });
});

describe('Apollo Client', () => {
  it('runs the generated documents over HttpLink and GraphQLWsLink', async () => {
    const token = await h().token(h().user('apollo'));
    const wsClient = createWsClient({
      url: wsUrl(url.replace(/\/graphql$/, '')),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    cleanups.push(() => wsClient.dispose());
    const link = ApolloLink.split(
      ({ query }) => {
        const def = getMainDefinition(query);
        return def.kind === 'OperationDefinition' && def.operation === 'subscription';
      },
      new GraphQLWsLink(wsClient),
      new HttpLink({ uri: url, headers: { authorization: `Bearer ${token}` } }),
    );
    const client = new ApolloClient({ link, cache: new InMemoryCache() });
    cleanups.push(() => client.stop());

    const me = await client.query({ query: MeDocument, fetchPolicy: 'network-only' });
    expect(me.data?.me.userId).toBe(subOf(token));
    const created = await client.mutate({
      mutation: CreateBlobDocument,
      variables: { input: text('Apollo writes.') },
    });
    const parentId = created.data!.createBlob.id;

    const got: BlobDerivedSubscription[] = [];
    const sub = client
      .subscribe({ query: BlobDerivedDocument, variables: { parentId } })
      .subscribe(({ data }) => data && got.push(data));
    await subscribedOn(h().app.events, token, 1);
    const derived = await client.mutate({
      mutation: CreateBlobDocument,
      variables: { input: child(parentId) },
    });
    await eventually(() => got.length >= 1);
    expect(got[0]!.blobDerived.derivedId).toBe(derived.data!.createBlob.id);
    sub.unsubscribe();
  });
});

describe('generated document typing', () => {
  it('rejects a wrong variable type at compile time', async () => {
    const root = resolve(import.meta.dirname, '..');
    const dir = await mkdtemp(join(tmpdir(), 'sdk-typing-'));
    try {
      const misuse = join(dir, 'misuse.ts');
      await writeFile(
        misuse,
        [
          `import { createStudioClient, BlobsDocument } from '${join(root, 'client-sdk/index')}';`,
          "const sdk = createStudioClient({ url: 'http://localhost/graphql', token: 't' });",
          "const variables = { first: 'ten' };",
          'export const p = sdk.query(BlobsDocument, variables);',
          '',
        ].join('\n'),
      );
      const tsconfig = join(dir, 'tsconfig.json');
      await writeFile(
        tsconfig,
        JSON.stringify({
          extends: join(root, 'tsconfig.json'),
          compilerOptions: { noEmit: true, typeRoots: [join(root, 'node_modules/@types')] },
          include: [misuse, join(root, 'client-sdk/index.ts')],
        }),
      );
      const result = await promisify(execFile)(
        join(root, 'node_modules/.bin/tsc'),
        ['-p', tsconfig, '--pretty', 'false'],
        { cwd: root },
      ).then(
        (r) => ({ code: 0, out: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
      );
      expect(result.code).not.toBe(0);
      expect(result.out).toContain('misuse.ts');
      expect(result.out).toMatch(/'first'/);
      expect(result.out).toMatch(/error TS2322|error TS2345/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
