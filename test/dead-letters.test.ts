/**
 * Dead letters an operator can act on, and bulk retry of failed runs, as an admin sees them over
 * GraphQL and through `reyna dead-letters` / `reyna runs retry-failed` run as child processes.
 * Runs fail for real: a processor of this test stores its note and then throws PermanentError
 * while its cause is "broken", and text expansion fails when the fake LLM refuses (400).
 */
import { execFile } from 'node:child_process';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateBlobDocument,
  type DeadLetterFilter,
  DeadLettersDocument,
  type DeadLettersQuery,
  DiscardDeadLettersDocument,
  ReplayDeadLettersDocument,
  RetryFailedRunsDocument,
  RetryRunDocument,
  RunDocument,
} from '../client-sdk/index';
import { createProcessors } from '../processors/index';
import { PermanentError, type Processor } from '../processors/kit';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import { type Harness, startHarness, stopHarness, uniqueId } from './support/harness';
import { eventually } from './support/realtime';

/** Causes the test processor fails on (its input's `cause`), until a test fixes them. */
const broken = new Set<string>();

const flaky: Processor = {
  definition: {
    id: 'dlq-flaky',
    name: 'Flaky archiver',
    version: '1.0.0',
    description: 'Stores a note for its input, then fails while the input names a broken cause.',
    inputSchemaIds: ['dlq-input-v1'],
    outputSchemaIds: ['dlq-note-v1'],
    schemas: [
      {
        definition: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          $id: 'dlq-input-v1',
          type: 'object',
          required: ['cause'],
          properties: { cause: { type: 'string', maxLength: 100 } },
        },
        description: 'What the flaky archiver archives.',
      },
      {
        definition: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          $id: 'dlq-note-v1',
          type: 'object',
          required: ['note'],
          properties: { note: { type: 'string', maxLength: 100 } },
        },
        description: 'The flaky archiver note.',
      },
    ],
    subscribes: ['blob.created.dlq-input-v1'],
    emits: ['blob.created.dlq-note-v1', 'processor.completed.dlq-flaky'],
    maxConcurrency: 4,
    maxAttempts: 1,
  },
  async handle(kit, input) {
    const { cause } = input!.data as { cause: string };
    // Stored first: a replay must find it there and store no second one.
    await kit.derive({ schemaId: 'dlq-note-v1', data: { note: `archived ${cause}` } });
    if (broken.has(cause)) throw new PermanentError(`Archive unreachable: ${cause}`);
  },
};

let llm: FakeLlm;
let h: Harness;
let admin: string;

beforeAll(async () => {
  llm = await startFakeLlm();
  h = await startHarness(
    { REYNA_PROCESSORS: 'all', REYNA_RETRY_BASE_MS: '20' },
    {
      processors: [
        ...createProcessors({ llm: { baseURL: llm.url, apiKey: 'test-key', model: 'fake-model' } }),
        flaky,
      ],
    },
  );
  admin = await h.token(h.user('admin'), { roles: ['registry-admin'] });
});
afterAll(async () => {
  await stopHarness(h);
  await llm.close();
});

const LIST = DeadLettersDocument;
const REPLAY = ReplayDeadLettersDocument;
const DISCARD = DiscardDeadLettersDocument;
const RETRY = RetryFailedRunsDocument;

type Letter = DeadLettersQuery['deadLetters']['edges'][number]['node'];

