/**
 * Rate limits on the real HTTP server and WebSocket upgrades: per user, per IP, shared across
 * API instances through Redis (PostgreSQL project), in memory otherwise (PGlite project).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type GraphQLResponse, type Harness, startHarness, stopHarness } from './support/harness';
import { redisEnabled } from './support/nats';
import { wsUrl } from './support/realtime';

const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses) await stopHarness(h);
});

async function server(env: Record<string, string>) {
  const h = await startHarness({ HOST: '127.0.0.1', ...env });
  harnesses.push(h);
  return { h, url: await h.app.listen() };
}

async function me(url: string, token: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { userId } }' }),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as Omit<GraphQLResponse<{ me: { userId: string } }>, 'status'>,
  };
}

function upgrade(url: string): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const socket = new WebSocket(wsUrl(url), 'graphql-transport-ws');
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('error', () => {});
  });
}

describe(`rate limits (${redisEnabled ? 'Redis' : 'in memory'})`, () => {
  it('refuses a user past the limit with 429 RATE_LIMITED and a retry time, and no one else', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const { h, url } = await server({ REYNA_RATE_LIMIT_USER: '5', REYNA_DEPLOYMENT: prefix });
    const busy = await h.token(h.user());
    for (let i = 0; i < 5; i++) expect((await me(url, busy)).status).toBe(200);
    const refused = await me(url, busy);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: expect.any(Number),
    });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect((await me(url, await h.token(h.user()))).status).toBe(200);
    // Probes are never limited.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('limits requests per IP whoever sends them, and WebSocket connections per IP', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const { h, url } = await server({
      REYNA_RATE_LIMIT_IP: '3',
      REYNA_RATE_LIMIT_WS_IP: '2',
      REYNA_DEPLOYMENT: prefix,
    });
    for (let i = 0; i < 3; i++) expect((await me(url, await h.token(h.user()))).status).toBe(200);
    expect((await me(url, await h.token(h.user()))).status).toBe(429);
    expect(await upgrade(url)).toBe('open');
    expect(await upgrade(url)).toBe('open');
    expect(await upgrade(url)).toBe(429);
  });

  it.runIf(redisEnabled)('shares the counters between API instances through Redis', async () => {
    const prefix = `t${randomBytes(4).toString('hex')}`;
    const a = await server({ REYNA_RATE_LIMIT_USER: '4', REYNA_DEPLOYMENT: prefix });
    const b = await server({ REYNA_RATE_LIMIT_USER: '4', REYNA_DEPLOYMENT: prefix });
    const token = await a.h.token(a.h.user());
    expect((await me(a.url, token)).status).toBe(200);
    expect((await me(b.url, token)).status).toBe(200);
    expect((await me(a.url, token)).status).toBe(200);
    expect((await me(b.url, token)).status).toBe(200);
    expect((await me(a.url, token)).status).toBe(429);
    expect((await me(b.url, token)).status).toBe(429);
  });
});
