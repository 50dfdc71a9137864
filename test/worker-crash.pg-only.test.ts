/**
 * `reyna worker` processes sharing a durable JetStream consumer: a worker killed (SIGKILL) in the
 * middle of a run leaves the delivery unacknowledged; another worker completes it, once.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { type Core, createCore } from '../src/core';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import { servicesEnv, startReyna } from './support/processes';
import { eventually } from './support/realtime';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function worker(env: Record<string, string>): Promise<ChildProcess> {
  const { child } = await startReyna(['worker', 'text-expansion'], env, /ReYNa worker running/);
  cleanups.push(async () => child.kill('SIGKILL'));
  return child;
}

describe('workers', () => {
  it('completes, on another worker, a run whose worker was killed mid-run, with one derived blob', async () => {
    const llm: FakeLlm = await startFakeLlm();
    cleanups.push(() => llm.close());
    const env = await servicesEnv((fn) => cleanups.push(fn), {
      OPENAI_BASE_URL: llm.url,
      REYNA_LLM_MODEL: 'fake-model',
      REYNA_ACK_WAIT_MS: '4000',
      REYNA_RETRY_BASE_MS: '20',
    });
    // The API side, writing blobs; it runs no processors.
    const core: Core = await createCore(loadConfig({ ...env, REYNA_PROCESSORS: 'none' }));
    cleanups.push(() => core.stop());

    llm.behaviour.firstTokenDelayMs = 60_000; // the first worker will never finish
    const first = await worker(env);
    const user = `crash-${randomBytes(4).toString('hex')}`;
    const blob = await core.services.blobs.create(user, {
      schemaId: 'text-input-v1',
      data: { content: 'The ship sailed at dawn while the harbour slept.' },
    });
    await eventually(() => llm.requests.length === 1, 20_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    llm.behaviour.firstTokenDelayMs = 0;
    await worker(env);
    await eventually(
      async () => (await core.runs.byInputs(user, [blob.id]))[0]?.status === 'succeeded',
      30_000,
    );
    const [run] = await core.runs.byInputs(user, [blob.id]);
    expect(run!.status).toBe('succeeded');
    // The killed attempt counts; a machine slow enough to miss a heartbeat may add one more.
    expect(run!.attempts).toBeGreaterThanOrEqual(2);
    const derived = await core.services.blobs.derivedOf(user, [blob.id]);
    expect(derived).toHaveLength(1);
    expect(derived[0]!.id).toBe(run!.outputBlobId);
    expect(llm.requests.length).toBeGreaterThanOrEqual(2);
  }, 90_000);

  it('finishes the run in flight before exiting on SIGTERM', async () => {
    const llm: FakeLlm = await startFakeLlm();
    cleanups.push(() => llm.close());
    const env = await servicesEnv((fn) => cleanups.push(fn), {
      OPENAI_BASE_URL: llm.url,
      REYNA_LLM_MODEL: 'fake-model',
    });
    const core: Core = await createCore(loadConfig({ ...env, REYNA_PROCESSORS: 'none' }));
    cleanups.push(() => core.stop());
    llm.behaviour.firstTokenDelayMs = 1500;
    const child = await worker(env);
    const user = `term-${randomBytes(4).toString('hex')}`;
    const blob = await core.services.blobs.create(user, {
      schemaId: 'text-input-v1',
      data: { content: 'A passage the worker must finish.' },
    });
    await eventually(() => llm.requests.length === 1, 20_000);
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const [run] = await core.runs.byInputs(user, [blob.id]);
    expect(run).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await core.services.blobs.derivedOf(user, [blob.id])).toHaveLength(1);
  }, 60_000);
});
