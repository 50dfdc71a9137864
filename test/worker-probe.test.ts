/**
 * A `reyna worker` started as an operator starts it, with REYNA_WORKER_PORT: its /healthz,
 * /readyz (with the work queues it consumes) and /metrics answer over real HTTP. On the
 * PostgreSQL project it runs on a fresh PostgreSQL database and NATS prefix; on PGlite, on its own
 * embedded database and the in-process backbone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backend } from './support/database';
import { TEST_SECRET } from './support/harness';
import { type Started, servicesEnv, startReyna, stopProcess } from './support/processes';

const cleanups: (() => Promise<unknown>)[] = [];
let worker: Started;
let url: string;

beforeAll(async () => {
  const env =
    backend === 'postgres'
      ? await servicesEnv((fn) => cleanups.push(fn))
      : await (async () => {
          const dir = await mkdtemp(join(tmpdir(), 'reyna-worker-'));
          cleanups.push(() => rm(dir, { recursive: true, force: true }));
          return { REYNA_DATA_DIR: dir, REYNA_JWT_SECRET: TEST_SECRET, REYNA_LOG_LEVEL: 'warn' };
        })();
  worker = await startReyna(
    ['worker', 'text-expansion'],
    { ...env, REYNA_WORKER_PORT: '0', REYNA_LLM: 'demo' },
    /readyz and \/metrics on (\S+)/,
    // A first start migrates a fresh embedded database: slow on a busy machine.
    150_000,
  );
  url = /readyz and \/metrics on (\S+)/.exec(worker.output())![1]!;
}, 180_000);

afterAll(async () => {
  if (worker) await stopProcess(worker.child);
  for (const fn of cleanups.reverse()) await fn();
});

describe('a worker with REYNA_WORKER_PORT', () => {
  it('is live on /healthz and ready on /readyz, listing the queues it consumes and its heartbeat id', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      checks: Record<string, string>;
      consumers: { processor: string; type: string }[];
      worker: string;
    };
    expect(body.status).toBe('ready');
    expect(body.checks).toMatchObject({ database: 'ok', migrations: 'ok', events: 'ok' });
    expect(body.consumers).toContainEqual({
      processor: 'text-expansion',
      type: 'blob.created.text-input-v1',
    });
    expect(body.consumers.every((c) => c.processor === 'text-expansion')).toBe(true);
    expect(worker.output()).toContain(`as ${body.worker}`);
  });

  it('serves Prometheus metrics with its runs in flight', async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^reyna_worker_runs_in_flight\{processor="text-expansion"\} 0$/m);
    expect(text).toMatch(/^reyna_workers_live \d+$/m);
  });

  it('answers other paths with 404 and other methods with 405', async () => {
    expect((await fetch(`${url}/graphql`)).status).toBe(404);
    expect((await fetch(`${url}/readyz`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a port that is not one, saying which setting is wrong', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, REYNA_WORKER_PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('REYNA_WORKER_PORT must be an integer from 0 to 65535');
  }, 70_000);
});
