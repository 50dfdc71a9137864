import { describe, expect, it } from 'vitest';
import { startHarness, useHarness } from './support/harness';
import { dropNatsStreams } from './support/nats';

const h = useHarness();

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await h().app.yoga.fetch(`http://studio.test${path}`, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

describe('health, readiness and metrics', () => {
  it('answers /healthz while the process is up and /readyz when its dependencies are', async () => {
    expect((await get('/healthz')).status).toBe(200);
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    const checks: Record<string, string> = { database: 'ok', migrations: 'ok', events: 'ok' };
    // With Redis behind the rate limits (PostgreSQL project), readiness checks it too.
    if (h().app.config.redisUrl) checks.redis = 'ok';
    expect(JSON.parse(ready.text)).toEqual({ status: 'ready', checks, consumers: [] });
  });

  it('answers /readyz with 503 and the failing check when the database is gone', async () => {
    const broken = await startHarness();
    try {
      await broken.testDb.database.pool.end();
      const res = await broken.app.yoga.fetch('http://studio.test/readyz');
      expect(res.status).toBe(503);
      const body = (await res.json()) as { checks: Record<string, string> };
      expect(body.checks.database).toMatch(/^failing/);
    } finally {
      // Its pool is already ended: stopping the app may complain; the database and stream still go.
      await broken.app.stop().catch(() => {});
      await broken.testDb.drop().catch(() => {});
      if (broken.app.config.natsUrl) await dropNatsStreams(broken.app.config.deploymentId);
    }
  });

  it('echoes a request id, or gives one', async () => {
    expect((await get('/healthz', { 'x-request-id': 'req-123' })).headers.get('x-request-id')).toBe(
      'req-123',
    );
    expect((await get('/healthz')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes Prometheus metrics: operation durations, errors, subscriptions, outbox backlog, runs', async () => {
    const token = await h().token(h().user());
    // `Me` and `CreateBlob` are the SDK's operations: they keep their names as labels.
    await h().gql('query Me { me { userId } }', {}, token);
    await h().gql(
      'mutation CreateBlob { createBlob(input: { schemaId: "text-input-v1", data: { content: "x" } }) { id } }',
      {},
      token,
    );
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    expect(metrics.text).toMatch(
      /reyna_graphql_operation_seconds_count\{operation="Me",type="query"\} 1/,
    );
    expect(metrics.text).toMatch(
      /reyna_graphql_errors_total\{operation="CreateBlob",code="VALIDATION_FAILED"\} 1/,
    );
    expect(metrics.text).toMatch(/reyna_subscriptions_open \d+/);
    expect(metrics.text).toMatch(/reyna_outbox_backlog \d+/);
    // The write and the reads before it went to the database: the count is not zero.
    expect(Number(/reyna_db_statements_total (\d+)/.exec(metrics.text)?.[1])).toBeGreaterThan(0);
    expect(metrics.text).toContain('reyna_runs');
    expect(metrics.text).toContain('reyna_event_lag_seconds');
  });

  it('keeps metric labels bounded: names a client makes up are all counted as "other"', async () => {
    const token = await h().token(h().user());
    const before = (await get('/metrics')).text.split('\n').length;
    for (let i = 0; i < 200; i++) {
      await h().gql(`query Invented${i}x${Date.now()} { me { userId } }`, {}, token);
    }
    const metrics = (await get('/metrics')).text;
    expect(metrics).not.toMatch(/operation="Invented/);
    expect(metrics).toMatch(
      /reyna_graphql_operation_seconds_count\{operation="other",type="query"\} 200/,
    );
    // At most one new series (with its histogram buckets) for all 200 names.
    expect(metrics.split('\n').length - before).toBeLessThan(20);
  });
});
