/**
 * Reprocessing after a processor version change, through GraphQL and `reyna reprocess` as an
 * operator would. One database, three app processes one after another: version 1.0.0 of a test
 * processor derives outputs; then version 2.0.0 (a new output schema) is registered by an app
 * that runs no processors (its runs stay queued: batches, cancellation, a stop mid-way); then an
 * app that runs version 2.0.0 resumes what the stopped one left and serves the other tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../processors/kit';
import { type Harness, startHarness, stopHarness } from './support/harness';
import { runReyna } from './support/processes';
import { eventually } from './support/realtime';

const PROCESSOR = 'shout';

/** Version 1 writes `shout-text-v1`; version 2 writes the new schema `shout-words-v1`. */
function shout(version: '1.0.0' | '2.0.0'): Processor {
  const schemaId = version === '1.0.0' ? 'shout-text-v1' : 'shout-words-v1';
  const definition = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: schemaId,
    type: 'object',
    required: ['text'],
    properties: { text: { type: 'string' }, words: { type: 'array', items: { type: 'string' } } },
  };
  return {
    definition: {
      id: PROCESSOR,
      name: 'Shout',
      version,
      description: 'Upper-cases a passage (a test processor).',
      inputSchemaIds: ['text-input-v1'],
      outputSchemaIds: [schemaId],
      schemas: [{ definition, description: `What shout ${version} writes` }],
      subscribes: ['blob.created.text-input-v1'],
      followsUpdates: true,
      emits: [],
      maxConcurrency: 4,
    },
    async handle(kit, input) {
      const text = String((input!.data as { content: string }).content).toUpperCase();
      await kit.derive({
        schemaId,
        data: version === '1.0.0' ? { text } : { text, words: text.split(' ') },
      });
    },
  };
}

/** An on-request processor: it takes no input blobs, so it cannot be reprocessed. */
const onRequest: Processor = {
  definition: {
    id: 'shout-on-request',
    name: 'Shout on request',
    version: '1.0.0',
    description: 'A test processor that runs on request.',
    inputSchemaIds: [],
    outputSchemaIds: [],
    subscribes: [],
    onRequest: { event: 'shout.loud.requested', target: 'none', details: { type: 'object' } },
    emits: [],
    maxConcurrency: 1,
  },
  async handle() {},
};

const REPROCESS = `mutation($input: ReprocessInput!, $dryRun: Boolean) {
  reprocess(input: $input, dryRun: $dryRun) {
    plan { processorId fromVersions toVersion matched skipped toDerive }
    reprocessing { id status total skipped queued running succeeded failed cancelled toVersion fromVersions requestedBy
      selection { userId bookId blobId schemaId since all } }
  }
}`;
const STATUS = `query($id: ID!) { reprocessing(id: $id) {
  id status total skipped queued running succeeded failed cancelled error startedAt finishedAt } }`;
const DERIVED = `query($id: ID!) { blob(id: $id) {
  derived(includeSuperseded: true) { id schemaId processorId data supersededBy { id } provenance }
  runs { processorVersion status } } }`;

let h: Harness;
let admin: string;
let baseEnv: Record<string, string>;
/** Inputs by user label, as ids. */
const inputs: Record<string, string[]> = {};
const tokens: Record<string, string> = {};
const users: Record<string, string> = {};
let bookId: string;

