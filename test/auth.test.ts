import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument, type MeQuery } from '../client-sdk/index';
import {
  type GraphQLResponse,
  type Harness,
  queryText,
  startHarness,
  TEST_SECRET,
  useHarness,
} from './support/harness';

const h = useHarness();

const secretKey = (secret: string) => new TextEncoder().encode(secret);

/** POSTs the SDK's `Me` query with the Authorization header exactly as given. */
async function meWithHeader(
  harness: Harness,
  authorization: string,
): Promise<GraphQLResponse<MeQuery>> {
  const res = await harness.app.yoga.fetch('http://studio.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query: queryText(MeDocument) }),
  });
  const body = (await res.json()) as Omit<GraphQLResponse<MeQuery>, 'status'>;
  return { status: res.status, data: body.data, errors: body.errors };
}

describe('HS256 tokens', () => {
  it('accepts a valid token and answers as its sub', async () => {
    const token = await h().token('alice-auth');
    const r = await h().gql(MeDocument, {}, token);
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data!.me.userId).toBe('alice-auth');
  });

  it('refuses a data field without a token with UNAUTHENTICATED', async () => {
    const r = await h().gql(MeDocument, {}, null);
    expect(r.data).toBeNull();
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(r.errors![0]!.path).toEqual(['me']);
  });

  it('answers introspection without a token, so GraphiQL can load the docs', async () => {
    const r = await h().gql('{ __schema { queryType { name } } }', {}, null);
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  const refused: [string, () => Promise<string>][] = [
    [
      'a token signed with another secret',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('mallory')
          .setExpirationTime('1h')
          .sign(secretKey('another-secret-that-is-also-long-enough!!')),
    ],
    [
      'an expired token',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('alice-auth')
          .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
          .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
          .sign(secretKey(TEST_SECRET)),
    ],
    [
      'a token without sub',
      () =>
        new SignJWT({ name: 'nobody' })
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime('1h')
          .sign(secretKey(TEST_SECRET)),
    ],
    [
      'a token whose sub is not a usable user id',
      () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject('bad user/../id')
          .setExpirationTime('1h')
          .sign(secretKey(TEST_SECRET)),
    ],
    [
      'an alg "none" token',
      async () => new UnsecuredJWT({}).setSubject('alice-auth').setExpirationTime('1h').encode(),
    ],
  ];

  for (const [what, mint] of refused) {
    it(`refuses ${what} with HTTP 401 UNAUTHENTICATED`, async () => {
      const r = await meWithHeader(h(), `Bearer ${await mint()}`);
      expect(r.status).toBe(401);
      expect(r.data ?? null).toBeNull();
      expect(r.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    });
  }

  it('says an expired token has expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice-auth')
      .setExpirationTime(now - 60)
      .sign(secretKey(TEST_SECRET));
    const r = await meWithHeader(h(), `Bearer ${token}`);
    expect(r.errors![0]!.message).toMatch(/expired/i);
  });

  it('refuses a token once it expires, even after it was accepted while valid', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice-auth')
      .setExpirationTime(exp)
      .sign(secretKey(TEST_SECRET));
    const before = await meWithHeader(h(), `Bearer ${token}`);
    expect(before.status).toBe(200);
    expect(before.data!.me.userId).toBe('alice-auth');
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 100));
    const after = await meWithHeader(h(), `Bearer ${token}`);
    expect(after.status).toBe(401);
    expect(after.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(after.errors![0]!.message).toMatch(/expired/i);
  });

  for (const header of ['Token abc', 'Bearer', 'Bearer ', 'Bearer a b', 'abc']) {
    it(`refuses the malformed header "${header}" with HTTP 401 UNAUTHENTICATED`, async () => {
      const r = await meWithHeader(h(), header);
      expect(r.status).toBe(401);
      expect(r.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    });
  }

  it('refuses a malformed header even on an introspection query', async () => {
    const res = await h().app.yoga.fetch('http://studio.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Token abc' },
      body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('JWKS tokens', () => {
  let jwks: Server;
  let harness: Harness;
  let privateKey: CryptoKey;
  const kid = 'test-key-1';

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' };
    jwks = createServer((req, res) => {
      if (req.url === '/jwks.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: [jwk] }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    harness = await startHarness({ REYNA_JWKS_URL: `http://127.0.0.1:${port}/jwks.json` });
  });

  afterAll(async () => {
    await harness?.app.stop();
    await harness?.testDb.drop();
    await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
  });

  it('accepts an RS256 token signed by a key from the JWKS', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('dana-jwks')
      .setExpirationTime('1h')
      .sign(privateKey);
    const r = await meWithHeader(harness, `Bearer ${token}`);
    expect(r.status).toBe(200);
    expect(r.errors).toBeUndefined();
    expect(r.data!.me.userId).toBe('dana-jwks');
  });

  it('refuses an RS256 token signed by a key that is not in the JWKS', async () => {
    const other = await generateKeyPair('RS256');
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid })
      .setSubject('dana-jwks')
      .setExpirationTime('1h')
      .sign(other.privateKey);
    const r = await meWithHeader(harness, `Bearer ${token}`);
    expect(r.status).toBe(401);
    expect(r.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an HS256 token, even one signed with the harness secret', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('dana-jwks')
      .setExpirationTime('1h')
      .sign(secretKey(TEST_SECRET));
    const r = await meWithHeader(harness, `Bearer ${token}`);
    expect(r.status).toBe(401);
    expect(r.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('the token command', () => {
  it('prints a token the API accepts for the given user', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      REYNA_JWT_SECRET: TEST_SECRET,
      REYNA_LOG_LEVEL: 'silent',
    };
    delete env.REYNA_JWKS_URL;
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/main.ts', 'token', 'carol'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env,
      timeout: 60_000,
    });
    const token = stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const r = await h().gql(MeDocument, {}, token);
    expect(r.errors).toBeUndefined();
    expect(r.data!.me.userId).toBe('carol');
  });
});