/** Sends one of the SDK's typed documents; its data, or the test fails with the errors. */
async function ok<R, V extends Record<string, unknown>>(
  document: TypedDocumentNode<R, V>,
  variables: V,
  token: string | null = admin,
): Promise<R> {
  const r = await h.gql<R>(print(document), variables, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!;
}

async function letters(filter: DeadLetterFilter): Promise<Letter[]> {
  const data = await ok(LIST, { filter, first: 100 });
  return data.deadLetters.edges.map((e) => e.node);
}

/** Writes an input the test processor fails on (its cause broken) and waits for the run to fail. */
async function failingInput(
  token: string,
  cause: string,
): Promise<{ blobId: string; runId: string }> {
  broken.add(cause);
  const r = await ok(
    CreateBlobDocument,
    { input: { schemaId: 'dlq-input-v1', data: { cause } } },
    token,
  );
  const blobId = r.createBlob.id;
  const run = await settledRun(token, blobId, 'dlq-flaky');
  expect(run.status).toBe('FAILED');
  return { blobId, runId: run.id };
}

/** The input's run of `processor` once it has finished. */
async function settledRun(token: string, blobId: string, processor: string) {
  let run = { id: '', status: '' };
  await eventually(async () => {
    const r = await h.gql<{
      blob: { runs: { id: string; status: string; processorId: string }[] } | null;
    }>(
      'query($id: ID!) { blob(id: $id) { runs { id status processorId } } }',
      { id: blobId },
      token,
    );
    run = r.data?.blob?.runs?.find((x) => x.processorId === processor) ?? run;
    return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status);
  }, 20_000);
  return run;
}

async function runStatus(token: string, runId: string): Promise<string> {
  return (await ok(RunDocument, { id: runId }, token)).run?.status ?? 'GONE';
}

/** Every blob derived from the input, superseded ones included. */
async function derivedCount(token: string, blobId: string): Promise<number> {
  const r = await h.gql<{ blob: { derived: { id: string }[] } }>(
    'query($id: ID!) { blob(id: $id) { derived(includeSuperseded: true) { id } } }',
    { id: blobId },
    token,
  );
  return r.data!.blob.derived.length;
}

/** Waits until the dead letters matching `error` number `n`. */
async function lettersOf(error: string, n: number): Promise<Letter[]> {
  let found: Letter[] = [];
  await eventually(async () => {
    found = await letters({ error });
    return found.length === n;
    // One scan may wait up to 5 s on NATS for letters it was told are pending: allow several.
  }, 25_000);
  return found;
}

describe('listing dead letters', () => {
  it('shows processor, run, event, reason, attempts, user and time, filtered by processor, error text and time', async () => {
    const user = h.user();
    const token = await h.token(user);
    const cause = uniqueId('list');
    const before = new Date();
    const { runId } = await failingInput(token, cause);
    const [letter] = await lettersOf(cause, 1);
    const after = new Date();
    expect(letter).toMatchObject({
      id: `dlq-flaky/${runId}`,
      processorId: 'dlq-flaky',
      runId,
      userId: user,
      eventType: 'blob.created.dlq-input-v1',
      reason: `Archive unreachable: ${cause}`,
      attempts: 1,
      run: { id: runId, status: 'FAILED' },
    });
    expect(Date.parse(letter!.at)).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(Date.parse(letter!.at)).toBeLessThanOrEqual(after.getTime() + 1000);

    expect(await letters({ error: cause.toUpperCase() })).toHaveLength(1);
    expect(await letters({ error: cause, processorId: 'dlq-flaky' })).toHaveLength(1);
    expect(await letters({ error: cause, processorId: 'text-expansion' })).toHaveLength(0);
    const window = {
      from: before.toISOString(),
      to: new Date(after.getTime() + 1000).toISOString(),
    };
    expect(await letters({ error: cause, ...window })).toHaveLength(1);
    expect(
      await letters({ error: cause, from: new Date(after.getTime() + 1000).toISOString() }),
    ).toHaveLength(0);
    expect(
      await letters({ error: cause, to: new Date(before.getTime() - 1000).toISOString() }),
    ).toHaveLength(0);
  });

  it('pages through the letters with first and after', async () => {
    const token = await h.token(h.user());
    const cause = uniqueId('page');
    for (const n of [1, 2, 3]) await failingInput(token, `${cause}-${n}`);
    await lettersOf(cause, 3);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const data: DeadLettersQuery = await ok(LIST, { filter: { error: cause }, first: 2, after });
      seen.push(...data.deadLetters.edges.map((e) => e.node.reason));
      after = data.deadLetters.pageInfo.endCursor ?? null;
      if (!data.deadLetters.pageInfo.hasNextPage) break;
    }
    expect(seen).toEqual([1, 2, 3].map((n) => `Archive unreachable: ${cause}-${n}`));
  });

  it('reads a bounded number of letters a call on the backbone, and goes on from where it stopped', async () => {
    const token = await h.token(h.user());
    const cause = uniqueId('budget');
    for (const n of [1, 2, 3]) await failingInput(token, `${cause}-${n}`);
    await lettersOf(cause, 3);
    const match = (l: { reason: string }) => l.reason.includes(cause);
    const first = await h.app.events.scanDeadLetters({
      group: 'dlq-flaky',
      match,
      limit: 10,
      budget: 2,
    });
    expect(first.letters.length).toBeLessThanOrEqual(2);
    expect(first.more).toBe(true);
    const reasons = first.letters.map((l) => l.reason);
    let at = first.last!;
    for (let call = 0; call < 100; call++) {
      const next = await h.app.events.scanDeadLetters({
        group: 'dlq-flaky',
        match,
        after: at,
        limit: 10,
        budget: 2,
      });
      reasons.push(...next.letters.map((l) => l.reason));
      if (!next.more) break;
      at = next.last!;
    }
    expect(reasons).toEqual([1, 2, 3].map((n) => `Archive unreachable: ${cause}-${n}`));
  });
});

