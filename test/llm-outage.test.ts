/**
 * Retries that outlast an LLM outage: the real runtime, the real `openai` client and the real
 * backbone (NATS on the PostgreSQL project) against a fake OpenAI-compatible server that fails at
 * random or goes down for a while.
 *
 * Default attempts (5) and breaker threshold (10); only the timing constants are scaled, by 1/20:
 * breaker open 1.5 s (default 30 s), first retry 50 ms (default 1 s), so the retry window is
 * 30 s (default 20x the breaker window: 10 minutes). The 6 s outage stands for 120 s.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateBlobDocument } from '../client-sdk/index';
import { CircuitBreaker, CircuitOpenError } from '../processors/lib/circuit-breaker';
import { ConfigError, loadConfig } from '../src/config';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import { type Harness, nodes, startHarness, stopHarness } from './support/harness';
import { eventually } from './support/realtime';

let llm: FakeLlm;
let h: Harness;

beforeAll(async () => {
  llm = await startFakeLlm();
  h = await startHarness({
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: 'test-key',
    REYNA_LLM_MODEL: 'fake-model',
    REYNA_PROCESSORS: 'all',
    REYNA_RETRY_BASE_MS: '50',
    REYNA_LLM_BREAKER_OPEN_MS: '1500',
    REYNA_ACK_WAIT_MS: '3000',
  });
});
afterAll(async () => {
  await stopHarness(h);
  await llm.close();
});
beforeEach(() => llm.reset());

const RUNS =
  'query { runs(processorId: "text-expansion", first: 100) { edges { node { id status attempts error inputBlobId outputBlobId } } } }';

interface RunView {
  id: string;
  status: string;
  attempts: number;
  error: string | null;
  inputBlobId: string;
  outputBlobId: string | null;
}

/** Writes `count` distinct passages for a new user; returns the user's token and the texts. */
async function inputsOf(count: number) {
  const token = await h.token(h.user());
  const texts: string[] = [];
  for (let i = 0; i < count; i++) {
    const content = `Passage ${randomUUID()} about a harbour at dawn, number ${i}.`;
    const r = await h.gql(
      CreateBlobDocument,
      { input: { schemaId: 'text-input-v1', data: { content } } },
      token,
    );
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    texts.push(content);
  }
  return { token, texts };
}

