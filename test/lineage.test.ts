/**
 * A living lineage: an edited passage is expanded again, a burst of edits gives one expansion
 * (of the last version), older runs are cancelled, earlier expansions are superseded but kept,
 * and the book compiler uses each chapter's current expansion. The real `openai` client against
 * a small OpenAI-compatible server that writes a word every few milliseconds (so edits land while
 * a run streams), the real backbone (NATS on the PostgreSQL project), real WebSockets.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BlobDerivedDocument,
  BlobsDocument,
  CompileBookDocument,
  CreateBlobDocument,
  CreateBookDocument,
  dataOf,
  RetryRunDocument,
  RunDocument,
  type RunQuery,
  type RunStatus,
  UpdateBlobDocument,
} from '../client-sdk/index';
import type { Blob } from '../src/blobs/blob-types';
import { currentOnly, supersession } from '../src/blobs/lineage';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import {
  expectData,
  expectError,
  type Harness,
  nodes,
  startHarness,
  stopHarness,
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
    HOST: '127.0.0.1',
  });
  url = await h.app.listen();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await stopHarness(h);
  await llm.close();
});
beforeEach(() => {
  llm.reset();
  // The answer is the prompt four times over, a word a chunk: an expansion of a passage takes
  // a second or more, so edits land while it streams.
  llm.behaviour.chunkDelayMs = 15;
});

const passage = (n: number) => `Version ${n}: the lighthouse keeper counted ships at dusk.`;
const LINEAGE = `query($id: ID!) { blob(id: $id) {
  version
  runs { id status inputVersion error processorId }
  derived { id data provenance supersededBy { id } }
  all: derived(includeSuperseded: true) { id data provenance supersededBy { id } }
} }`;

async function write(token: string, content: string, bookId?: string): Promise<string> {
  const input = { schemaId: 'text-input-v1', data: { content }, bookId };
  return expectData(await h.gql(CreateBlobDocument, { input }, token)).createBlob.id;
}

async function edit(token: string, id: string, content: string): Promise<number> {
  const r = await h.gql(UpdateBlobDocument, { id, input: { data: { content } } }, token);
  return expectData(r).updateBlob.version;
}

interface DerivedView {
  id: string;
  data: Record<string, unknown>;
  provenance: unknown;
  supersededBy: { id: string } | null;
}

/** A passage with its runs, its current expansions and all of them (no SDK operation has these). */
interface Lineage {
  version: number;
  runs: {
    id: string;
    status: RunStatus;
    inputVersion: number;
    error: string | null;
    processorId: string;
  }[];
  derived: DerivedView[];
  all: DerivedView[];
}

async function lineage(token: string, id: string): Promise<Lineage> {
  return expectData(await h.gql<{ blob: Lineage }>(LINEAGE, { id }, token)).blob;
}

/** The lineage once no run is queued or running and the run for `version` has succeeded. */
async function settled(token: string, id: string, version: number): Promise<Lineage> {
  let view: Lineage | undefined;
  await eventually(async () => {
    view = await lineage(token, id);
    return (
      view.runs.some((r) => r.inputVersion === version && r.status === 'SUCCEEDED') &&
      view.runs.every((r) => r.status !== 'QUEUED' && r.status !== 'RUNNING')
    );
  }, 30_000);
  return lineage(token, id);
}

const expansionOf = (n: number) => llm.behaviour.reply(passage(n));

