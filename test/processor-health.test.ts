/**
 * Processor health as an operator sees it: workers' heartbeats, `Processor.health` (admins
 * only), the same figures on /metrics, the consumers on /readyz, and a worker that dies without
 * a goodbye dropping out within two heartbeat intervals. On the PostgreSQL project the killed
 * worker is a real `reyna worker` child process sharing the test's database and NATS; on PGlite
 * (one process owns the database) it is a heartbeat row that stops being renewed.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateBlobDocument, ProcessorHealthDocument, WorkersDocument } from '../client-sdk/index';
import { HeartbeatRepository } from '../src/health/heartbeat-repository';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import { type Harness, startHarness, stopHarness, TEST_SECRET } from './support/harness';
import { NATS_URL } from './support/nats';
import { startReyna, stopProcess } from './support/processes';
import { eventually } from './support/realtime';

const HEARTBEAT_MS = 1000;
let llm: FakeLlm;
let h: Harness;
let admin: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  llm = await startFakeLlm();
  h = await startHarness({
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: 'test-key',
    REYNA_LLM_MODEL: 'fake-model',
    REYNA_PROCESSORS: 'all',
    REYNA_RETRY_BASE_MS: '20',
    REYNA_ACK_WAIT_MS: '3000',
    REYNA_HEARTBEAT_MS: String(HEARTBEAT_MS),
  });
  admin = await h.token(h.user('admin'), { roles: ['registry-admin'] });
});
afterAll(async () => {
  // One killed by a signal has a signalCode, not an exitCode: stopProcess would wait for it.
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await stopHarness(h);
  await llm.close();
});
beforeEach(() => llm.reset());

async function health(id = 'text-expansion') {
  const r = await h.gql(ProcessorHealthDocument, { id }, admin);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.processor!.health!;
}

async function workers(): Promise<{ id: string; pid: number; processors: string[] }[]> {
  const r = await h.gql(WorkersDocument, {}, admin);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.workers;
}

async function write(token: string, content: string): Promise<string> {
  const r = await h.gql(
    CreateBlobDocument,
    { input: { schemaId: 'text-input-v1', data: { content } } },
    token,
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.createBlob.id;
}

async function settled(token: string, id: string): Promise<string> {
  let status = '';
  await eventually(async () => {
    const r = await h.gql<{ blob: { runs: { status: string }[] } | null }>(
      'query($id: ID!) { blob(id: $id) { runs { status } } }',
      { id },
      token,
    );
    status = r.data?.blob?.runs?.[0]?.status ?? '';
    return status === 'SUCCEEDED' || status === 'FAILED';
  }, 20_000);
  return status;
}

describe('heartbeats', () => {
  it('lists this process as a live worker running the processors, renewing its beat', async () => {
    const [me] = (await workers()).filter((w) => w.pid === process.pid);
    expect(me).toBeDefined();
    expect(me!.processors).toContain('text-expansion');
    const first = (await health()).liveWorkers.find((w) => w.id === me!.id);
    expect(first).toMatchObject({ heartbeatMs: HEARTBEAT_MS, pid: process.pid, runsInFlight: 0 });
    await eventually(async () => {
      const again = (await health()).liveWorkers.find((w) => w.id === me!.id);
      return again !== undefined && Date.parse(again.lastBeatAt) > Date.parse(first!.lastBeatAt);
    }, 5000);
  });
});

describe('Processor.health', () => {
  it('counts a run in flight and its backlog while the LLM is slow, then none', async () => {
    const user = h.user();
    const token = await h.token(user);
    llm.behaviour.firstTokenDelayMs = 2500;
    const id = await write(token, 'A slow passage the model takes its time over.');
    await eventually(async () => {
      const now = await health();
      return now.runsInFlight === 1 && now.backlog >= 1;
    }, 10_000);
    expect(await settled(token, id)).toBe('SUCCEEDED');
    await eventually(async () => {
      const now = await health();
      return now.runsInFlight === 0 && now.backlog === 0;
    }, 10_000);
  });

  it('gives success rate, p95, dead letters and the last error after successful and failed runs', async () => {
    const user = h.user();
    const token = await h.token(user);
    const before = await health();
    for (const text of ['The first good passage.', 'The second good passage.']) {
      expect(await settled(token, await write(token, text))).toBe('SUCCEEDED');
    }
    // 400: the server refuses the request, a permanent failure on the first attempt.
    llm.behaviour.fail = { status: 400, times: 2 };
    expect(await settled(token, await write(token, 'A refused passage.'))).toBe('FAILED');
    expect(await settled(token, await write(token, 'Another refused passage.'))).toBe('FAILED');

    await eventually(async () => (await health()).deadLetters === before.deadLetters + 2);
    const after = await health();
    expect(after.succeeded).toBe(before.succeeded + 2);
    expect(after.failed).toBe(before.failed + 2);
    expect(after.successRate).toBeCloseTo(after.succeeded / (after.succeeded + after.failed), 5);
    expect(after.successRate).toBeGreaterThan(0);
    expect(after.successRate).toBeLessThan(1);
    expect(after.p95DurationMs).toBeGreaterThanOrEqual(0);
    expect(after.windowSeconds).toBe(3600);
    expect(after.lastError?.message).toMatch(/refused the request \(400\)/);
    expect(after.backlogSource).toBe(
      h.app.events.kind === 'nats' ? 'NATS_CONSUMER' : 'IN_PROCESS_QUEUE',
    );
  });

  it('refuses a user without the registry-admin role with FORBIDDEN, and no token with UNAUTHENTICATED', async () => {
    const plain = await h.token(h.user(), { roles: ['registry-author'] });
    const r = await h.gql(ProcessorHealthDocument, { id: 'text-expansion' }, plain);
    expect(r.errors![0]!.extensions.code).toBe('FORBIDDEN');
    expect(r.errors![0]!.message).toMatch(/registry-admin/);
    expect(r.data!.processor).toMatchObject({ id: 'text-expansion', health: null });
    const w = await h.gql(WorkersDocument, {}, plain);
    expect(w.errors![0]!.extensions.code).toBe('FORBIDDEN');
    const anonymous = await h.gql(WorkersDocument, {}, null);
    expect(anonymous.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('metrics and readiness', () => {
  it('exposes the health figures as Prometheus gauges', async () => {
    const now = await health();
    const res = await h.app.yoga.fetch('http://studio.test/metrics');
    const text = await res.text();
    const gauge = (name: string) =>
      new RegExp(`^${name}\\{processor="text-expansion"\\} (\\S+)$`, 'm').exec(text)?.[1];
    expect(Number(gauge('reyna_processor_live_workers'))).toBeGreaterThanOrEqual(1);
    expect(Number(gauge('reyna_processor_dead_letters'))).toBe(now.deadLetters);
    expect(Number(gauge('reyna_processor_success_ratio'))).toBeCloseTo(now.successRate!, 5);
    expect(Number(gauge('reyna_processor_run_p95_seconds'))).toBeCloseTo(
      now.p95DurationMs! / 1000,
      2,
    );
    expect(gauge('reyna_processor_backlog')).toBeDefined();
    expect(gauge('reyna_processor_runs_in_flight')).toBeDefined();
    expect(Number(/^reyna_workers_live (\S+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(1);
  });

  it("lists this process's consumers on /readyz", async () => {
    const r = await h.rest<{ consumers: { processor: string; type: string }[] }>('GET', '/readyz');
    expect(r.status).toBe(200);
    expect(r.body.consumers).toEqual(
      expect.arrayContaining([
        { processor: 'text-expansion', type: 'blob.created.text-input-v1' },
        { processor: 'text-expansion', type: 'processor.retry.text-expansion' },
      ]),
    );
  });
});

describe('a worker that dies', () => {
  it('drops out of health within two heartbeat intervals', async () => {
    const interval = 1000;
    let gone: { pid?: number; id?: string };
    if (h.testDb.url && h.app.config.natsUrl) {
      // A real `reyna worker` on this test's database and NATS, killed without a goodbye.
      const { child } = await startReyna(
        ['worker', 'text-expansion'],
        {
          DATABASE_URL: h.testDb.url,
          NATS_URL,
          REYNA_DEPLOYMENT: h.app.config.deploymentId,
          REYNA_JWT_SECRET: TEST_SECRET,
          REYNA_LOG_LEVEL: 'warn',
          OPENAI_BASE_URL: llm.url,
          REYNA_LLM_MODEL: 'fake-model',
          REYNA_HEARTBEAT_MS: String(interval),
        },
        /ReYNa worker running/,
      );
      children.push(child);
      await eventually(async () => (await workers()).some((w) => w.pid === child.pid), 10_000);
      gone = { pid: child.pid };
      await stopProcess(child, 'SIGKILL');
    } else {
      // One process owns PGlite: a worker's row, written once and never renewed.
      const id = `dead-host:4242:${h.user('w')}`;
      await new HeartbeatRepository(h.app.database.db).beat({
        id,
        host: 'dead-host',
        pid: 4242,
        processors: ['text-expansion'],
        inFlight: { 'text-expansion': 0 },
        intervalMs: interval,
        startedAt: new Date(),
      });
      expect((await health()).liveWorkers.map((w) => w.id)).toContain(id);
      gone = { id };
    }
    const killedAt = performance.now();
    const present = (list: { id: string; pid: number }[]) =>
      list.some((w) => (gone.pid !== undefined ? w.pid === gone.pid : w.id === gone.id));
    await eventually(async () => !present((await health()).liveWorkers), 10_000);
    const elapsed = performance.now() - killedAt;
    console.log(
      `dead worker left health after ${Math.round(elapsed)} ms (interval ${interval} ms)`,
    );
    // Two intervals, plus the time one health query takes on a loaded machine.
    expect(elapsed).toBeLessThan(2 * interval + 1000);
    expect(present(await workers())).toBe(false);
  }, 90_000);
});