interface DerivedView {
  id: string;
  schemaId: string;
  supersededBy: { id: string } | null;
  provenance: Record<string, unknown> | null;
}
interface BlobRuns {
  derived: DerivedView[];
  runs: { processorVersion: string; status: string }[];
}
interface ReprocessingView {
  id: string;
  status: string;
  total: number;
  skipped: number;
  queued: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  finishedAt: string | null;
  [field: string]: unknown;
}
interface ReprocessResult {
  reprocess: { plan: Record<string, unknown>; reprocessing: ReprocessingView | null };
}
type Connection<T> = {
  edges: { node: T }[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
};

async function ok<T>(query: string, variables: Record<string, unknown>, token: string) {
  const r = await h.gql<T>(query, variables, token);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!;
}

async function write(label: string, content: string, book?: string): Promise<string> {
  const d = await ok<{ createBlob: { id: string } }>(
    'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id } }',
    { input: { schemaId: 'text-input-v1', data: { content }, bookId: book } },
    tokens[label]!,
  );
  return d.createBlob.id;
}

async function derivedOf(label: string, id: string) {
  return (await ok<{ blob: BlobRuns }>(DERIVED, { id }, tokens[label]!)).blob;
}

/** Waits until every input of `label` has a current output of `schemaId`. */
async function outputsOf(label: string, schemaId: string) {
  await eventually(async () => {
    for (const id of inputs[label]!) {
      const b = await derivedOf(label, id);
      if (!b.derived.some((d) => d.schemaId === schemaId && !d.supersededBy)) return false;
    }
    return true;
  }, 30_000);
}

async function statusOf(id: string) {
  return (await ok<{ reprocessing: ReprocessingView }>(STATUS, { id }, admin)).reprocessing;
}

async function ended(id: string) {
  let r: ReprocessingView | undefined;
  await eventually(async () => {
    r = await statusOf(id);
    return r.finishedAt !== null;
  }, 40_000);
  return r!;
}

async function reprocessingCount(): Promise<number> {
  const d = await ok<{ reprocessings: Connection<{ id: string }> }>(
    '{ reprocessings(first: 100) { edges { node { id } } pageInfo { endCursor hasNextPage } } }',
    {},
    admin,
  );
  return d.reprocessings.edges.length;
}

beforeAll(async () => {
  // Version 1 runs and derives every input's first output.
  h = await startHarness({ REYNA_PROCESSORS: 'all' }, { processors: [shout('1.0.0'), onRequest] });
  baseEnv = { REYNA_DEPLOYMENT: h.app.config.deploymentId, REYNA_REPROCESS_POLL_MS: '100' };
  admin = await h.token(h.user('admin'), { roles: ['registry-admin'] });
  for (const label of ['a', 'b', 'c', 'd']) {
    users[label] = h.user(label);
    tokens[label] = await h.token(users[label]!);
  }
  bookId = (
    await ok<{ createBook: { id: string } }>(
      'mutation { createBook(input: { title: "Loud" }) { id } }',
      {},
      tokens.a!,
    )
  ).createBook.id;
  inputs.a = [
    await write('a', 'in the book', bookId),
    await write('a', 'the first passage'),
    await write('a', 'the second passage'),
  ];
  inputs.b = [await write('b', 'another user')];
  inputs.c = await Promise.all([1, 2, 3, 4].map((n) => write('c', `cancel me ${n}`)));
  inputs.d = await Promise.all([1, 2, 3, 4].map((n) => write('d', `resume me ${n}`)));
  for (const label of ['a', 'b', 'c', 'd']) await outputsOf(label, 'shout-text-v1');
  await h.app.stop();
}, 120_000);

afterAll(async () => {
  await stopHarness(h);
});

describe('an app that registers version 2.0.0 and runs no processors', () => {
  let cancelledId: string;
  let resumedId: string;

  beforeAll(async () => {
    h = await startHarness(
      { ...baseEnv, REYNA_PROCESSORS: 'none', REYNA_REPROCESS_BATCH: '2' },
      { processors: [shout('2.0.0'), onRequest], testDb: h.testDb },
    );
  }, 60_000);

  it('enqueues a batch at a time: two runs queued, no more while they wait', async () => {
    const d = await ok<ReprocessResult>(
      REPROCESS,
      { input: { processorId: PROCESSOR, userId: users.c } },
      admin,
    );
    const r = d.reprocess.reprocessing!;
    cancelledId = r.id;
    expect(r).toMatchObject({ total: 4, toVersion: '2.0.0', fromVersions: ['1.0.0'] });
    await eventually(async () => (await statusOf(r.id)).queued === 2);
    // Several polls later, still one batch: the next waits for this one to drain.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await statusOf(r.id)).toMatchObject({ status: 'RUNNING', queued: 2, succeeded: 0 });
  });

  it('cancels: its queued runs are cancelled and nothing more is enqueued', async () => {
    const d = await ok<{ cancelReprocessing: ReprocessingView }>(
      'mutation($id: ID!) { cancelReprocessing(id: $id) { status queued cancelled finishedAt } }',
      { id: cancelledId },
      admin,
    );
    expect(d.cancelReprocessing).toMatchObject({ status: 'CANCELLED', queued: 0, cancelled: 2 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await statusOf(cancelledId)).toMatchObject({
      status: 'CANCELLED',
      queued: 0,
      cancelled: 2,
    });
    const again = await h.gql(
      'mutation($id: ID!) { cancelReprocessing(id: $id) { id } }',
      { id: cancelledId },
      admin,
    );
    expect(again.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    // The runs it cancelled are the user's to see, cancelled with the reason.
    const runs = await ok<{ runs: Connection<{ error: string; processorVersion: string }> }>(
      '{ runs(status: CANCELLED) { edges { node { error processorVersion } } } }',
      {},
      tokens.c!,
    );
    expect(runs.runs.edges.map((e) => e.node)).toEqual([
      { error: `Reprocessing ${cancelledId} was cancelled`, processorVersion: '2.0.0' },
      { error: `Reprocessing ${cancelledId} was cancelled`, processorVersion: '2.0.0' },
    ]);
  });

  it('is stopped with a reprocessing half done (resumed by the next app below)', async () => {
    const d = await ok<ReprocessResult>(
      REPROCESS,
      { input: { processorId: PROCESSOR, userId: users.d } },
      admin,
    );
    resumedId = d.reprocess.reprocessing!.id;
    await eventually(async () => (await statusOf(resumedId)).queued === 2);
    await h.app.stop();
  });

  describe('then an app that runs version 2.0.0', () => {
    beforeAll(async () => {
      h = await startHarness(
        { ...baseEnv, REYNA_PROCESSORS: 'all', REYNA_REPROCESS_BATCH: '2' },
        { processors: [shout('2.0.0'), onRequest], testDb: h.testDb },
      );
    }, 60_000);

    it('resumes the stopped reprocessing from where it was: every input once', async () => {
      const r = await ended(resumedId);
      expect(r).toMatchObject({
        status: 'SUCCEEDED',
        total: 4,
        succeeded: 4,
        skipped: 0,
        failed: 0,
      });
      for (const id of inputs.d!) {
        const b = await derivedOf('d', id);
        expect(b.runs.filter((run) => run.processorVersion === '2.0.0')).toHaveLength(1);
        expect(b.derived.filter((x) => x.schemaId === 'shout-words-v1')).toHaveLength(1);
      }
    });

    it('counts in a dry run and writes nothing', async () => {
      const before = await reprocessingCount();
      const d = await ok<ReprocessResult>(
        REPROCESS,
        { input: { processorId: PROCESSOR, userId: users.a }, dryRun: true },
        admin,
      );
      expect(d.reprocess).toEqual({
        plan: {
          processorId: PROCESSOR,
          fromVersions: ['1.0.0'],
          toVersion: '2.0.0',
          matched: 3,
          skipped: 0,
          toDerive: 3,
        },
        reprocessing: null,
      });
      expect(await reprocessingCount()).toBe(before);
      const book = await ok<ReprocessResult>(
        REPROCESS,
        { input: { processorId: PROCESSOR, bookId }, dryRun: true },
        admin,
      );
      expect(book.reprocess.plan).toMatchObject({ matched: 1, toDerive: 1 });
      const all = await ok<ReprocessResult>(
        REPROCESS,
        { input: { processorId: PROCESSOR, all: true }, dryRun: true },
        admin,
      );
      // a: 3, b: 1, c: 4 (two cancelled runs of 2.0.0 count as made), d: 4 (already 2.0.0).
      expect(all.reprocess.plan).toMatchObject({ matched: 12, skipped: 6, toDerive: 6 });
      for (const id of inputs.a!) expect((await derivedOf('a', id)).runs).toHaveLength(1);
    });

    it("re-derives one user's inputs with 2.0.0; the new schema's blob supersedes 1.0.0's", async () => {
      const d = await ok<ReprocessResult>(
        REPROCESS,
        { input: { processorId: PROCESSOR, userId: users.a } },
        admin,
      );
      const started = d.reprocess.reprocessing!;
      expect(started).toMatchObject({
        total: 3,
        toVersion: '2.0.0',
        fromVersions: ['1.0.0'],
        selection: { userId: users.a, bookId: null, all: false },
      });
      expect(['QUEUED', 'RUNNING']).toContain(started.status);
      const r = await ended(started.id);
      expect(r).toMatchObject({
        status: 'SUCCEEDED',
        total: 3,
        succeeded: 3,
        skipped: 0,
        failed: 0,
        queued: 0,
      });
      for (const id of inputs.a!) {
        const b = await derivedOf('a', id);
        const v1 = b.derived.find((x) => x.schemaId === 'shout-text-v1')!;
        const v2 = b.derived.find((x) => x.schemaId === 'shout-words-v1')!;
        expect(v2.supersededBy).toBeNull();
        expect(v2.provenance).toMatchObject({ processorVersion: '2.0.0', inputVersion: 1 });
        expect(v1.supersededBy).toEqual({ id: v2.id });
        const current = await ok<{ blob: { derived: { id: string }[] } }>(
          'query($id: ID!) { blob(id: $id) { derived { id } } }',
          { id },
          tokens.a!,
        );
        expect(current.blob.derived).toEqual([{ id: v2.id }]);
      }
      // Another user's inputs were not in the selection.
      const other = await derivedOf('b', inputs.b![0]!);
      expect(other.derived.map((x) => x.schemaId)).toEqual(['shout-text-v1']);
    });

    it('never derives twice: the same reprocessing again makes no run and no blob', async () => {
      const before = await Promise.all(inputs.a!.map((id) => derivedOf('a', id)));
      const d = await ok<ReprocessResult>(
        REPROCESS,
        { input: { processorId: PROCESSOR, userId: users.a } },
        admin,
      );
      const r = await ended(d.reprocess.reprocessing!.id);
      expect(r).toMatchObject({
        status: 'SUCCEEDED',
        total: 3,
        skipped: 3,
        succeeded: 0,
        queued: 0,
      });
      const after = await Promise.all(inputs.a!.map((id) => derivedOf('a', id)));
      expect(after).toEqual(before);
      for (const b of after)
        expect(b.runs.filter((x) => x.processorVersion === '2.0.0')).toHaveLength(1);
    });

    it('skips an input whose current output already comes from 2.0.0', async () => {
      const id = await write('b', 'written under version two');
      await eventually(async () => (await derivedOf('b', id)).derived.length === 1, 20_000);
      const d = await ok<ReprocessResult>(
        REPROCESS,
        { input: { processorId: PROCESSOR, blobId: id }, dryRun: true },
        admin,
      );
      expect(d.reprocess.plan).toMatchObject({
        matched: 1,
        skipped: 1,
        toDerive: 0,
        fromVersions: [],
      });
      const started = await ok<ReprocessResult>(
        REPROCESS,
        { input: { processorId: PROCESSOR, blobId: id } },
        admin,
      );
      expect(await ended(started.reprocess.reprocessing!.id)).toMatchObject({
        skipped: 1,
        succeeded: 0,
      });
      expect((await derivedOf('b', id)).runs).toHaveLength(1);
    });

    it('refuses bad input with a typed error and writes nothing', async () => {
      const before = await reprocessingCount();
      const refused = async (input: Record<string, unknown>, code: string, field?: string) => {
        const r = await h.gql(REPROCESS, { input: { processorId: PROCESSOR, ...input } }, admin);
        expect(r.errors?.[0]?.extensions, JSON.stringify(input)).toMatchObject({
          code,
          ...(field ? { field } : {}),
        });
      };
      await refused({ processorId: 'no-such-processor', all: true }, 'NOT_FOUND');
      await refused(
        { processorId: 'shout-on-request', all: true },
        'BAD_USER_INPUT',
        'processorId',
      );
      await refused({}, 'BAD_USER_INPUT', 'all');
      await refused({ all: false }, 'BAD_USER_INPUT', 'all');
      await refused(
        { since: new Date(Date.now() + 3_600_000).toISOString() },
        'BAD_USER_INPUT',
        'since',
      );
      await refused({ bookId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', 'bookId');
      await refused({ bookId: 'not-a-uuid' }, 'NOT_FOUND', 'bookId');
      await refused({ bookId, userId: users.b }, 'NOT_FOUND', 'bookId');
      await refused({ blobId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', 'blobId');
      await refused({ blobId: inputs.a![0], userId: users.b }, 'NOT_FOUND', 'blobId');
      await refused({ schemaId: 'no-such-schema-v1' }, 'NOT_FOUND', 'schemaId');
      await refused({ schemaId: 'text-input-v2' }, 'BAD_USER_INPUT', 'schemaId');
      await refused({ userId: 'x'.repeat(300) }, 'BAD_USER_INPUT', 'userId');
      expect(await reprocessingCount()).toBe(before);
    });

    it('is for admins: FORBIDDEN naming the role, UNAUTHENTICATED without a token', async () => {
      const input = { processorId: PROCESSOR, all: true };
      const user = await h.gql(REPROCESS, { input, dryRun: true }, tokens.a!);
      expect(user.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        requiredRole: 'registry-admin',
      });
      const list = await h.gql('{ reprocessings { edges { node { id } } } }', {}, tokens.a!);
      expect(list.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
      const anonymous = await h.gql(REPROCESS, { input }, null);
      expect(anonymous.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
      const cancel = await h.gql(
        'mutation($id: ID!) { cancelReprocessing(id: $id) { id } }',
        { id: cancelledId },
        tokens.a!,
      );
      expect(cancel.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    });

    it('lists reprocessings newest first as a connection', async () => {
      const first = await ok<{ reprocessings: Connection<{ id: string }> }>(
        '{ reprocessings(first: 2) { edges { node { id createdAt } } pageInfo { hasNextPage endCursor } } }',
        {},
        admin,
      );
      expect(first.reprocessings.edges).toHaveLength(2);
      expect(first.reprocessings.pageInfo.hasNextPage).toBe(true);
      const next = await ok<{ reprocessings: Connection<{ id: string }> }>(
        'query($after: String) { reprocessings(first: 100, after: $after) { edges { node { id } } } }',
        { after: first.reprocessings.pageInfo.endCursor },
        admin,
      );
      const ids = [...first.reprocessings.edges, ...next.reprocessings.edges].map((e) => e.node.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.at(-1)).toBe(cancelledId);
      const bad = await h.gql('{ reprocessings(first: -1) { edges { node { id } } } }', {}, admin);
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    });

    it('reyna reprocess: dry run, start, status and cancel, non-zero on error', async () => {
      const url = await h.app.listen();
      const env = { REYNA_URL: url, REYNA_TOKEN: admin };
      // Each command is a process of its own (seconds to start): those that do not depend on
      // each other run together.
      const [dry, unknown, future, noToken] = await Promise.all([
        runReyna(['reprocess', PROCESSOR, '--user', users.b!, '--dry-run'], env),
        runReyna(['reprocess', 'no-such-processor', '--all'], env),
        runReyna(['reprocess', PROCESSOR, '--since', '2999-01-01T00:00:00Z'], env),
        runReyna(['reprocess', 'status', cancelledId], { REYNA_URL: url }),
      ]);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('dry run for shout 1.0.0 -> 2.0.0: nothing written');
      expect(dry.stdout).toMatch(/matched +2\n +skipped +1 .*\n +to derive +1/);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('NOT_FOUND: Processor "no-such-processor" was not found');
      expect(future.code).toBe(1);
      expect(future.stderr).toContain('BAD_USER_INPUT: since');
      expect(noToken.code).toBe(1);
      expect(noToken.stderr).toContain('REYNA_TOKEN');

      const started = await runReyna(['reprocess', PROCESSOR, '--user', users.b!], env);
      expect(started.code, started.stderr).toBe(0);
      const id = /reprocessing ([0-9a-f-]{36})/.exec(started.stdout)![1]!;
      await ended(id);
      const [status, cancel] = await Promise.all([
        runReyna(['reprocess', 'status', id], env),
        runReyna(['reprocess', 'cancel', id], env),
      ]);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toContain(`reprocessing ${id}: SUCCEEDED`);
      expect(status.stdout).toMatch(/inputs +2 \(skipped 1\)/);
      expect(status.stdout).toContain('succeeded 1, failed 0');
      expect(cancel.code).toBe(1);
      expect(cancel.stderr).toContain(`BAD_USER_INPUT: Reprocessing "${id}" is SUCCEEDED`);
    }, 300_000);
  });
});
