/**
 * Streams a UI can resume: a late subscriber to `runUpdated` first gets the text so far, a
 * resumed one (`after`) exactly what it missed, and the query shows a run's partial text while it
 * runs. The real `openai` client against a small OpenAI-compatible server that writes a word
 * every few milliseconds, the real backbone (NATS on the PostgreSQL project), real WebSockets.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateBlobDocument, EventCursorDocument } from '../client-sdk/index';
import { type App, createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import {
  type GraphQLErrorBody,
  type Harness,
  startHarness,
  stopHarness,
  testEnv,
} from './support/harness';
import { natsEnabled } from './support/nats';
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
    REYNA_PROCESSORS: 'all',
    REYNA_RETRY_BASE_MS: '20',
    // The smallest cap allowed, so that one test can pass it; REPLY (849 characters) fits.
    REYNA_RUN_TEXT_LIMIT: '1000',
    HOST: '127.0.0.1',
  });
  url = await h.app.listen();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await stopHarness(h);
  await llm.close();
});

const PASSAGE = 'The lighthouse keeper counted the ships that never came home.';
/** 120 words, one chunk each: about three seconds at the delay set below. */
const REPLY = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');

beforeEach(() => {
  llm.reset();
  llm.behaviour.reply = () => REPLY;
  llm.behaviour.chunkDelayMs = 25;
});

const UPDATE_FIELDS = 'runId status attempts sequence textDelta textSoFar reset cursor';
const RUN_UPDATED = `subscription($runId: ID, $after: String) { runUpdated(runId: $runId, after: $after) { ${UPDATE_FIELDS} } }`;

/** One delivery of RUN_UPDATED (the SDK's RunUpdated leaves out `textSoFar`). */
interface RunUpdate {
  runId: string;
  status: string;
  attempts: number;
  sequence: number;
  textDelta: string | null;
  textSoFar: string;
  reset: boolean;
  cursor: string;
}
type Delivery = { runUpdated: RunUpdate };

function client(token: string, at = url): Client {
  const c = wsClient(at, token);
  clients.push(c);
  return c;
}

