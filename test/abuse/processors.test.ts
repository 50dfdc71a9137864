/**
 * One user cannot turn the processors against the server or against other users: hostile text
 * is measured in linear time, LLM answers are bounded, one user's refused model does not open
 * the shared circuit breaker, models and ratios are the operator's to allow, and one user's
 * queue does not delay another's. A real listening server, the real `openai` client against an
 * OpenAI-compatible fake, and the real backbone (NATS on the PostgreSQL project).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../processors/lib/circuit-breaker';
import {
  isProviderFailure,
  LlmOutputTooLongError,
  LlmRefusedError,
  LlmStoppedError,
} from '../../processors/lib/llm';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm';
import {
  type GraphQLErrorBody,
  type Harness,
  startHarness,
  stopHarness,
  type Variables,
} from '../support/harness';
import { eventually } from '../support/realtime';

let llm: FakeLlm;
let h: Harness;
let url: string;

beforeAll(async () => {
  llm = await startFakeLlm();
  h = await startHarness({
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: 'test-key',
    REYNA_LLM_MODEL: 'fake-model',
    REYNA_LLM_MODELS: 'fake-model,missing-model,refused-model',
    REYNA_PROCESSORS: 'all',
    REYNA_RETRY_BASE_MS: '20',
    REYNA_ACK_WAIT_MS: '3000',
    // Two counted failures would open the breaker for a minute: any test that counts one user's
    // refusals against the LLM would make the other user's run fail or retry, visibly.
    REYNA_LLM_BREAKER_THRESHOLD: '2',
    REYNA_LLM_BREAKER_OPEN_MS: '60000',
    // Room for a 360 KB answer (8 characters a token), so hostile text can be that long.
    REYNA_LLM_MAX_OUTPUT_TOKENS: '50000',
  });
  url = await h.app.listen();
});
afterAll(async () => {
  await stopHarness(h);
  await llm.close();
});
beforeEach(() => llm.reset());

/** GraphQL over the real socket, as a client would send it; `T` is the answer's data. */
async function gql<T>(query: string, variables: Variables, token: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T | null; errors?: GraphQLErrorBody[] };
}

async function write(token: string, content: string) {
  const r = await gql<{ createBlob: { id: string } }>(
    'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id } }',
    { input: { schemaId: 'text-input-v1', data: { content } } },
    token,
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.createBlob.id;
}

const RUN_FIELDS = 'id status attempts error model createdAt startedAt';
interface RunRow {
  id: string;
  status: string;
  attempts: number;
  error: string | null;
  model: string | null;
  createdAt: string;
  startedAt: string | null;
}
/** A derived blob: text-expansion's output. */
interface Derived {
  id: string;
  data: { expanded: string; metrics: unknown; expansion_ratio: number };
}

async function runOf(token: string, blobId: string) {
  const r = await gql<{ blob: { runs: RunRow[]; derived: Derived[] } | null }>(
    `query($id: ID!) { blob(id: $id) { runs { ${RUN_FIELDS} } derived { id data } } }`,
    { id: blobId },
    token,
  );
  return { run: r.data!.blob!.runs[0], derived: r.data!.blob!.derived };
}

async function finished(token: string, blobId: string, ms = 30_000) {
  await eventually(async () => {
    const { run } = await runOf(token, blobId);
    return run !== undefined && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status);
  }, ms);
  const { run, derived } = await runOf(token, blobId);
  // Found above: `eventually` returned once the run was there and finished.
  return { run: run!, derived };
}

async function configure(token: string, config: Record<string, unknown>) {
  return gql<{ configureProcessor: { id: string; config: unknown } }>(
    'mutation($c: JSON!) { configureProcessor(processorId: "text-expansion", config: $c) { id config } }',
    { c: config },
    token,
  );
}

describe('hostile text', () => {
  it('measures a 100 KB+ passage of one word with no punctuation, and serves another user meanwhile', async () => {
    const writer = await h.token(h.user());
    const other = await h.token(h.user());
    const word = 'a'.repeat(45_000);
    // Eight copies of the one word: 360 KB with no sentence terminator anywhere. The sentence
    // pattern used before took minutes on this (quadratic), past this test's timeout.
    llm.behaviour.reply = (user) => Array.from({ length: 8 }, () => user).join(' ');
    const id = await write(writer, word);
    const [served] = await Promise.all([
      gql('{ me { blobCount } }', {}, other),
      finished(writer, id).then(({ run }) => expect(run.status).toBe('SUCCEEDED')),
    ]);
    expect(served.errors).toBeUndefined();
    const { derived } = await runOf(writer, id);
    expect(derived).toHaveLength(1);
    expect(derived[0]!.data.expanded.length).toBeGreaterThan(300_000);
    // One sentence of eight words.
    expect(derived[0]!.data.metrics).toMatchObject({ complexity: 8, tone: 'neutral' });
    expect(derived[0]!.data.expansion_ratio).toBe(8);
  });
});

