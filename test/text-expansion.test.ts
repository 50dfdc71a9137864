/**
 * The processor runtime and text expansion, end to end: the real `openai` client against a
 * small OpenAI-compatible server, the real backbone (NATS on the PostgreSQL project), real
 * WebSocket subscriptions.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BlobEventsDocument,
  CancelRunDocument,
  ConfigureProcessorDocument,
  CreateBlobDocument,
  type CreateBlobInput,
  dataOf,
  type ExpandedTextV1,
  ProcessorInstancesDocument,
  RetryRunDocument,
  RunDocument,
  type RunStatus,
  RunUpdatedDocument,
} from '../client-sdk/index';
import { CircuitBreaker, CircuitOpenError } from '../processors/lib/circuit-breaker';
import { expansionRatio } from '../processors/lib/text-metrics';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import {
  expectData,
  expectError,
  type Harness,
  nodes,
  startHarness,
  stopHarness,
} from './support/harness';
import { eventually, subscribedOn, subscribeWs, wsClient } from './support/realtime';

let llm: FakeLlm;
let h: Harness;
let url: string;
const clients: Client[] = [];

beforeAll(async () => {
  llm = await startFakeLlm();
  h = await startHarness({
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: 'test-key',
    REYNA_LLM_MODEL: 'fake-model',
    REYNA_LLM_MODELS: 'fake-model,custom-model',
    REYNA_PROCESSORS: 'all',
    REYNA_RETRY_BASE_MS: '20',
    REYNA_ACK_WAIT_MS: '3000',
    REYNA_LLM_BREAKER_OPEN_MS: '200',
  });
  url = await h.app.listen();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await stopHarness(h);
  await llm.close();
});
beforeEach(() => llm.reset());

const PASSAGE = 'The ship sailed at dawn while the harbour slept.';

async function write(token: string, content = PASSAGE, extra: Partial<CreateBlobInput> = {}) {
  const input = { schemaId: 'text-input-v1', data: { content }, ...extra };
  return expectData(await h.gql(CreateBlobDocument, { input }, token)).createBlob.id;
}

/** A passage's runs and what was derived from it, in one query (no SDK operation reads both). */
interface RunsOf {
  runs: {
    id: string;
    status: RunStatus;
    attempts: number;
    error: string | null;
    model: string | null;
    processorId: string;
    outputBlobId: string | null;
  }[];
  derived: { id: string; schemaId: string; data: ExpandedTextV1; provenance: unknown }[];
}

async function runsOf(token: string, blobId: string): Promise<RunsOf> {
  const r = await h.gql<{ blob: RunsOf }>(
    'query($id: ID!) { blob(id: $id) { runs { id status attempts error model processorId outputBlobId } derived { id schemaId data provenance } } }',
    { id: blobId },
    token,
  );
  return r.data!.blob;
}

/** The run of `processorId` on the passage once it has finished, and what it derived. */
async function finished(token: string, blobId: string, processorId = 'text-expansion') {
  let result: RunsOf = { runs: [], derived: [] };
  await eventually(async () => {
    result = await runsOf(token, blobId);
    const run = result.runs.find((r) => r.processorId === processorId);
    return run !== undefined && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status);
  }, 20_000);
  // One query reads `derived` before `runs`: a run that finished in between shows as done with
  // its blob missing. Read again now that it has finished.
  result = await runsOf(token, blobId);
  const run = result.runs.find((r) => r.processorId === processorId);
  if (!run) throw new Error(`no ${processorId} run on ${blobId}`);
  return { run, derived: result.derived };
}

