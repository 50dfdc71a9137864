/**
 * An on-request processor is a folder plus one line: the processor below is defined here and
 * handed to the app as its processors (what processors/index.ts does with one line), and with no
 * other code it is requestable over GraphQL (`requestRun`) and REST (`POST /processors/:id/runs`),
 * its request checked against what it declared.
 */
import { describe, expect, it } from 'vitest';
import { CreateBlobDocument } from '../client-sdk/index';
import type { Processor } from '../processors/kit';
import { type RestError, useHarness } from './support/harness';
import { eventually } from './support/realtime';

const wordCounter: Processor = {
  definition: {
    id: 'word-counter',
    name: 'Word counter',
    version: '1.0.0',
    description: 'Counts the words of a passage, on request.',
    inputSchemaIds: ['text-input-v1'],
    outputSchemaIds: ['word-count-v1'],
    schemas: [
      {
        description: 'How many words of at least minLength letters a passage has.',
        definition: {
          $id: 'word-count-v1',
          type: 'object',
          required: ['words', 'minLength'],
          properties: { words: { type: 'integer' }, minLength: { type: 'integer' } },
        },
      },
    ],
    subscribes: [],
    onRequest: {
      event: 'words.count.requested',
      target: 'blob',
      details: {
        type: 'object',
        additionalProperties: false,
        properties: { minLength: { type: 'integer', minimum: 1, maximum: 20 } },
      },
    },
    emits: ['blob.created.word-count-v1', 'processor.completed.word-counter'],
    maxConcurrency: 2,
  },
  async handle(kit, input) {
    const minLength = (kit.event.details?.minLength as number | undefined) ?? 1;
    const content = (input!.data as { content: string }).content;
    const words = content.split(/\s+/).filter((w) => w.length >= minLength).length;
    await kit.derive({ schemaId: 'word-count-v1', data: { words, minLength } });
  },
};

const h = useHarness({ REYNA_PROCESSORS: 'all' }, { processors: [wordCounter] });

const PASSAGE = 'The lighthouse keeper counted ships at dusk';
const REQUEST = `mutation($p: ID!, $book: ID, $blob: ID, $details: JSON) {
  requestRun(processorId: $p, bookId: $book, blobId: $blob, details: $details) {
    id status processorId inputBlobId inputVersion
  }
}`;
const RUN = `query($id: ID!) { run(id: $id) { status error output { schemaId data parent { id } } } }`;

interface Requested {
  requestRun: {
    id: string;
    status: string;
    processorId: string;
    inputBlobId: string | null;
    inputVersion: number | null;
  };
}
interface RunState {
  status: string;
  error: string | null;
  output: { schemaId: string; data: unknown; parent: { id: string } | null } | null;
}
/** What POST /processors/:id/runs answers: the run, or the error. */
interface RestRun extends Partial<RestError> {
  id?: string;
  processorId?: string;
  status?: string;
}

async function passage(token: string, schemaId = 'text-input-v1'): Promise<string> {
  const r = await h().gql(
    CreateBlobDocument,
    { input: { schemaId, data: { content: PASSAGE } } },
    token,
  );
  expect(r.errors).toBeUndefined();
  return r.data!.createBlob.id;
}

async function finished(runId: string, token: string) {
  let run: RunState | null | undefined;
  await eventually(async () => {
    run = (await h().gql<{ run: RunState | null }>(RUN, { id: runId }, token)).data!.run;
    return run?.status === 'SUCCEEDED' || run?.status === 'FAILED';
  }, 30_000);
  // Set: `eventually` returned once the run read had finished.
  return run!;
}

async function runCount(token: string): Promise<number> {
  const r = await h().gql<{ runs: { edges: { node: { id: string } }[] } }>(
    '{ runs(first: 100) { edges { node { id } } } }',
    {},
    token,
  );
  return r.data!.runs.edges.length;
}

describe('an on-request processor defined in a test', () => {
  it('runs when asked over GraphQL, on the blob named, with the details given', async () => {
    const token = await h().token(h().user());
    const blob = await passage(token);
    const r = await h().gql<Requested>(
      REQUEST,
      { p: 'word-counter', blob, details: { minLength: 6 } },
      token,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.requestRun).toMatchObject({
      status: 'QUEUED',
      processorId: 'word-counter',
      inputBlobId: blob,
      inputVersion: 1,
    });
    const run = await finished(r.data!.requestRun.id, token);
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      // lighthouse, keeper, counted: the words of six letters or more.
      output: { schemaId: 'word-count-v1', data: { words: 3, minLength: 6 }, parent: { id: blob } },
    });
  });

  it('runs when asked over REST, and each request is a run of its own', async () => {
    const token = await h().token(h().user());
    const blob = await passage(token);
    const first = await h().rest<RestRun>('POST', '/processors/word-counter/runs', {
      token,
      body: { blobId: blob },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ processorId: 'word-counter', status: 'QUEUED' });
    const again = await h().rest<RestRun>('POST', '/processors/word-counter/runs', {
      token,
      body: { blobId: blob, details: { minLength: 12 } },
    });
    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(first.body.id);
    expect((await finished(first.body.id!, token)).output?.data).toEqual({
      words: 7,
      minLength: 1,
    });
    expect((await finished(again.body.id!, token)).output?.data).toEqual({
      words: 0,
      minLength: 12,
    });
  });

  it('says how it is asked on Processor.onRequest; event-driven processors have none', async () => {
    const token = await h().token(h().user());
    const r = await h().gql<{
      wc: { subscribes: string[]; onRequest: unknown } | null;
      ui: { onRequest: { event: string } | null } | null;
    }>(
      '{ wc: processor(id: "word-counter") { subscribes onRequest { event target inputSchemaIds detailsSchema } } ui: processor(id: "user-input") { onRequest { event } } }',
      {},
      token,
    );
    expect(r.data!.wc).toEqual({
      subscribes: ['words.count.requested'],
      onRequest: {
        event: 'words.count.requested',
        target: 'BLOB',
        inputSchemaIds: ['text-input-v1'],
        detailsSchema: wordCounter.definition.onRequest!.details,
      },
    });
    expect(r.data!.ui!.onRequest).toBeNull();
  });
});