describe(`a living lineage (${natsEnabled ? 'NATS' : 'in-process'} backbone)`, () => {
  it('expands an edited passage again: five rapid edits give one expansion, of the last version', async () => {
    const token = await h.token(h.user());
    const id = await write(token, passage(1));
    const first = await settled(token, id, 1);
    expect(first.derived).toHaveLength(1);
    const e1 = first.derived[0]!;
    expect(e1.data.expanded).toBe(expansionOf(1));

    const client = wsClient(url, token);
    clients.push(client);
    const derived = subscribeWs(client, BlobDerivedDocument, { parentId: id });
    await subscribedOn(h.app.events, token, 1);

    // The first edit's run starts streaming; the other four land while it streams.
    expect(await edit(token, id, passage(2))).toBe(2);
    await eventually(async () => {
      const run = (await lineage(token, id)).runs.find((r) => r.inputVersion === 2);
      return run?.status === 'RUNNING';
    }, 10_000);
    for (const n of [3, 4, 5, 6]) expect(await edit(token, id, passage(n))).toBe(n);

    const done = await settled(token, id, 6);
    const byVersion = Object.fromEntries(done.runs.map((r) => [r.inputVersion, r]));
    expect(done.runs.map((r) => r.inputVersion).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(byVersion[1]!.status).toBe('SUCCEEDED');
    for (const n of [2, 3, 4, 5]) {
      expect(byVersion[n]!.status, `run for version ${n}`).toBe('CANCELLED');
      expect(byVersion[n]!.error).toMatch(/^Superseded/);
    }
    expect(byVersion[6]!.status).toBe('SUCCEEDED');

    // One current expansion, of the last version; the first is kept, superseded by it.
    expect(done.derived).toHaveLength(1);
    const e6 = done.derived[0]!;
    expect(e6.data.original).toBe(passage(6));
    expect(e6.data.expanded).toBe(expansionOf(6));
    expect(e6.provenance).toMatchObject({ inputBlobId: id, inputVersion: 6 });
    expect(e6.supersededBy).toBeNull();
    expect(done.all.map((b) => [b.id, b.supersededBy?.id ?? null])).toEqual([
      [e1.id, e6.id],
      [e6.id, null],
    ]);
    const e1Now = await h.gql<{ blob: Pick<DerivedView, 'supersededBy'> }>(
      'query($id: ID!) { blob(id: $id) { supersededBy { id } } }',
      {
        id: e1.id,
      },
      token,
    );
    expect(e1Now.data!.blob.supersededBy).toEqual({ id: e6.id });

    // The open split view hears of the new expansion, and of nothing else.
    await eventually(() => derived.items.length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(derived.items.map((d) => d.blobDerived)).toMatchObject([
      { parentId: id, derivedId: e6.id, processorId: 'text-expansion', blob: { id: e6.id } },
    ]);
    derived.stop();

    // Stored once each: two expansions under the passage, no more.
    const children = await h.gql(BlobsDocument, { filter: { parentId: id } }, token);
    expect(
      nodes(children.data!.blobs)
        .map((b) => b.id)
        .sort(),
    ).toEqual([e1.id, e6.id].sort());
  });

  it('stores nothing twice: a redelivered update, or one of an older version, adds no run and no blob', async () => {
    const user = h.user();
    const token = await h.token(user);
    const id = await write(token, passage(1));
    await settled(token, id, 1);
    await edit(token, id, passage(2));
    await edit(token, id, passage(3));
    const before = await settled(token, id, 3);
    expect(before.all).toHaveLength(2);
    const requests = llm.requests.length;

    for (const version of [3, 2]) {
      await h.app.events.publish({
        id: randomUUID(),
        type: 'blob.updated.text-input-v1',
        userId: user,
        blobId: id,
        parentId: null,
        processorId: 'user-input',
        schemaId: 'text-input-v1',
        bookId: null,
        time: new Date().toISOString(),
        details: { version },
      });
    }
    await new Promise((r) => setTimeout(r, 1000));
    const after = await lineage(token, id);
    expect(after.all.map((b) => b.id)).toEqual(before.all.map((b) => b.id));
    expect(after.runs.map((r) => [r.id, r.status])).toEqual(
      before.runs.map((r) => [r.id, r.status]),
    );
    expect(llm.requests).toHaveLength(requests);

    // Retrying the cancelled run of an older version cancels it again: still nothing new.
    const old = before.runs.find((r) => r.inputVersion === 2)!;
    expect(old.status).toBe('CANCELLED');
    const retried = await h.gql(RetryRunDocument, { id: old.id }, token);
    expect(retried.data!.retryRun).toMatchObject({ id: old.id, status: 'QUEUED' });
    await eventually(async () => {
      const run = (await lineage(token, id)).runs.find((r) => r.id === old.id);
      return run?.status === 'CANCELLED';
    });
    expect((await lineage(token, id)).all).toHaveLength(2);
    expect(llm.requests).toHaveLength(requests);
  });

  it('compiles each chapter from its current expansion', async () => {
    const token = await h.token(h.user());
    const book = (await h.gql(CreateBookDocument, { input: { title: 'Lineage' } }, token)).data!
      .createBook.id;
    const chapter = await write(token, passage(1), book);
    await settled(token, chapter, 1);
    await edit(token, chapter, passage(2));
    await settled(token, chapter, 2);

    const compile = await h.gql(
      CompileBookDocument,
      { bookId: book, formats: ['MARKDOWN'] },
      token,
    );
    const runId = expectData(compile).compileBook.id;
    let run = null as RunQuery['run'];
    await eventually(async () => {
      run = expectData(await h.gql(RunDocument, { id: runId }, token)).run;
      return ['SUCCEEDED', 'FAILED'].includes(run?.status ?? '');
    }, 30_000);
    expect(run?.status, run?.error ?? '').toBe('SUCCEEDED');
    const compiled = dataOf(run?.output, 'compiled-book-v1');
    expect(compiled?.chapters).toMatchObject([{ source: 'expanded', blob_id: chapter }]);
    const file = compiled?.formats[0];
    const res = await fetch(`${url}${file?.url}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const markdown = await res.text();
    expect(markdown).toContain(expansionOf(2));
    expect(markdown).not.toContain('Version 1:');
  });

  it('refuses bad input with a typed error and starts no run', async () => {
    const token = await h.token(h.user());
    const id = await write(token, passage(1));
    await settled(token, id, 1);
    const tooShort = await h.gql(
      UpdateBlobDocument,
      { id, input: { data: { content: 'short' } } },
      token,
    );
    expectError(tooShort, 'VALIDATION_FAILED');
    const conflict = await h.gql(
      UpdateBlobDocument,
      { id, input: { data: { content: passage(2) }, expectedVersion: 7 } },
      token,
    );
    expectError(conflict, 'VERSION_CONFLICT');
    const badArg = await h.gql(
      'query($id: ID!) { blob(id: $id) { derived(includeSuperseded: "yes") { id } } }',
      { id },
      token,
    );
    expect(badArg.errors![0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    await new Promise((r) => setTimeout(r, 500));
    const view = await lineage(token, id);
    expect(view.version).toBe(1);
    expect(view.runs).toHaveLength(1);
    expect(view.all).toHaveLength(1);
  });

  it('rebuilds a pitch when its sections are edited; the first document is superseded', async () => {
    const token = await h.token(h.user());
    const sections = (logline: string) => ({
      title: 'The Keeper',
      logline,
      synopsis: 'Maren tends the last manual lighthouse.',
    });
    const created = await h.gql(
      CreateBlobDocument,
      {
        input: {
          schemaId: 'pitch-sections-v1',
          data: sections('A keeper finds her lamp calls ships.'),
        },
      },
      token,
    );
    const id = created.data!.createBlob.id;
    await settled(token, id, 1);
    const edited = await h.gql(
      UpdateBlobDocument,
      {
        id,
        input: { data: sections('A keeper learns her lamp calls ships from other centuries.') },
      },
      token,
    );
    expect(edited.data!.updateBlob.version).toBe(2);
    const done = await settled(token, id, 2);
    expect(done.derived).toHaveLength(1);
    expect(JSON.stringify(done.derived[0]!.data)).toContain('from other centuries');
    expect(done.all).toHaveLength(2);
    expect(done.all[0]!.supersededBy).toEqual({ id: done.derived[0]!.id });
  });

  it('names the update events the processors that follow updates consume', async () => {
    type Subscribes = { subscribes: string[] };
    const r = await h.gql<Record<'te' | 'pb' | 'bc', Subscribes>>(
      '{ te: processor(id: "text-expansion") { subscribes } pb: processor(id: "pitch-builder") { subscribes } bc: processor(id: "book-compiler") { subscribes } }',
      {},
      await h.token(h.user()),
    );
    expect(r.data!.te.subscribes).toEqual([
      'blob.created.text-input-v1',
      'blob.created.text-input-v2',
      'blob.updated.text-input-v1',
      'blob.updated.text-input-v2',
    ]);
    expect(r.data!.pb.subscribes).toContain('blob.updated.pitch-sections-v1');
    expect(r.data!.bc.subscribes).toEqual(['book.compile.requested']);
  });
});

describe('which derived blobs are current', () => {
  const parent = randomUUID();
  const blob = (seq: number, inputVersion: number | null, extra: Partial<Blob> = {}): Blob => ({
    id: `b${seq}`,
    userId: 'u',
    processorId: 'text-expansion',
    schemaId: 'expanded-text-v1',
    data: {},
    size: 2,
    version: 1,
    parentId: parent,
    bookId: null,
    conversationId: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    seq,
    provenance: inputVersion === null ? null : { inputBlobId: parent, inputVersion },
    ...extra,
  });

  it('is the one made from the newest input version, even when an older one was stored later', () => {
    // The run for version 1 stored its expansion after the run for version 3 did.
    const v3 = blob(1, 3);
    const v1 = blob(2, 1);
    const v2 = blob(3, 2);
    expect(currentOnly([v3, v1, v2]).map((b) => b.id)).toEqual([v3.id]);
    expect([...supersession([v3, v1, v2])].map(([id, by]) => [id, by.id])).toEqual([
      [v1.id, v3.id],
      [v2.id, v3.id],
    ]);
  });

  it('keeps your own blobs and other processors or schemas apart', () => {
    const mine = blob(1, null, { processorId: 'user-input' });
    const expansion = blob(2, 1);
    const newer = blob(3, 2);
    const pitch = blob(4, 1, { processorId: 'pitch-builder', schemaId: 'pitch-document-v1' });
    expect(currentOnly([mine, expansion, newer, pitch]).map((b) => b.id)).toEqual([
      mine.id,
      newer.id,
      pitch.id,
    ]);
  });

  it('prefers the newest of several made from the same version (a new processor version)', () => {
    const old = blob(1, 2);
    const reprocessed = blob(2, 2);
    expect(currentOnly([reprocessed, old]).map((b) => b.id)).toEqual([reprocessed.id]);
  });
});