describe('replaying dead letters', () => {
  it('replays one by id once the cause is fixed: the run succeeds, no second blob, the letter is gone', async () => {
    const token = await h.token(h.user());
    const cause = uniqueId('replay');
    const { blobId, runId } = await failingInput(token, cause);
    expect(await derivedCount(token, blobId)).toBe(1);
    const [letter] = await lettersOf(cause, 1);

    const dry = await ok(REPLAY, { ids: [letter!.id], dryRun: true });
    expect(dry.replayDeadLetters).toMatchObject({
      dryRun: true,
      matched: 1,
      replayed: 1,
      skipped: 0,
    });
    expect(await letters({ error: cause })).toHaveLength(1);
    expect(await runStatus(token, runId)).toBe('FAILED');

    broken.delete(cause);
    const done = await ok(REPLAY, { ids: [letter!.id] });
    expect(done.replayDeadLetters).toMatchObject({
      dryRun: false,
      matched: 1,
      replayed: 1,
      skipped: 0,
      hasMore: false,
    });
    await eventually(async () => (await runStatus(token, runId)) === 'SUCCEEDED', 20_000);
    expect(await derivedCount(token, blobId)).toBe(1);
    expect(await letters({ error: cause })).toHaveLength(0);

    const again = await h.gql(print(REPLAY), { ids: [letter!.id] }, admin);
    expect(again.errors![0]!.extensions.code).toBe('NOT_FOUND');
  });

  it('replays a failed text expansion once the LLM answers again, storing one expansion', async () => {
    const token = await h.token(h.user());
    const content = `A passage the model refused at first ${uniqueId('llm')}.`;
    llm.behaviour.fail = { status: 400, times: 1 };
    const r = await ok(
      CreateBlobDocument,
      { input: { schemaId: 'text-input-v1', data: { content } } },
      token,
    );
    const blobId = r.createBlob.id;
    const run = await settledRun(token, blobId, 'text-expansion');
    expect(run.status).toBe('FAILED');
    let letter: Letter | undefined;
    await eventually(async () => {
      letter = (await letters({ processorId: 'text-expansion' })).find((l) => l.runId === run.id);
      return letter !== undefined;
    });
    expect(letter!.reason).toMatch(/400/);
    const done = await ok(REPLAY, { ids: [letter!.id] });
    expect(done.replayDeadLetters.replayed).toBe(1);
    await eventually(async () => (await runStatus(token, run.id)) === 'SUCCEEDED', 20_000);
    expect(await derivedCount(token, blobId)).toBe(1);
  });

  it('replays all a filter matches; a run its user retried meanwhile has no letter left to replay', async () => {
    const token = await h.token(h.user());
    const cause = uniqueId('bulk');
    const a = await failingInput(token, `${cause}-a`);
    const b = await failingInput(token, `${cause}-b`);
    await lettersOf(cause, 2);
    broken.delete(`${cause}-a`);
    broken.delete(`${cause}-b`);
    // The user retries one themselves once it can work: their retry deals with its letter.
    await ok(RetryRunDocument, { id: a.runId }, token);
    expect((await letters({ error: cause })).map((l) => l.runId)).toEqual([b.runId]);
    await eventually(async () => (await runStatus(token, a.runId)) === 'SUCCEEDED', 20_000);

    const dry = await ok(REPLAY, { filter: { error: cause }, dryRun: true });
    expect(dry.replayDeadLetters).toMatchObject({ matched: 1, replayed: 1, skipped: 0 });
    expect(await runStatus(token, b.runId)).toBe('FAILED');

    const done = await ok(REPLAY, { filter: { error: cause, processorId: 'dlq-flaky' } });
    expect(done.replayDeadLetters).toMatchObject({
      dryRun: false,
      matched: 1,
      replayed: 1,
      skipped: 0,
      skippedItems: [],
    });
    await eventually(async () => (await runStatus(token, b.runId)) === 'SUCCEEDED', 20_000);
    expect(await derivedCount(token, a.blobId)).toBe(1);
    expect(await derivedCount(token, b.blobId)).toBe(1);
    expect(await letters({ error: cause })).toEqual([]);
  });
});