describe('requests refused', () => {
  it('refuses details the schema does not accept, naming the path, and writes nothing', async () => {
    const token = await h().token(h().user());
    const blob = await passage(token);
    const bad = await h().gql<Requested>(
      REQUEST,
      { p: 'word-counter', blob, details: { minLength: 0 } },
      token,
    );
    expect(bad.errors![0]!.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'details',
      issues: [{ path: '/minLength', keyword: 'minimum' }],
    });
    const unknown = await h().gql<Requested>(
      REQUEST,
      { p: 'word-counter', blob, details: { colour: 1 } },
      token,
    );
    expect(unknown.errors![0]!.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: '/colour' }],
    });
    const list = await h().gql<Requested>(
      REQUEST,
      { p: 'word-counter', blob, details: [1] },
      token,
    );
    expect(list.errors![0]!.extensions).toMatchObject({ code: 'VALIDATION_FAILED' });
    const huge = await h().gql<Requested>(
      REQUEST,
      { p: 'word-counter', blob, details: { minLength: 1, pad: 'x'.repeat(70_000) } },
      token,
    );
    expect(huge.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'details' });
    expect(await runCount(token)).toBe(0);
  });

  it('refuses a target that is not the processor’s or not the user’s, and writes nothing', async () => {
    const token = await h().token(h().user());
    const other = await h().token(h().user());
    const blob = await passage(token);
    const theirs = await passage(other);
    const v2 = await passage(token, 'text-input-v2');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ blob: theirs }, 'NOT_FOUND', 'blobId'],
      [{ blob: 'not-a-uuid' }, 'NOT_FOUND', 'blobId'],
      [{}, 'BAD_USER_INPUT', 'blobId'],
      [{ blob, book: blob }, 'BAD_USER_INPUT', 'bookId'],
      [{ blob: v2 }, 'BAD_USER_INPUT', 'blobId'],
    ];
    for (const [args, code, field] of cases) {
      const r = await h().gql<Requested>(REQUEST, { p: 'word-counter', ...args }, token);
      expect(r.errors![0]!.extensions, JSON.stringify(args)).toMatchObject({ code, field });
    }
    expect(await runCount(token)).toBe(0);
  });

  it('refuses a processor that is unknown or does not run on request', async () => {
    const token = await h().token(h().user());
    const blob = await passage(token);
    const unknown = await h().gql<Requested>(REQUEST, { p: 'no-such-processor', blob }, token);
    expect(unknown.errors![0]!.extensions).toMatchObject({
      code: 'NOT_FOUND',
      field: 'processorId',
    });
    const reactive = await h().gql<Requested>(REQUEST, { p: 'user-input', blob }, token);
    expect(reactive.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'processorId',
    });
    expect(reactive.errors![0]!.message).toMatch(/does not run on request/);
    const anonymous = await h().gql<Requested>(REQUEST, { p: 'word-counter', blob }, null);
    expect(anonymous.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(await runCount(token)).toBe(0);
  });

  it('refuses bad REST bodies with the same codes and statuses, and writes nothing', async () => {
    const token = await h().token(h().user());
    const blob = await passage(token);
    const post = (body: unknown, t: string | null = token, path = 'word-counter') =>
      h().rest<RestRun>('POST', `/processors/${path}/runs`, { token: t, body });
    const cases: [unknown, number, string][] = [
      [{ blobId: blob, details: { minLength: 99 } }, 422, 'VALIDATION_FAILED'],
      [{ blobId: blob, colour: 'red' }, 400, 'BAD_USER_INPUT'],
      [{ blobId: 7 }, 400, 'BAD_USER_INPUT'],
      [[blob], 400, 'BAD_USER_INPUT'],
      [{ blobId: blob, bookId: blob }, 400, 'BAD_USER_INPUT'],
    ];
    for (const [body, status, code] of cases) {
      const r = await post(body);
      expect([r.status, r.body.error?.code], JSON.stringify(body)).toEqual([status, code]);
    }
    expect((await post({ blobId: blob }, null)).status).toBe(401);
    expect((await post({ blobId: blob }, token, 'nope')).body.error?.code).toBe('NOT_FOUND');
    const raw = await h().rest('POST', '/processors/word-counter/runs', { token, rawBody: '{' });
    expect(raw.status).toBe(400);
    expect(await runCount(token)).toBe(0);
  });
});