describe('bounded LLM output', () => {
  it('asks for max_tokens derived from the input and the target ratio, under the hard cap', async () => {
    const token = await h.token(h.user());
    const passage = 'A short passage that the model should expand a little.';
    const { run } = await finished(token, await write(token, passage));
    expect(run.status).toBe('SUCCEEDED');
    const asked = llm.requests[0]!.maxTokens!;
    // 5x (the default top ratio) of about 14 tokens, with headroom: far below the cap.
    expect(asked).toBeGreaterThan(50);
    expect(asked).toBeLessThan(1000);
    // 45,000 characters at 5x with headroom would be about 85,000 tokens: the cap applies.
    const { run: big } = await finished(token, await write(token, 'word '.repeat(9_000)));
    expect(big.status).toBe('SUCCEEDED');
    expect(llm.requests[1]!.maxTokens).toBe(50_000);
  });

  it('cuts a stream without end at the cap and fails that run once; another user runs alongside', async () => {
    const victim = await h.token(h.user());
    const bystander = await h.token(h.user());
    llm.behaviour.endless = (user) => user.startsWith('ENDLESS');
    const [a, b] = await Promise.all([
      write(victim, 'ENDLESS: a passage the model will never stop writing about.'),
      write(bystander, 'A passage from someone else, expanded as usual.'),
    ]);
    const [ra, rb] = await Promise.all([finished(victim, a), finished(bystander, b)]);
    expect(ra.run).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(ra.run.error).toMatch(/passed \d+ characters .*stopped reading/);
    expect(ra.derived).toHaveLength(0);
    expect(rb.run).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    const endless = llm.requests.filter((r) => r.user.startsWith('ENDLESS'));
    expect(endless).toHaveLength(1);
    // The client stopped reading at the cap (8 characters a token): the server was told to stop.
    await eventually(async () => endless[0]!.closedAt !== undefined);
    expect(endless[0]!.sent).toBeLessThan(endless[0]!.maxTokens! * 8 + 64 * 1024);
  });

  it('fails a run whose answer hits max_tokens (finish_reason length) once, with a clear error', async () => {
    const token = await h.token(h.user());
    llm.behaviour.finishReason = 'length';
    const { run, derived } = await finished(token, await write(token, 'A passage cut at length.'));
    expect(run).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(run.error).toMatch(/limit of \d+ tokens/);
    expect(derived).toHaveLength(0);
    expect(llm.requests).toHaveLength(1);
  });
});

describe("one user's refused requests", () => {
  it("fail that user's run once, are not counted by the breaker, and another user's run succeeds", async () => {
    const refused = await h.token(h.user());
    const other = await h.token(h.user());
    expect((await configure(refused, { model: 'missing-model' })).errors).toBeUndefined();
    llm.behaviour.failModels = { 'missing-model': 404 };
    const missing = await finished(refused, await write(refused, 'A passage for a missing model.'));
    expect(missing.run).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(missing.run.error).toMatch(/does not know the model "missing-model" \(404\)/);

    expect((await configure(refused, { model: 'refused-model' })).errors).toBeUndefined();
    for (const status of [400, 403, 422]) {
      llm.behaviour.failModels = { 'refused-model': status };
      const { run } = await finished(refused, await write(refused, `A refused passage ${status}.`));
      expect(run).toMatchObject({ status: 'FAILED', attempts: 1 });
      expect(run.error).toContain(`refused the request (${status})`);
    }
    // Four refusals, one attempt each: no retries paid for.
    expect(llm.requests).toHaveLength(4);

    // Past the threshold of two had they counted: the breaker would now fail every call.
    const theirs = await finished(other, await write(other, 'Meanwhile, an ordinary passage.'));
    expect(theirs.run).toMatchObject({ status: 'SUCCEEDED', attempts: 1, model: 'fake-model' });
    expect(theirs.derived).toHaveLength(1);
  });

  it('counts the provider failing (5xx, 429, timeouts) but not refusals, overlong answers or cancellations', async () => {
    let now = 0;
    const breaker = new CircuitBreaker(2, 1000, () => now, isProviderFailure);
    for (const error of [
      new LlmRefusedError('404'),
      new LlmOutputTooLongError('long'),
      new LlmStoppedError('cancelled'),
      new LlmRefusedError('422'),
    ]) {
      await expect(breaker.run(() => Promise.reject(error))).rejects.toBe(error);
    }
    expect(breaker.state).toBe('closed');
    await expect(breaker.run(() => Promise.reject(new Error('500')))).rejects.toThrow('500');
    await expect(breaker.run(() => Promise.reject(new Error('429')))).rejects.toThrow('429');
    expect(breaker.state).toBe('open');
    now = 2000;
    expect(breaker.state).toBe('half-open');
  });
});

