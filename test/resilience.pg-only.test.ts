/**
 * No process dies with its database, and an outage is answered as one: `reyna serve` and
 * `reyna worker` as real processes on a throwaway PostgreSQL and NATS of this file's own, which
 * it crashes and restarts (never the machine's shared services).
 */
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mintToken } from '../src/auth/tokens';
import type { Delivery } from '../src/events/backbone';
import { NatsBackbone } from '../src/events/nats-backbone';
import { createLogger } from '../src/logger';
import { TEST_SECRET } from './support/harness';
import { servedUrl, startReyna, stopProcess } from './support/processes';
import { wsClient } from './support/realtime';
import {
  startThrowawayNats,
  startThrowawayPostgres,
  type ThrowawayNats,
  type ThrowawayPostgres,
  throwawayMissing,
} from './support/throwaway-services';

const missing = throwawayMissing();
if (missing.length > 0) {
  console.warn(`\n*** resilience tests skipped: ${missing.join(' and ')} not installed ***\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CREATE = (text: string) =>
  `mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: ${JSON.stringify(text)} } }) { id } }`;

describe.skipIf(missing.length > 0)('surviving the database and NATS going away', () => {
  let db: ThrowawayPostgres;
  let nats: ThrowawayNats;
  let env: Record<string, string>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    [db, nats] = await Promise.all([startThrowawayPostgres(), startThrowawayNats()]);
    env = {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      PORT: '0',
      REYNA_DEPLOYMENT: 'resilience',
      REYNA_JWT_SECRET: TEST_SECRET,
      REYNA_LOG_LEVEL: 'warn',
      // A write every 50 ms for seconds on end is this test's load, not abuse: limits (20
      // requests a second, 150 ms of event loop a second) are tested elsewhere and would answer
      // 429 here on a busy machine.
      REYNA_RATE_LIMIT_USER: '100000',
      REYNA_COST_LIMIT_USER_MS: '100000',
    };
  }, 60_000);
  // A test that failed mid-outage must not leave the next one without its services.
  beforeEach(async () => {
    await Promise.all([db.ensureUp(), nats.ensureUp()]);
  });
  afterAll(async () => {
    for (const child of children) await stopProcess(child, 'SIGKILL');
    await Promise.all([db?.destroy(), nats?.destroy()]);
  });

  async function serve(): Promise<{ child: ChildProcess; url: string; output: () => string }> {
    const started = await startReyna(['serve'], env, /GraphQL and GraphiQL: \S+\/graphql/);
    children.push(started.child);
    return { child: started.child, url: servedUrl(started), output: started.output };
  }

  const post = (url: string, token: string, query: string) =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });

  /** Polls /readyz until `ready` matches; resolves with the milliseconds it took and the body. */
  async function readyzUntil(url: string, ready: boolean, limitMs = 30_000) {
    const started = performance.now();
    for (;;) {
      const res = await fetch(`${url}/readyz`);
      const body = (await res.json()) as { checks: Record<string, string> };
      if ((res.status === 200) === ready) return { ms: performance.now() - started, body };
      if (performance.now() - started > limitMs) throw new Error(`readyz stayed ${res.status}`);
      await sleep(50);
    }
  }

  /** Every event id in the stream, from a fresh subscriber reading from the start. */
  async function streamEventIds(userId: string): Promise<string[]> {
    const backbone = new NatsBackbone({
      url: nats.url,
      prefix: env.REYNA_DEPLOYMENT!,
      log: createLogger('silent'),
    });
    await backbone.start();
    try {
      const sub = await backbone.subscribe(userId, { after: '0' });
      const out: Delivery[] = [];
      const timer = setTimeout(() => void sub.close(), 1500);
      for await (const d of sub) out.push(d);
      clearTimeout(timer);
      return out.flatMap((d) => (d.kind === 'event' ? [d.event.id] : []));
    } finally {
      await backbone.stop();
    }
  }

  async function outboxIds(userId: string): Promise<{ ids: string[]; pending: number }> {
    const client = new pg.Client(db.url);
    await client.connect();
    try {
      const { rows } = await client.query<{ event_id: string; published_at: Date | null }>(
        'select event_id, published_at from outbox where user_id = $1',
        [userId],
      );
      return {
        ids: rows.map((r) => r.event_id),
        pending: rows.filter((r) => r.published_at === null).length,
      };
    } finally {
      await client.end();
    }
  }

  it('keeps serving through three PostgreSQL crashes under load: 503 while down, ready again after, no restart', async () => {
    const api = await serve();
    const user = 'resilient-user';
    const token = await mintToken(TEST_SECRET, user, '1h');
    // Light load: one write every 50 ms, all through the outages.
    const statuses: number[] = [];
    let loading = true;
    const load = (async () => {
      while (loading) {
        const res = await post(api.url, token, CREATE('load')).catch(() => undefined);
        if (res) {
          statuses.push(res.status);
          await res.text();
        }
        await sleep(50);
      }
    })();
    try {
      for (let cycle = 1; cycle <= 3; cycle++) {
        expect((await post(api.url, token, CREATE(`before crash ${cycle}`))).status).toBe(200);
        const crashedAt = performance.now();
        await db.crash();
        const down = await readyzUntil(api.url, false);
        expect(down.body.checks.database).toMatch(/^failing/);
        const notReadyAfter = performance.now() - crashedAt;

        const refused = await post(api.url, token, CREATE(`during outage ${cycle}`));
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
        const body = (await refused.json()) as { errors: { extensions: { code: string } }[] };
        expect(body.errors[0]!.extensions.code).toBe('SERVICE_UNAVAILABLE');
        // REST says the same.
        const rest = await fetch(`${api.url}/schemas`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(rest.status).toBe(503);
        expect(rest.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(((await rest.json()) as { error: { code: string } }).error.code).toBe(
          'SERVICE_UNAVAILABLE',
        );

        if (cycle === 1) {
          // Over SSE and WebSocket the same error code arrives in the result.
          const sse = await fetch(`${api.url}/graphql`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'text/event-stream',
              authorization: `Bearer ${token}`,
            },
            body: JSON.stringify({ query: '{ me { blobCount } }' }),
          });
          expect(await sse.text()).toContain('"code":"SERVICE_UNAVAILABLE"');
          const client = wsClient(api.url, token);
          try {
            const result = await new Promise<{ errors?: { extensions?: { code?: string } }[] }>(
              (resolve, reject) => {
                let last: unknown;
                client.subscribe(
                  { query: '{ me { blobCount } }' },
                  {
                    next: (r) => {
                      last = r;
                    },
                    error: reject,
                    complete: () => resolve(last as never),
                  },
                );
              },
            );
            expect(result.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
          } finally {
            await client.dispose();
          }
        }
        // Held down until the load has met the outage too (at least 1.5 s; longer on a busy
        // machine, where a write may take that long to come round).
        const seen = statuses.filter((s) => s === 503).length;
        const heldFrom = performance.now();
        await sleep(1500);
        while (
          statuses.filter((s) => s === 503).length === seen &&
          performance.now() - heldFrom < 15_000
        )
          await sleep(100);
        const restartedAt = performance.now();
        await db.start();
        const up = await readyzUntil(api.url, true);
        const readyAfter = performance.now() - restartedAt;
        console.log(
          `cycle ${cycle}: /readyz failing ${Math.round(notReadyAfter)} ms after the crash, ready ${Math.round(readyAfter)} ms after the return (poll ${Math.round(up.ms)} ms)`,
        );
        const res = await post(api.url, token, CREATE(`after return ${cycle}`));
        expect(res.status).toBe(200);
        expect(((await res.json()) as { data: { createBlob: { id: string } } }).data.createBlob.id)
          .toBeTruthy;
        expect(api.child.exitCode).toBeNull();
        expect(api.child.signalCode).toBeNull();
      }
    } finally {
      loading = false;
      await load;
    }
    // Under load every answer was a success or a typed 503, never a 500.
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses).toContain(503);
    const lines = api
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(lines.some((l) => l.level === 'warn' && l.msg === 'dependency unavailable')).toBe(true);
    expect(lines.filter((l) => l.msg === 'unexpected error')).toEqual([]);
    // Nothing committed is left unpublished, and each event is in the stream once.
    let outbox = await outboxIds(user);
    for (let i = 0; i < 100 && outbox.pending > 0; i++) {
      await sleep(200);
      outbox = await outboxIds(user);
    }
    expect(outbox.pending).toBe(0);
    const ids = await streamEventIds(user);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...outbox.ids].sort()).toEqual([...ids].sort());
    await stopProcess(api.child);
  }, 180_000);

  it('survives PostgreSQL crashing while NATS is down, and publishes everything committed once NATS is back', async () => {
    const api = await serve();
    const user = 'nats-down-user';
    const token = await mintToken(TEST_SECRET, user, '1h');
    await nats.kill();
    const written: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post(api.url, token, CREATE(`while NATS is down ${i}`));
      expect(res.status).toBe(200);
      written.push(
        ((await res.json()) as { data: { createBlob: { id: string } } }).data.createBlob.id,
      );
    }
    expect((await readyzUntil(api.url, false)).body.checks.events).toBe('failing');
    // Let the relay try (and fail) to publish, then take the database away as well.
    await sleep(1500);
    await db.crash();
    await sleep(2000);
    expect(api.child.exitCode).toBeNull();
    await db.start();
    await nats.start();
    const backAt = performance.now();
    await readyzUntil(api.url, true);
    let outbox = await outboxIds(user);
    for (let i = 0; i < 300 && outbox.pending > 0; i++) {
      await sleep(200);
      outbox = await outboxIds(user);
    }
    console.log(
      `published ${outbox.ids.length} events held through the outage ${Math.round(performance.now() - backAt)} ms after both returned`,
    );
    expect(outbox.pending).toBe(0);
    expect(outbox.ids).toHaveLength(written.length);
    const ids = await streamEventIds(user);
    expect([...ids].sort()).toEqual([...outbox.ids].sort());
    expect(api.child.exitCode).toBeNull();
    await stopProcess(api.child);
  }, 180_000);

  it('a worker survives PostgreSQL crashing and NATS restarting', async () => {
    const started = await startReyna(['worker', 'text-expansion'], env, /ReYNa worker running/);
    children.push(started.child);
    for (let cycle = 1; cycle <= 2; cycle++) {
      await db.crash();
      await nats.kill();
      await sleep(2500);
      await db.start();
      await nats.start();
      await sleep(2500);
      expect(started.child.exitCode, started.output()).toBeNull();
      expect(started.child.signalCode).toBeNull();
    }
    expect(await stopProcess(started.child)).toBe(0);
  }, 120_000);
});