async function runsOf(token: string): Promise<RunView[]> {
  const r = await h.gql<{ runs: { edges: { node: RunView }[] } }>(RUNS, {}, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return nodes(r.data!.runs);
}

const terminal = (r: RunView) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(r.status);

/** Waits until every run of these users has ended, noting every status seen on the way. */
async function settle(tokens: string[], expected: number, ms: number, seen = new Set<string>()) {
  let all: RunView[] = [];
  await eventually(async () => {
    all = (await Promise.all(tokens.map(runsOf))).flat();
    for (const r of all) seen.add(r.status);
    return all.length === expected && all.every(terminal);
  }, ms);
  return all;
}

/** LLM requests made for these texts (the fake records each one). */
const requestsFor = (texts: string[]) => {
  const set = new Set(texts);
  return llm.requests.filter((r) => set.has(r.user));
};

describe('an LLM failing half its calls', () => {
  it('ends at least 99 of 100 inputs expanded with the default attempts and breaker threshold', async () => {
    llm.behaviour.randomFailures = { rate: 0.5, seed: 20261201, status: 500 };
    const started = performance.now();
    const users = await Promise.all([1, 2, 3, 4].map(() => inputsOf(25)));
    const runs = await settle(
      users.map((u) => u.token),
      100,
      90_000,
    );
    const expanded = runs.filter((r) => r.status === 'SUCCEEDED' && r.outputBlobId !== null);
    const requests = requestsFor(users.flatMap((u) => u.texts));
    const failed = requests.filter((r) => r.outcome !== 200).length;
    console.log(
      `50% failing LLM: ${expanded.length}/100 expanded, ${requests.length} LLM calls (${failed} failed), ` +
        `${runs.reduce((n, r) => n + r.attempts, 0)} attempts, ${Math.round(performance.now() - started)} ms`,
    );
    for (const r of runs.filter((x) => x.status !== 'SUCCEEDED')) console.log('NOT EXPANDED', r);
    expect(expanded.length).toBeGreaterThanOrEqual(99);
    // The LLM really failed about half the calls it got.
    expect(failed / requests.length).toBeGreaterThan(0.3);
    // Every attempt counted reached the LLM: calls refused by the open breaker counted none.
    expect(runs.reduce((n, r) => n + r.attempts, 0)).toBe(requests.length);
  }, 120_000);
});

describe('an LLM down for a while', () => {
  it('runs queued during the outage all succeed after it, with no retryRun, and the breaker lets one trial through first', async () => {
    const outageMs = 6000;
    llm.downFor(outageMs);
    const outageEnds = performance.now() + outageMs;
    const users = await Promise.all([1, 2].map(() => inputsOf(10)));
    const texts = users.flatMap((u) => u.texts);
    // A trial that takes a while: anything let through beside it would show.
    llm.behaviour.firstTokenDelayMs = 300;
    const seen = new Set<string>();
    const runs = await settle(
      users.map((u) => u.token),
      20,
      60_000,
      seen,
    );
    expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'SUCCEEDED'));
    expect(seen.has('FAILED')).toBe(false);
    const requests = requestsFor(texts);
    const during = requests.filter((r) => r.outcome === 'reset');
    const after = requests.filter((r) => r.at >= outageEnds).sort((a, b) => a.at - b.at);
    console.log(
      `${outageMs} ms outage: 20/20 runs succeeded; ${during.length} calls during the outage, ` +
        `${runs.reduce((n, r) => n + r.attempts, 0)} attempts in all; first success ${Math.round(after[0]!.at - outageEnds)} ms after it ended`,
    );
    // The breaker opened: far fewer calls reached the dead server than runs waited through it.
    expect(during.length).toBeGreaterThanOrEqual(5);
    expect(during.length).toBeLessThan(20);
    // Every attempt counted reached the LLM; the waits for the open breaker counted none.
    expect(runs.reduce((n, r) => n + r.attempts, 0)).toBe(requests.length);
    // Half-open: the first call after the outage was alone until it had answered.
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after[0]!.outcome).toBe(200);
    expect(after[1]!.at).toBeGreaterThanOrEqual(after[0]!.finishedAt!);
  }, 90_000);

  it('retryRun right after an outage reaches the LLM, and a run dead-lettered again keeps one dead letter', async () => {
    // A rejected key: ten runs fail at once (no retry fixes a key), and the breaker opens.
    llm.behaviour.fail = { status: 401, times: 10 };
    const { token } = await inputsOf(10);
    const failed = await settle([token], 10, 20_000);
    expect(failed.map((r) => [r.status, r.attempts])).toEqual(failed.map(() => ['FAILED', 1]));

    // The key is fixed; retry one run while the breaker is still open.
    const [first, second] = failed;
    const retryAt = performance.now();
    const retried = await h.gql<{ retryRun: { id: string; status: string; attempts: number } }>(
      'mutation($id: ID!) { retryRun(id: $id) { id status attempts } }',
      { id: first!.id },
      token,
    );
    expect(retried.data!.retryRun).toMatchObject({ status: 'QUEUED', attempts: 0 });
    const errors = new Set<string>();
    let run: RunView | undefined;
    await eventually(async () => {
      run = (await runsOf(token)).find((r) => r.id === first!.id);
      if (run?.error) errors.add(run.error);
      return run?.status === 'SUCCEEDED';
    }, 20_000);
    // It waited for the open breaker, without spending attempts, then reached the LLM once.
    expect([...errors].some((e) => /not calling it/.test(e))).toBe(true);
    expect(run).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    const reached = llm.requests.filter((r) => r.at >= retryAt);
    expect(reached.map((r) => r.outcome)).toEqual([200]);

    // Dead-lettered, retried twice, failing each time: one dead letter for the run.
    const blobId = second!.inputBlobId;
    const deadOf = async () =>
      (await h.app.events.deadLetters('text-expansion')).filter((d) => d.event.blobId === blobId);
    await eventually(async () => (await deadOf()).length > 0, 20_000);
    let lastRetry = '';
    for (let i = 0; i < 2; i++) {
      llm.behaviour.fail = { status: 401, times: 1 };
      lastRetry = new Date().toISOString();
      const r = await h.gql(
        'mutation($id: ID!) { retryRun(id: $id) { id } }',
        { id: second!.id },
        token,
      );
      expect(r.errors).toBeUndefined();
      await eventually(
        async () => (await runsOf(token)).find((x) => x.id === second!.id)?.status === 'FAILED',
        20_000,
      );
    }
    await eventually(async () => (await deadOf()).some((d) => d.event.time >= lastRetry), 20_000);
    const letters = await deadOf();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ key: second!.id });
  }, 90_000);
});