describe('text expansion', () => {
  it('expands a text-input-v2 passage like a v1 one', async () => {
    const token = await h.token(h.user());
    const r = await h.gql(
      CreateBlobDocument,
      {
        input: {
          schemaId: 'text-input-v2',
          data: { content: PASSAGE, metadata: { title: 'Dawn', style: 'formal' } },
        },
      },
      token,
    );
    const id = expectData(r).createBlob.id;
    const { run, derived } = await finished(token, id);
    expect(run.status).toBe('SUCCEEDED');
    expect(derived[0]).toMatchObject({
      schemaId: 'expanded-text-v1',
      data: { original: PASSAGE, expanded: llm.behaviour.reply(PASSAGE) },
      provenance: { inputSchemaId: 'text-input-v2' },
    });
  });

  it('streams the text to the user as the model writes it, then stores a valid expanded-text-v1 blob', async () => {
    const token = await h.token(h.user());
    llm.behaviour.chunkDelayMs = 5;
    const client = wsClient(url, token);
    clients.push(client);
    const updates = subscribeWs(client, RunUpdatedDocument, { processorId: 'text-expansion' });
    const derived = subscribeWs(client, BlobEventsDocument, {
      filter: { kinds: ['CREATED'], schemaId: 'expanded-text-v1' },
    });
    await subscribedOn(h.app.events, token, 2);
    const id = await write(token, PASSAGE, {});
    const [event] = await derived.take(1, 20_000);
    const expected = llm.behaviour.reply(PASSAGE);
    expect(event?.blobEvents.parentId).toBe(id);
    const data = dataOf(event?.blobEvents.blob, 'expanded-text-v1');
    expect(data).toMatchObject({
      original: PASSAGE,
      expanded: expected,
      expansion_ratio: expansionRatio(PASSAGE, expected),
    });
    expect(data?.expansion_ratio).toBeGreaterThan(4);
    const text = updates.items.map((u) => u.runUpdated.textDelta ?? '').join('');
    expect(text.trim()).toBe(expected);
    // The text arrived in many pieces before the blob was stored.
    expect(updates.items.filter((u) => u.runUpdated.textDelta).length).toBeGreaterThan(10);
    const { run, derived: stored } = await finished(token, id);
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 1,
      model: 'fake-model',
      outputBlobId: stored[0]?.id,
    });
    expect(stored[0]?.data.metrics).toEqual(
      expect.objectContaining({
        readability_score: expect.any(Number),
        complexity: expect.any(Number),
        tone: expect.any(String),
      }),
    );
    expect(stored[0]?.provenance).toMatchObject({
      processorId: 'text-expansion',
      processorVersion: '1.0.0',
      inputBlobId: id,
      inputVersion: 1,
      inputSchemaId: 'text-input-v1',
      outputSchemaId: 'expanded-text-v1',
      model: 'fake-model',
      promptHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(llm.requests[0]).toMatchObject({ model: 'fake-model', stream: true, user: PASSAGE });
    updates.stop();
    derived.stop();
  });

  it('uses the style and the instance config in the prompt and model', async () => {
    const { token } = await h.signIn();
    const config = { model: 'custom-model', target_ratio_min: 2, target_ratio_max: 3 };
    const r = await h.gql(
      ConfigureProcessorDocument,
      { processorId: 'text-expansion', config },
      token,
    );
    expectData(r);
    const id = await write(token, PASSAGE, {
      data: { content: PASSAGE, metadata: { style: 'formal' } },
    });
    const { run } = await finished(token, id);
    expect(run.model).toBe('custom-model');
    expect(llm.requests.at(-1)!.model).toBe('custom-model');
  });

  it('refuses an instance config outside the config schema, and keeps none', async () => {
    const token = await h.token(h.user());
    for (const config of [
      { default_style: 'loud' },
      { target_ratio_min: 0.5 },
      { temperature: 2 },
    ]) {
      const r = await h.gql(
        ConfigureProcessorDocument,
        { processorId: 'text-expansion', config },
        token,
      );
      expectError(r, 'VALIDATION_FAILED');
    }
    const mine = expectData(await h.gql(ProcessorInstancesDocument, {}, token));
    expect(nodes(mine.processorInstances)).toEqual([]);
  });

  it('creates one derived blob when the same event is delivered twice', async () => {
    const user = h.user();
    const token = await h.token(user);
    const id = await write(token);
    const first = await finished(token, id);
    expect(first.derived, JSON.stringify(first.run)).toHaveLength(1);
    // The same blob.created event again, as a redelivery would bring it.
    const blob = (await h.app.services.blobs.get(user, id))!;
    await h.app.events.publish({
      id: randomUUID(),
      type: 'blob.created.text-input-v1',
      userId: user,
      blobId: id,
      parentId: null,
      processorId: 'user-input',
      schemaId: 'text-input-v1',
      bookId: blob.bookId,
      time: new Date().toISOString(),
    });
    await new Promise((r) => setTimeout(r, 1000));
    const after = await runsOf(token, id);
    expect(after.derived).toHaveLength(1);
    expect(after.runs).toHaveLength(1);
    expect(llm.requests).toHaveLength(1);
  });

  it('retries LLM failures (5xx, 429, a cut stream) with backoff and succeeds', async () => {
    const token = await h.token(h.user());
    llm.behaviour.fail = { status: 500, times: 1 };
    llm.behaviour.cutStreams = 0;
    const a = await write(token);
    const ra = await finished(token, a);
    expect(ra.run).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    llm.behaviour.fail = { status: 429, times: 2 };
    const b = await write(token, 'A second passage that needs expanding now.');
    expect((await finished(token, b)).run).toMatchObject({ status: 'SUCCEEDED', attempts: 3 });
    llm.behaviour.cutStreams = 1;
    const c = await write(token, 'A third passage, cut off in the middle.');
    const rc = await finished(token, c);
    expect(rc.run).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    expect(rc.derived).toHaveLength(1);
    expect(rc.derived[0]?.data.expanded).toBe(
      llm.behaviour.reply('A third passage, cut off in the middle.'),
    );
  });

  it('never stores output that breaks the schema: a too-short answer is retried', async () => {
    const token = await h.token(h.user());
    let calls = 0;
    llm.behaviour.reply = (user) => (++calls === 1 ? 'Short.' : `${user} ${user} ${user}`);
    const id = await write(token);
    const { run, derived } = await finished(token, id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    expect(derived).toHaveLength(1);
    expect(derived[0]?.data.expansion_ratio).toBe(3);
  });

  it('fails the run once its attempts and its retry window are spent, dead-letters the event, and retryRun runs it again', async () => {
    const user = h.user();
    const token = await h.token(user);
    // Failing for good: the run retries for its whole window (10x the 200 ms breaker window
    // here), at least five attempts, then fails.
    llm.behaviour.fail = { status: 500, times: 1_000_000 };
    const id = await write(token);
    const { run, derived } = await finished(token, id);
    expect(run.status).toBe('FAILED');
    expect(run.attempts).toBeGreaterThanOrEqual(5);
    expect(run.error).toMatch(/500/);
    expect(derived).toHaveLength(0);
    await eventually(async () =>
      (await h.app.events.deadLetters('text-expansion')).some((d) => d.event.blobId === id),
    );
    llm.behaviour.fail = null;
    // The breaker may still be open: the retried run waits for it without spending an attempt.

    const retried = await h.gql(RetryRunDocument, { id: run.id }, token);
    expect(expectData(retried).retryRun).toMatchObject({
      id: run.id,
      status: 'QUEUED',
      attempts: 0,
    });
    const again = await finished(token, id);
    expect(again.run).toMatchObject({ id: run.id, status: 'SUCCEEDED', attempts: 1 });
    expect(again.derived).toHaveLength(1);
  });

  it("refuses to retry a run that did not fail, or another user's run", async () => {
    const token = await h.token(h.user());
    const id = await write(token);
    const { run } = await finished(token, id);
    const r = await h.gql(RetryRunDocument, { id: run.id }, token);
    expect(expectError(r, 'BAD_USER_INPUT').extensions.field).toBe('id');
    const { token: other } = await h.signIn();
    expectError(await h.gql(RetryRunDocument, { id: run.id }, other), 'NOT_FOUND');
    expectError(await h.gql(CancelRunDocument, { id: run.id }, other), 'NOT_FOUND');
    const seen = await h.gql(RunDocument, { id: run.id }, other);
    expect(seen.data!.run).toBeNull();
  });

  it('cancels a running run: it stops and stores nothing', async () => {
    const token = await h.token(h.user());
    llm.behaviour.chunkDelayMs = 100;
    const id = await write(token, 'A passage that will be cancelled while the model writes.');
    let runId = '';
    await eventually(async () => {
      const r = (await runsOf(token, id)).runs[0];
      runId = r?.id ?? '';
      return r?.status === 'RUNNING';
    });
    const c = await h.gql(CancelRunDocument, { id: runId }, token);
    expect(expectData(c).cancelRun.status).toBe('CANCELLED');
    await new Promise((r) => setTimeout(r, 4000));
    const after = await runsOf(token, id);
    expect(after.runs[0]?.status).toBe('CANCELLED');
    expect(after.derived).toHaveLength(0);
  }, 30_000);

  it('keeps a slow LLM call alive with heartbeats instead of letting it be redelivered', async () => {
    const token = await h.token(h.user());
    // Longer than the 3 s the harness gives a delivery without a heartbeat.
    llm.behaviour.firstTokenDelayMs = 4500;
    const id = await write(token, 'A passage for a very slow model to expand.');
    const { run, derived } = await finished(token, id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(derived).toHaveLength(1);
    expect(llm.requests).toHaveLength(1);
  }, 30_000);

  it('bounds the runs in flight per user', async () => {
    const token = await h.token(h.user());
    llm.behaviour.firstTokenDelayMs = 300;
    const ids = [];
    for (let i = 0; i < 6; i++)
      ids.push(await write(token, `Passage number ${i} of a busy writer.`));
    for (const id of ids) expect((await finished(token, id)).run.status).toBe('SUCCEEDED');
    expect(llm.maxInFlight).toBeLessThanOrEqual(2);
    expect(llm.maxInFlight).toBeGreaterThanOrEqual(1);
  }, 30_000);
});

describe('text expansion without an LLM', () => {
  it('fails each run at once with an error that says what to set, and invents nothing', async () => {
    // No LLM configured (the embedded default would use the demo).
    const bare = await startHarness({
      REYNA_LLM: 'openai',
      REYNA_PROCESSORS: 'all',
      REYNA_RETRY_BASE_MS: '20',
    });
    try {
      const token = await bare.token(bare.user());
      const r = await bare.gql(
        CreateBlobDocument,
        { input: { schemaId: 'text-input-v1', data: { content: PASSAGE } } },
        token,
      );
      const id = r.data!.createBlob.id;
      type Answer = {
        blob: {
          runs: { status: RunStatus; attempts: number; error: string | null }[];
          derived: { id: string }[];
        };
      };
      let blob: Answer['blob'] | undefined;
      await eventually(async () => {
        blob = (
          await bare.gql<Answer>(
            'query($id: ID!) { blob(id: $id) { runs { status attempts error } derived { id } } }',
            { id },
            token,
          )
        ).data!.blob;
        return blob.runs[0]?.status === 'FAILED';
      });
      expect(blob?.runs[0]?.attempts).toBe(1);
      expect(blob?.runs[0]?.error).toMatch(/OPENAI_BASE_URL/);
      expect(blob?.derived).toHaveLength(0);
    } finally {
      await stopHarness(bare);
    }
  });
});

describe('circuit breaker', () => {
  it('opens after repeated failures, fails fast, and closes after a good trial call', async () => {
    let now = 0;
    const breaker = new CircuitBreaker(3, 1000, () => now);
    const fail = () => breaker.run(() => Promise.reject(new Error('down')));
    for (let i = 0; i < 3; i++) await expect(fail()).rejects.toThrow('down');
    expect(breaker.state).toBe('open');
    let called = false;
    await expect(breaker.run(async () => (called = true))).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
    now = 1500;
    expect(breaker.state).toBe('half-open');
    await expect(breaker.run(async () => 'ok')).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });
});