async function write(token: string, content = PASSAGE): Promise<string> {
  const r = await h.gql(
    CreateBlobDocument,
    { input: { schemaId: 'text-input-v1', data: { content } } },
    token,
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.createBlob.id;
}

interface RunView {
  id: string;
  status: string;
  textSoFar: string;
  streamCursor: string;
}

async function runOf(token: string, blobId: string): Promise<RunView | undefined> {
  const r = await h.gql<{ blob: { runs: RunView[] } | null }>(
    'query($id: ID!) { blob(id: $id) { runs { id status textSoFar streamCursor } } }',
    { id: blobId },
    token,
  );
  return r.data!.blob!.runs[0];
}

/** The run once it has streamed at least `chars` characters (and is still running). */
async function midRun(token: string, blobId: string, chars: number): Promise<RunView> {
  let run: RunView | undefined;
  await eventually(async () => {
    run = await runOf(token, blobId);
    return run !== undefined && run.textSoFar.length >= chars;
  }, 20_000);
  expect(run!.status).toBe('RUNNING');
  return run!;
}

async function expandedText(token: string, blobId: string): Promise<string> {
  let text: string | undefined;
  await eventually(async () => {
    const r = await h.gql<{ blob: { derived: { data: { expanded?: string } }[] } | null }>(
      'query($id: ID!) { blob(id: $id) { derived { data } } }',
      { id: blobId },
      token,
    );
    text = r.data!.blob!.derived[0]?.data.expanded;
    return text !== undefined;
  }, 20_000);
  return text!;
}

/** Deliveries until the run's SUCCEEDED one. */
async function untilDone(sub: { items: Delivery[]; error: unknown }): Promise<RunUpdate[]> {
  await eventually(
    () => sub.error !== undefined || sub.items.some((u) => u.runUpdated.status === 'SUCCEEDED'),
    20_000,
  );
  expect(sub.error).toBeUndefined();
  return sub.items.map((u) => u.runUpdated);
}

/** Each delivery continues the one before: its text is the previous text plus its delta. */
function expectContinuous(updates: RunUpdate[], from = '') {
  let text = from;
  let sequence = -1;
  for (const u of updates) {
    expect(u.reset).toBe(false);
    expect(u.sequence).toBeGreaterThan(sequence);
    expect(u.textSoFar).toBe(text + (u.textDelta ?? ''));
    text = u.textSoFar;
    sequence = u.sequence;
  }
}

describe('runUpdated for a subscriber who comes late', () => {
  it('shows the partial text by query while the run streams, then the whole text', async () => {
    const token = await h.token(h.user());
    const blobId = await write(token);
    const partial = await midRun(token, blobId, 40);
    expect(REPLY.startsWith(partial.textSoFar)).toBe(true);
    expect(partial.textSoFar.length).toBeLessThan(REPLY.length);
    const stored = await expandedText(token, blobId);
    await eventually(async () => (await runOf(token, blobId))!.status === 'SUCCEEDED');
    expect((await runOf(token, blobId))!.textSoFar).toBe(stored);
  });

  it('first gets the text so far in one delivery, then every later piece once, in order', async () => {
    const token = await h.token(h.user());
    const blobId = await write(token);
    const run = await midRun(token, blobId, 40);
    const sub = subscribeWs<Delivery>(client(token), RUN_UPDATED, { runId: run.id });
    const updates = await untilDone(sub);
    const [first, ...rest] = updates;
    expect(first).toMatchObject({ runId: run.id, status: 'RUNNING', reset: false });
    // The text so far, not the whole text: the rest came live.
    expect(first!.textSoFar.length).toBeGreaterThanOrEqual(run.textSoFar.length);
    expect(first!.textSoFar.length).toBeLessThan(REPLY.length);
    expect(first!.textDelta).toBe(first!.textSoFar);
    expect(rest.filter((u) => u.textDelta).length).toBeGreaterThan(10);
    // No gap, no overlap: consecutive live pieces are numbered +1 and extend the text exactly.
    expectContinuous(updates);
    const live = rest.filter((u) => u.status === 'RUNNING');
    for (let i = 1; i < live.length; i++) expect(live[i]!.sequence).toBe(live[i - 1]!.sequence + 1);
    const stored = await expandedText(token, blobId);
    expect(updates.map((u) => u.textDelta ?? '').join('')).toBe(stored);
    expect(updates.at(-1)!.textSoFar).toBe(stored);
    sub.stop();
  });

  it('resumed with `after`, gets exactly the text it missed, then the rest', async () => {
    const token = await h.token(h.user());
    const c = client(token);
    const first = subscribeWs<Delivery>(c, RUN_UPDATED);
    await subscribedOn(h.app.events, token, 1);
    const blobId = await write(token);
    await eventually(() => first.items.filter((u) => u.runUpdated.textDelta).length >= 10, 20_000);
    first.stop();
    const seen = first.items.map((u) => u.runUpdated);
    expectContinuous(seen);
    const last = seen.at(-1)!;
    // Meanwhile the run writes on.
    await midRun(token, blobId, last.textSoFar.length + 30);
    const resumed = subscribeWs<Delivery>(c, RUN_UPDATED, { after: last.cursor });
    const rest = await untilDone(resumed);
    expect(rest[0]!.sequence).toBeGreaterThan(last.sequence);
    expect(rest[0]!.textDelta!.length).toBeGreaterThanOrEqual(30);
    expectContinuous(rest, last.textSoFar);
    const stored = await expandedText(token, blobId);
    const missedAndAfter = rest.map((u) => u.textDelta ?? '').join('');
    expect(last.textSoFar + missedAndAfter).toBe(stored);
    resumed.stop();
  });

  it('resumes from a queried run: `streamCursor` continues its `textSoFar`', async () => {
    const token = await h.token(h.user());
    const blobId = await write(token);
    const run = await midRun(token, blobId, 30);
    const sub = subscribeWs<Delivery>(client(token), RUN_UPDATED, { after: run.streamCursor });
    const updates = await untilDone(sub);
    expectContinuous(updates, run.textSoFar);
    expect(run.textSoFar + updates.map((u) => u.textDelta ?? '').join('')).toBe(
      await expandedText(token, blobId),
    );
    sub.stop();
  });

  it('signals a new attempt with reset: the text starts over', async () => {
    const token = await h.token(h.user());
    const sub = subscribeWs<Delivery>(client(token), RUN_UPDATED);
    await subscribedOn(h.app.events, token, 1);
    llm.behaviour.cutStreams = 1;
    const blobId = await write(token);
    const updates = await untilDone(sub);
    const resets = updates.filter((u) => u.reset);
    expect(resets).toHaveLength(1);
    expect(resets[0]).toMatchObject({ status: 'RUNNING', attempts: 2, textSoFar: '' });
    const after = updates.slice(updates.indexOf(resets[0]!));
    expectContinuous(after.slice(1), '');
    expect(after.at(-1)!.textSoFar).toBe(await expandedText(token, blobId));
    sub.stop();
  });

  it('tells the subscriber when the run is cancelled, with the text it had streamed', async () => {
    const token = await h.token(h.user());
    const blobId = await write(token);
    const run = await midRun(token, blobId, 20);
    const sub = subscribeWs<Delivery>(client(token), RUN_UPDATED, { runId: run.id });
    await sub.take(1);
    const cancel = await h.gql<{ cancelRun: { status: string } }>(
      'mutation($id: ID!) { cancelRun(id: $id) { status } }',
      { id: run.id },
      token,
    );
    expect(cancel.data?.cancelRun.status).toBe('CANCELLED');
    // The worker stops at its next check and says so last.
    await eventually(() => sub.items.at(-1)?.runUpdated.status === 'CANCELLED', 10_000);
    await new Promise((r) => setTimeout(r, 500));
    const updates = sub.items.map((u) => u.runUpdated);
    expectContinuous(updates);
    const last = updates.at(-1)!;
    expect(last.status).toBe('CANCELLED');
    expect(REPLY.startsWith(last.textSoFar)).toBe(true);
    expect(last.textSoFar.length).toBeLessThan(REPLY.length);
    expect((await runOf(token, blobId))!.textSoFar).toBe(last.textSoFar);
    sub.stop();
  });

  it('keeps at most REYNA_RUN_TEXT_LIMIT characters of text: beyond, it streams on as deltas only', async () => {
    const long = Array.from({ length: 500 }, (_, i) => `longer${i}`).join(' ');
    llm.behaviour.reply = () => long;
    llm.behaviour.chunkDelayMs = 2;
    const token = await h.token(h.user());
    const sub = subscribeWs<Delivery>(client(token), RUN_UPDATED);
    await subscribedOn(h.app.events, token, 1);
    // Long enough an input for the output budget to allow the long answer.
    const blobId = await write(token, PASSAGE.repeat(10));
    const updates = await untilDone(sub);
    const stored = await expandedText(token, blobId);
    expect(stored.length).toBeGreaterThan(4000);
    expect(updates.map((u) => u.textDelta ?? '').join('')).toBe(stored);
    expect(Math.max(...updates.map((u) => u.textSoFar.length))).toBe(1000);
    expect(updates.at(-1)!.textSoFar).toBe(stored.slice(0, 1000));
    expect((await runOf(token, blobId))!.textSoFar).toBe(stored.slice(0, 1000));
    sub.stop();
  });

  it('refuses an `after` it did not give out, another run, and another user’s run, with typed errors', async () => {
    const alice = await h.token(h.user('alice'));
    const bob = await h.token(h.user('bob'));
    const blobId = await write(alice);
    const run = await midRun(alice, blobId, 10);
    const other = await write(alice);
    const otherRun = await midRun(alice, other, 1);
    const cases: [string, Record<string, unknown>, string, string][] = [
      [alice, { after: 'not-a-cursor' }, 'BAD_USER_INPUT', 'after'],
      [
        alice,
        { after: Buffer.from('run-stream:[1,2]').toString('base64url') },
        'BAD_USER_INPUT',
        'after',
      ],
      [alice, { runId: otherRun.id, after: run.streamCursor }, 'BAD_USER_INPUT', 'after'],
      [bob, { after: run.streamCursor }, 'NOT_FOUND', 'after'],
      [bob, { runId: run.id }, 'NOT_FOUND', 'runId'],
    ];
    for (const [token, variables, code, field] of cases) {
      const sub = subscribeWs<Delivery>(client(token), RUN_UPDATED, variables);
      await eventually(() => sub.error !== undefined);
      expect(Array.isArray(sub.error), String(sub.error)).toBe(true);
      const [error] = sub.error as GraphQLErrorBody[];
      expect(error?.extensions).toMatchObject({ code, field });
      expect(sub.items).toEqual([]);
    }
    await expandedText(alice, other);
  });
});

describe('the create-then-subscribe race', () => {
  it('never misses a derivation: a cursor taken before the write replays it to a late blobDerived', async () => {
    const token = await h.token(h.user());
    llm.behaviour.chunkDelayMs = 0;
    const cursor = (await h.gql(EventCursorDocument, {}, token)).data!.eventCursor;
    const blobId = await write(token);
    // The expansion is stored before anybody subscribes.
    const stored = await expandedText(token, blobId);
    const sub = subscribeWs<{
      blobDerived: { reset: boolean; processorId: string; blob: { data: unknown } | null };
    }>(
      client(token),
      'subscription($parentId: ID, $after: String) { blobDerived(parentId: $parentId, after: $after) { reset processorId blob { data } } }',
      { parentId: blobId, after: cursor },
    );
    const [derived] = await sub.take(1);
    expect(derived!.blobDerived).toMatchObject({
      reset: false,
      processorId: 'text-expansion',
      blob: { data: { expanded: stored } },
    });
    sub.stop();
  });

  it('needs a token for eventCursor', async () => {
    const r = await h.gql(EventCursorDocument, {}, null);
    expect(r.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe.runIf(natsEnabled)('runUpdated on another API instance', () => {
  let second: App;
  beforeAll(async () => {
    const config = loadConfig(
      testEnv({
        REYNA_DEPLOYMENT: h.app.config.deploymentId,
        REYNA_PROCESSORS: 'none',
        HOST: '127.0.0.1',
      }),
    );
    second = await createApp(config, { database: h.testDb.database });
  });
  afterAll(async () => {
    await second?.stop();
  });

  it('brings a late subscriber there up to date from the shared run row, then streams live', async () => {
    const secondUrl = await second.listen();
    const token = await h.token(h.user());
    const blobId = await write(token);
    const run = await midRun(token, blobId, 40);
    const sub = subscribeWs<Delivery>(client(token, secondUrl), RUN_UPDATED, { runId: run.id });
    const updates = await untilDone(sub);
    expect(updates[0]!.textSoFar.length).toBeGreaterThanOrEqual(run.textSoFar.length);
    expect(updates[0]!.textSoFar.length).toBeLessThan(REPLY.length);
    expectContinuous(updates);
    expect(updates.map((u) => u.textDelta ?? '').join('')).toBe(await expandedText(token, blobId));
    sub.stop();
  });
});