describe('the circuit breaker half-open', () => {
  it('lets exactly one trial call through under concurrency, and closes on its success', async () => {
    let now = 0;
    const breaker = new CircuitBreaker(5, 1000, () => now);
    for (let i = 0; i < 5; i++)
      await expect(breaker.run(() => Promise.reject(new Error('down')))).rejects.toThrow();
    now = 1000;
    expect(breaker.state).toBe('half-open');
    let calls = 0;
    let answer!: () => void;
    const trial = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const results = Array.from({ length: 10 }, () =>
      breaker.run(async () => {
        calls++;
        await trial;
        return 'ok';
      }),
    );
    const refused = await Promise.allSettled(results.slice(1));
    expect(calls).toBe(1);
    for (const r of refused) {
      expect(r.status).toBe('rejected');
      const reason = (r as PromiseRejectedResult).reason;
      expect(reason).toBeInstanceOf(CircuitOpenError);
      expect(reason.retryAfterMs).toBeGreaterThan(0);
    }
    answer();
    await expect(results[0]).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    await expect(breaker.run(async () => 'again')).resolves.toBe('again');
  });

  it('opens for another window when the trial fails', async () => {
    let now = 0;
    const breaker = new CircuitBreaker(5, 1000, () => now);
    for (let i = 0; i < 5; i++)
      await expect(breaker.run(() => Promise.reject(new Error('down')))).rejects.toThrow();
    now = 1000;
    await expect(breaker.run(() => Promise.reject(new Error('still down')))).rejects.toThrow(
      'still down',
    );
    expect(breaker.state).toBe('open');
    const refused = await breaker.run(async () => 'x').catch((e) => e);
    expect(refused).toBeInstanceOf(CircuitOpenError);
    expect(refused.retryAfterMs).toBe(1000);
  });
});

describe('the retry window', () => {
  it('defaults to 20 breaker windows, and a window shorter than two is refused at start-up', () => {
    expect(loadConfig({}).retryWindowMs).toBe(600_000);
    expect(loadConfig({ REYNA_LLM_BREAKER_OPEN_MS: '1500' }).retryWindowMs).toBe(30_000);
    expect(
      loadConfig({ REYNA_LLM_BREAKER_OPEN_MS: '1500', REYNA_RETRY_WINDOW_MS: '3000' })
        .retryWindowMs,
    ).toBe(3000);
    let error: unknown;
    try {
      loadConfig({ REYNA_LLM_BREAKER_OPEN_MS: '30000', REYNA_RETRY_WINDOW_MS: '45000' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/REYNA_RETRY_WINDOW_MS must be an integer from 60000/);
  });
});