describe('discarding dead letters', () => {
  it('discards one by id and the rest by filter after a dry run that counts; the runs stay FAILED', async () => {
    const token = await h.token(h.user());
    const cause = uniqueId('discard');
    const runs = [];
    for (const n of [1, 2, 3]) runs.push(await failingInput(token, `${cause}-${n}`));
    const found = await lettersOf(cause, 3);

    const one = await ok(DISCARD, { ids: [found[0]!.id] });
    expect(one.discardDeadLetters).toMatchObject({ matched: 1, discarded: 1, skipped: 0 });
    expect(await letters({ error: cause })).toHaveLength(2);

    const dry = await ok(DISCARD, { filter: { error: cause }, dryRun: true });
    expect(dry.discardDeadLetters).toMatchObject({ dryRun: true, matched: 2, discarded: 2 });
    expect(await letters({ error: cause })).toHaveLength(2);

    const rest = await ok(DISCARD, { filter: { error: cause } });
    expect(rest.discardDeadLetters).toMatchObject({
      dryRun: false,
      matched: 2,
      discarded: 2,
      hasMore: false,
    });
    expect(await letters({ error: cause })).toHaveLength(0);
    for (const r of runs) expect(await runStatus(token, r.runId)).toBe('FAILED');
  });
});

describe('bulk retry of failed runs', () => {
  it('retries the failed runs of every user a filter matches, after a dry run that counts first', async () => {
    const cause = uniqueId('retry');
    const alice = await h.token(h.user('alice'));
    const bob = await h.token(h.user('bob'));
    const a = await failingInput(alice, `${cause}-a`);
    const b = await failingInput(bob, `${cause}-b`);
    await lettersOf(cause, 2);

    const dry = await ok(RETRY, { filter: { error: cause.toUpperCase() }, dryRun: true });
    expect(dry.retryFailedRuns).toMatchObject({
      dryRun: true,
      matched: 2,
      retried: 2,
      skipped: 0,
      hasMore: false,
    });
    expect(await runStatus(alice, a.runId)).toBe('FAILED');
    const later = new Date(Date.now() + 60_000).toISOString();
    const none = await ok(RETRY, { filter: { error: cause, from: later }, dryRun: true });
    expect(none.retryFailedRuns.matched).toBe(0);
    const other = await ok(RETRY, {
      filter: { error: cause, processorId: 'text-expansion' },
      dryRun: true,
    });
    expect(other.retryFailedRuns.matched).toBe(0);

    broken.delete(`${cause}-a`);
    broken.delete(`${cause}-b`);
    const done = await ok(RETRY, { filter: { error: cause, processorId: 'dlq-flaky' } });
    expect(done.retryFailedRuns).toMatchObject({
      dryRun: false,
      matched: 2,
      retried: 2,
      skipped: 0,
      hasMore: false,
    });
    await eventually(async () => (await runStatus(alice, a.runId)) === 'SUCCEEDED', 20_000);
    await eventually(async () => (await runStatus(bob, b.runId)) === 'SUCCEEDED', 20_000);
    expect(await derivedCount(alice, a.blobId)).toBe(1);
    expect(await derivedCount(bob, b.blobId)).toBe(1);
    // Their dead letters went with the retry.
    expect(await letters({ error: cause })).toHaveLength(0);
  });
});