describe("the operator's model allowlist and ratio limits", () => {
  it('refuses a model outside the allowlist, naming the allowed ones, and writes nothing', async () => {
    const token = await h.token(h.user());
    const r = await configure(token, { model: 'gpt-enormous' });
    expect(r.errors![0]!.extensions.code).toBe('VALIDATION_FAILED');
    expect(r.errors![0]!.message).toContain('fake-model, missing-model, refused-model');
    expect(r.errors![0]!.extensions.issues).toEqual([expect.objectContaining({ path: '/model' })]);
    const mine = await gql<{ processorInstances: { edges: { node: { id: string } }[] } }>(
      '{ processorInstances { edges { node { id } } } }',
      {},
      token,
    );
    expect(mine.data!.processorInstances.edges).toEqual([]);
  });

  it('refuses ratios outside 1 to 10, or a minimum above the maximum', async () => {
    const token = await h.token(h.user());
    for (const config of [
      { target_ratio_min: 6, target_ratio_max: 4 },
      { target_ratio_max: 50 },
      { target_ratio_min: 0.5 },
    ]) {
      const r = await configure(token, config);
      expect(r.errors![0]!.extensions.code, JSON.stringify(config)).toBe('VALIDATION_FAILED');
    }
    const mine = await gql<{ processorInstances: { edges: { node: { id: string } }[] } }>(
      '{ processorInstances { edges { node { id } } } }',
      {},
      token,
    );
    expect(mine.data!.processorInstances.edges).toEqual([]);
    expect((await configure(token, { target_ratio_min: 2, target_ratio_max: 10 })).errors).toBe(
      undefined,
    );
  });

  it('checks the allowlist again when a run starts', async () => {
    const user = h.user();
    const token = await h.token(user);
    expect((await configure(token, { model: 'missing-model' })).errors).toBeUndefined();
    // The operator has since dropped the model: the stored config names a model no longer offered.
    await h.testDb.database.db
      .updateTable('processor_instances')
      .set({ config: JSON.stringify({ model: 'retired-model' }) })
      .where('user_id', '=', user)
      .execute();
    const { run } = await finished(token, await write(token, 'A passage for a retired model.'));
    expect(run).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(run.error).toMatch(/"retired-model" is not offered here; choose one of: fake-model/);
    expect(llm.requests).toHaveLength(0);
  });
});

describe('fair queues', () => {
  it("starts another user's job while one user has 50 queued, without waiting for the 50", async () => {
    const hog = await h.token(h.user());
    const victim = await h.token(h.user());
    // Each of the hog's jobs holds the LLM a while; two at a time (maxPerUser), 50 take seconds,
    // longer than a delivery lives without a heartbeat (3 s here).
    llm.behaviour.firstTokenDelayMs = 300;
    const hogIds = await Promise.all(
      Array.from({ length: 50 }, (_, i) => write(hog, `HOG passage number ${i} of many.`)),
    );
    const victimId = await write(victim, 'VICTIM passage, written after the fifty.');
    const mine = await finished(victim, victimId);
    expect(mine.run).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    const order = llm.requests.map((r) => (r.user.startsWith('HOG') ? 'hog' : 'victim'));
    const before = order.indexOf('victim');
    // FIFO would have put the victim behind all fifty.
    expect(before).toBeGreaterThanOrEqual(0);
    expect(before).toBeLessThan(25);

    // The rest of the fifty still run, each once: waiting in a lane did not get them redelivered.
    llm.behaviour.firstTokenDelayMs = 0;
    for (const id of hogIds)
      expect((await finished(hog, id, 60_000)).run).toMatchObject({
        status: 'SUCCEEDED',
        attempts: 1,
      });
    expect(llm.requests.filter((r) => r.user.startsWith('HOG'))).toHaveLength(50);
  }, 120_000);
});
