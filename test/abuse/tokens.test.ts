/**
 * Tokens as the README hands them out, on a real listening server: the `npm run token` default
 * (30 days) keeps a WebSocket open, tokens without an end are refused, and issuer, audience and
 * maximum age are enforced when configured.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FormattedExecutionResult } from 'graphql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { armExpiry, MAX_TIMER_MS } from '../../src/http/websocket';
import {
  type GraphQLErrorBody,
  type Harness,
  startHarness,
  stopHarness,
  TEST_SECRET,
  useHarness,
} from '../support/harness';
import { subscribeWs, wsClient } from '../support/realtime';

const h = useHarness();
let base = '';
beforeAll(async () => {
  base = await h().app.listen();
});

const key = new TextEncoder().encode(TEST_SECRET);
const ME = '{ me { userId } }';
interface MeAnswer {
  me: { userId: string };
}

/** The token `npm run token -- <sub>` prints: the command itself, with its defaults. */
async function tokenCommand(...args: string[]): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, REYNA_JWT_SECRET: TEST_SECRET };
  delete env.REYNA_JWKS_URL;
  const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/main.ts', 'token', ...args], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env,
    timeout: 60_000,
  });
  return stdout.trim();
}

async function me(token: string, url = base) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: ME }),
  });
  return {
    status: res.status,
    body: (await res.json()) as { data?: MeAnswer | null; errors?: GraphQLErrorBody[] },
  };
}

describe('the README tokens on WebSockets', () => {
  it('keeps a graphql-ws connection open with the 30-day token `npm run token` prints', async () => {
    const token = await tokenCommand('ws-reader');
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      exp: number;
      iat: number;
    };
    // The default lifetime is past what one Node timer can wait: the bug this guards against.
    expect((payload.exp - payload.iat) * 1000).toBeGreaterThan(MAX_TIMER_MS);
    const client = wsClient(base, token, { lazy: false });
    const closes: number[] = [];
    client.on('closed', (e) => closes.push((e as { code: number }).code));
    try {
      const sub = subscribeWs(client, 'subscription { blobEvents { type } }');
      // A query over the same socket answers, and nothing closes it in the meantime.
      const answer = await new Promise<FormattedExecutionResult<MeAnswer, unknown>>(
        (resolve, reject) =>
          client.subscribe<MeAnswer>(
            { query: ME },
            { next: resolve, error: reject, complete: () => {} },
          ),
      );
      expect(answer.data).toEqual({ me: { userId: 'ws-reader' } });
      await new Promise((r) => setTimeout(r, 500));
      expect(closes).toEqual([]);
      expect(sub.error).toBeUndefined();
      sub.stop();
    } finally {
      await client.dispose();
    }
  });

  it('arms expiries longer than a Node timer in steps, and fires at the end', async () => {
    let fired = 0;
    const state: { expiry?: NodeJS.Timeout } = {};
    armExpiry(state, Date.now() + 40 * 24 * 3600 * 1000, () => fired++);
    await new Promise((r) => setTimeout(r, 50));
    expect(fired).toBe(0);
    clearTimeout(state.expiry);
    armExpiry(state, Date.now() + 20, () => fired++);
    await new Promise((r) => setTimeout(r, 80));
    expect(fired).toBe(1);
  });
});

describe('tokens that never end', () => {
  it('refuses a token without exp over HTTP and WebSocket, while a normal token keeps working', async () => {
    const forever = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('forever')
      .setIssuedAt()
      .sign(key);
    const refused = await me(forever);
    expect(refused.status).toBe(401);
    expect(refused.body.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(refused.body.errors![0]!.message).toMatch(/exp/);

    const client = wsClient(base, forever, { lazy: false });
    const closed = new Promise<number>((resolve) =>
      client.on('closed', (e) => resolve((e as { code: number }).code)),
    );
    expect(await closed).toBe(4403);
    await client.dispose();

    const other = await me(await h().token('bystander'));
    expect(other.body.data).toEqual({ me: { userId: 'bystander' } });
  });
});

describe('REYNA_JWT_MAX_AGE, REYNA_JWT_ISSUER and REYNA_JWT_AUDIENCE', () => {
  let strict: Harness | undefined;
  let url = '';
  beforeAll(async () => {
    strict = await startHarness({
      REYNA_JWT_MAX_AGE: '3600',
      REYNA_JWT_ISSUER: 'https://issuer.test',
      REYNA_JWT_AUDIENCE: 'reyna-studio',
    });
    url = await strict.app.listen();
  });
  afterAll(() => stopHarness(strict));

  const sign = (claims: { iss?: string; aud?: string; iat?: number; exp?: number }) => {
    const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('max-age');
    if (claims.iss) jwt.setIssuer(claims.iss);
    if (claims.aud) jwt.setAudience(claims.aud);
    if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
    if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
    return jwt.sign(key);
  };
  const now = () => Math.floor(Date.now() / 1000);
  const good = { iss: 'https://issuer.test', aud: 'reyna-studio' };

  it('accepts a token without exp inside the maximum age', async () => {
    const r = await me(await sign({ ...good, iat: now() }), url);
    expect(r.body.data).toEqual({ me: { userId: 'max-age' } });
  });

  it('refuses tokens past the maximum age, even with a far exp, and without iat', async () => {
    for (const claims of [
      { ...good, iat: now() - 7200, exp: now() + 365 * 24 * 3600 },
      { ...good, exp: now() + 600 },
    ]) {
      const r = await me(await sign(claims), url);
      expect(r.status, JSON.stringify(claims)).toBe(401);
      expect(r.body.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses another issuer and another audience, saying which', async () => {
    const wrongIss = await me(await sign({ ...good, iss: 'https://evil.test', iat: now() }), url);
    expect(wrongIss.body.errors![0]!.message).toMatch(/issuer/);
    const wrongAud = await me(await sign({ ...good, aud: 'other-app', iat: now() }), url);
    expect(wrongAud.body.errors![0]!.message).toMatch(/audience/);
  });
});

describe('the development secret', () => {
  it('is refused on a bind other machines can reach, naming the variables to set', () => {
    for (const env of [
      { HOST: '0.0.0.0' },
      { DATABASE_URL: 'postgres://db/reyna' },
      { HOST: '192.0.2.10' },
    ]) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/REYNA_JWT_SECRET.*REYNA_JWKS_URL/);
    }
  });

  it('is used on loopback binds only', () => {
    for (const host of ['127.0.0.1', '::1', 'localhost']) {
      expect(loadConfig({ HOST: host }).devSecret, host).toBe(true);
    }
    expect(loadConfig({ HOST: '0.0.0.0', REYNA_JWT_SECRET: 'x'.repeat(32) }).devSecret).toBe(false);
  });

  it('refuses a bad REYNA_JWT_MAX_AGE and a bad REYNA_ROLES_CLAIM', () => {
    expect(() => loadConfig({ REYNA_JWT_MAX_AGE: '10' })).toThrow(/REYNA_JWT_MAX_AGE/);
    expect(() => loadConfig({ REYNA_ROLES_CLAIM: 'a..b' })).toThrow(/REYNA_ROLES_CLAIM/);
  });
});