describe('who may, and bad input', () => {
  it('refuses users without registry-admin with FORBIDDEN naming the role, and no token with UNAUTHENTICATED; nothing changes', async () => {
    const token = await h.token(h.user());
    const cause = uniqueId('forbidden');
    const { runId } = await failingInput(token, cause);
    const [letter] = await lettersOf(cause, 1);
    const author = await h.token(h.user(), { roles: ['registry-author'] });
    const calls: [string, Record<string, unknown>][] = [
      [print(LIST), { filter: { error: cause } }],
      [print(REPLAY), { ids: [letter!.id] }],
      [print(DISCARD), { ids: [letter!.id] }],
      [print(RETRY), { filter: { error: cause } }],
    ];
    for (const [query, variables] of calls) {
      for (const who of [token, author]) {
        const r = await h.gql(query, variables, who);
        expect(r.errors![0]!.extensions.code).toBe('FORBIDDEN');
        expect(r.errors![0]!.message).toMatch(/registry-admin/);
        expect(r.errors![0]!.extensions.requiredRole).toBe('registry-admin');
      }
      const anonymous = await h.gql(query, variables, null);
      expect(anonymous.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    }
    expect(await letters({ error: cause })).toHaveLength(1);
    expect(await runStatus(token, runId)).toBe('FAILED');
  });

  it('refuses bad filters, ids, cursors and an empty filter without all: true, with typed errors and nothing changed', async () => {
    const token = await h.token(h.user());
    const cause = uniqueId('bad');
    const { runId } = await failingInput(token, cause);
    await lettersOf(cause, 1);
    const refused = async (
      document: DocumentNode,
      variables: Record<string, unknown>,
      code: string,
      field?: string,
    ) => {
      const r = await h.gql(print(document), variables, admin);
      expect(r.errors?.[0]?.extensions.code, JSON.stringify(r.errors)).toBe(code);
      if (field) expect(r.errors![0]!.extensions.field).toBe(field);
    };
    const backwards = { error: cause, from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' };
    for (const query of [LIST, REPLAY, DISCARD]) {
      await refused(query, { filter: backwards }, 'BAD_USER_INPUT', 'filter.to');
      await refused(query, { filter: { error: '   ' } }, 'BAD_USER_INPUT', 'filter.error');
      await refused(
        query,
        { filter: { error: 'x'.repeat(201) } },
        'BAD_USER_INPUT',
        'filter.error',
      );
      await refused(
        query,
        { filter: { processorId: 'no-such-processor' } },
        'NOT_FOUND',
        'filter.processorId',
      );
      await refused(query, { filter: { from: 'yesterday' } }, 'BAD_USER_INPUT');
    }
    await refused(RETRY, { filter: backwards }, 'BAD_USER_INPUT', 'filter.to');
    await refused(
      RETRY,
      { filter: { processorId: 'no-such-processor' } },
      'NOT_FOUND',
      'filter.processorId',
    );
    for (const query of [REPLAY, DISCARD, RETRY]) {
      await refused(query, {}, 'BAD_USER_INPUT', 'all');
      await refused(query, { filter: {} }, 'BAD_USER_INPUT', 'all');
    }
    for (const query of [REPLAY, DISCARD]) {
      await refused(
        query,
        { ids: ['dlq-flaky/x'], filter: { error: cause } },
        'BAD_USER_INPUT',
        'ids',
      );
      await refused(query, { ids: ['no-slash'] }, 'BAD_USER_INPUT', 'ids');
      await refused(query, { ids: [] }, 'BAD_USER_INPUT', 'ids');
      await refused(query, { ids: [`dlq-flaky/${crypto.randomUUID()}`] }, 'NOT_FOUND', 'ids');
      const many = Array.from({ length: 101 }, (_, i) => `dlq-flaky/${i}`);
      await refused(query, { ids: many }, 'BAD_USER_INPUT', 'ids');
    }
    await refused(LIST, { first: 101 }, 'BAD_USER_INPUT', 'first');
    await refused(LIST, { after: 'not-a-cursor' }, 'BAD_USER_INPUT', 'after');
    expect(await letters({ error: cause })).toHaveLength(1);
    expect(await runStatus(token, runId)).toBe('FAILED');
  });
});

// Each command is a new Node process: seconds apiece on a busy machine.
describe('reyna dead-letters and reyna runs retry-failed', { timeout: 180_000 }, () => {
  let url = '';
  beforeAll(async () => {
    url = await h.app.listen();
  });

  /** Runs `reyna <args>` as an operator would, against this test's API. */
  const reyna = (args: string[], token = admin) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/main.ts', ...args],
        {
          cwd: new URL('..', import.meta.url).pathname,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            REYNA_URL: url,
            REYNA_TOKEN: token,
          },
        },
        (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
      );
    });

  it('lists, replays with a dry run and for real, discards and retries, in lines an operator reads', async () => {
    const token = await h.token(h.user());
    const cause = uniqueId('cli');
    const one = await failingInput(token, `${cause}-1`);
    const two = await failingInput(token, `${cause}-2`);
    await lettersOf(cause, 2);

    const listed = await reyna([
      'dead-letters',
      'list',
      '--processor',
      'dlq-flaky',
      '--error',
      cause,
    ]);
    expect(listed.code, listed.err).toBe(0);
    const lines = listed.out.trim().split('\n');
    expect(lines[0]).toContain(`dlq-flaky/${one.runId}`);
    expect(lines[0]).toContain('attempts=1');
    expect(lines[0]).toContain('run=FAILED');
    expect(lines[0]).toContain(`Archive unreachable: ${cause}-1`);
    expect(lines[1]).toContain(`dlq-flaky/${two.runId}`);
    expect(lines[2]).toBe('2 dead letters');

    const dry = await reyna([
      'dead-letters',
      'replay',
      '--id',
      `dlq-flaky/${one.runId}`,
      '--dry-run',
    ]);
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('matched 1, dry run: would replay 1, skipped 0');
    expect(await runStatus(token, one.runId)).toBe('FAILED');

    broken.delete(`${cause}-1`);
    const replayed = await reyna(['dead-letters', 'replay', '--id', `dlq-flaky/${one.runId}`]);
    expect(replayed.out).toContain('matched 1, replayed 1, skipped 0');
    await eventually(async () => (await runStatus(token, one.runId)) === 'SUCCEEDED', 20_000);

    const retryDry = await reyna(['runs', 'retry-failed', '--error', cause, '--dry-run']);
    expect(retryDry.out).toContain('matched 1, dry run: would retry 1, skipped 0');

    const discarded = await reyna(['dead-letters', 'discard', '--error', cause]);
    expect(discarded.out).toContain('matched 1, discarded 1, skipped 0');
    expect(await runStatus(token, two.runId)).toBe('FAILED');
    const empty = await reyna(['dead-letters', 'list', '--error', cause]);
    expect(empty.out.trim()).toBe('0 dead letters');
  }, 120_000);

  it('exits non-zero saying why: bad options, an empty filter without --all, a token without the role', async () => {
    const badDate = await reyna(['dead-letters', 'list', '--since', 'yesterday']);
    expect(badDate.code).toBe(2);
    expect(badDate.err).toMatch(/usage: --since "yesterday" is not a date/);
    const unknown = await reyna(['dead-letters', 'replay', '--everything']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown option --everything/);
    const noSub = await reyna(['dead-letters']);
    expect(noSub.code).toBe(2);
    expect(noSub.err).toMatch(/list\|replay\|discard/);
    const everything = await reyna(['runs', 'retry-failed']);
    expect(everything.code).toBe(1);
    expect(everything.err).toMatch(/BAD_USER_INPUT: .*all: true/);
    const plain = await reyna(['dead-letters', 'list'], await h.token(h.user()));
    expect(plain.code).toBe(1);
    expect(plain.err).toMatch(/FORBIDDEN: .*registry-admin/);
  });
});
