/**
 * A processor's last output (`kit.derive({ last: true })`) records its run SUCCEEDED in the same
 * write that stores it: a client told of the derived blob finds the run finished, with that blob
 * as its output and its whole streamed text, and the `processor.completed` event was queued with
 * it, once. When that write stores nothing (an output its schema refuses), the run's stream and
 * row stay as they would have: the failure is recorded with the text streamed so far, and the
 * updates' sequence numbers have no gap. A handler that derives twice keeps its first output as
 * the run's; one that derives after its last is refused.
 */

import type { Client } from 'graphql-ws';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError, type Processor } from '../processors/kit';
import { type Harness, startHarness, stopHarness } from './support/harness';
import { eventually, subscribedOn, subscribeWs, wsClient } from './support/realtime';

const INPUT = 'last-input-v1';
const NOTE = 'last-note-v1';
const PROCESSOR = 'last-noter';

interface Input {
  text: string;
  /** one: a last output; two: an output, then a last one; after: a last, then another; bad: a last that breaks its schema. */
  mode: 'one' | 'two' | 'after' | 'bad';
}

/** What the `after` mode's second derive said. */
const refusals: string[] = [];

const noter: Processor = {
  definition: {
    id: PROCESSOR,
    name: 'Last noter',
    version: '1.0.0',
    description: 'Streams a little text, then stores notes for its input as the input asks.',
    inputSchemaIds: [INPUT],
    outputSchemaIds: [NOTE],
    schemas: [
      {
        definition: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          $id: INPUT,
          type: 'object',
          required: ['text', 'mode'],
          properties: {
            text: { type: 'string', maxLength: 100 },
            mode: { enum: ['one', 'two', 'after', 'bad'] },
          },
        },
        description: 'What to note, and how.',
      },
      {
        definition: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          $id: NOTE,
          type: 'object',
          required: ['note'],
          properties: { note: { type: 'string', maxLength: 200 } },
        },
        description: 'A note.',
      },
    ],
    subscribes: [`blob.created.${INPUT}`],
    emits: [`blob.created.${NOTE}`, `processor.completed.${PROCESSOR}`],
    maxConcurrency: 4,
    maxAttempts: 1,
  },
  async handle(kit, input) {
    const { text, mode } = input!.data as Input;
    kit.progress({ textDelta: 'noting ' });
    kit.progress({ textDelta: text });
    if (mode === 'two') await kit.derive({ schemaId: NOTE, data: { note: `first: ${text}` } });
    try {
      await kit.derive({
        schemaId: NOTE,
        // `bad`: a number where the schema wants a string.
        data: mode === 'bad' ? { note: 42 } : { note: `last: ${text}` },
        last: true,
      });
    } catch (error) {
      // Not retried: the same output would be refused again.
      throw new PermanentError((error as Error).message);
    }
    if (mode === 'after') {
      try {
        await kit.derive({ schemaId: NOTE, data: { note: 'one too many' } });
      } catch (error) {
        refusals.push((error as Error).message);
      }
    }
  },
};

let h: Harness;
let url: string;
const clients: Client[] = [];
beforeAll(async () => {
  h = await startHarness({ REYNA_PROCESSORS: 'all', HOST: '127.0.0.1' }, { processors: [noter] });
  url = await h.app.listen();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await stopHarness(h);
});

interface RunState {
  id: string;
  status: string;
  outputBlobId: string | null;
  textSoFar: string;
  error: string | null;
  inputBlobId: string;
}

async function write(token: string, data: Input): Promise<string> {
  const r = await h.gql<{ createBlob: { id: string } }>(
    'mutation($i: CreateBlobInput!) { createBlob(input: $i) { id } }',
    { i: { schemaId: INPUT, data } },
    token,
  );
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return r.data.createBlob.id;
}

async function runOf(token: string, inputId: string): Promise<RunState | undefined> {
  const r = await h.gql<{ runs: { edges: { node: RunState }[] } }>(
    `query { runs(processorId: "${PROCESSOR}") { edges { node { id status outputBlobId textSoFar error inputBlobId } } } }`,
    {},
    token,
  );
  return r.data!.runs.edges.map((e) => e.node).find((n) => n.inputBlobId === inputId);
}

async function derivedOf(token: string, id: string) {
  const r = await h.gql<{ blob: { derived: { id: string; data: { note: unknown } }[] } }>(
    'query($id: ID!) { blob(id: $id) { derived { id data } } }',
    { id },
    token,
  );
  return r.data!.blob.derived;
}

/** The outbox rows of the user's completed runs of the noter. */
async function completedEvents(userId: string): Promise<unknown[]> {
  const { rows } = await sql<{ event: unknown }>`select event from outbox
    where user_id = ${userId} and type = ${`processor.completed.${PROCESSOR}`}`.execute(
    h.testDb.database.db,
  );
  return rows.map((r) => r.event);
}

describe('the last output of a run', () => {
  it('records the run SUCCEEDED in the write that stores it: a client told of the blob finds the run done', async () => {
    const { userId, token } = await h.signIn('last-one');
    const book = await h.gql<{ createBook: { id: string } }>(
      'mutation { createBook(input: { title: "Last" }) { id } }',
      {},
      token,
    );
    const bookId = book.data!.createBook.id;
    const client = wsClient(url, token);
    clients.push(client);
    const derived = subscribeWs<{ blobDerived: { parentId: string; derivedId: string } }>(
      client,
      'subscription($b: ID) { blobDerived(bookId: $b) { parentId derivedId } }',
      { b: bookId },
    );
    const updates = subscribeWs<{
      runUpdated: { runId: string; status: string; sequence: number };
    }>(
      client,
      `subscription { runUpdated(processorId: "${PROCESSOR}") { runId status sequence } }`,
    );
    await subscribedOn(h.app.events, token, 2);
    const texts = ['a passage', 'another passage', 'a third', 'a fourth'];
    for (const [i, text] of texts.entries()) {
      const parent = await h.gql<{ createBlob: { id: string } }>(
        'mutation($i: CreateBlobInput!) { createBlob(input: $i) { id } }',
        { i: { schemaId: INPUT, bookId, data: { text, mode: 'one' } } },
        token,
      );
      const parentId = parent.data!.createBlob.id;
      const told = (await derived.take(i + 1))[i]!.blobDerived;
      expect(told.parentId).toBe(parentId);
      // Read as soon as the client hears of the blob: the run is finished already.
      expect(await runOf(token, parentId)).toMatchObject({
        status: 'SUCCEEDED',
        outputBlobId: told.derivedId,
        textSoFar: `noting ${text}`,
        error: null,
      });
      // One write did both: the blob and the run's row carry the same transaction.
      const { rows } = await sql<{ same: boolean }>`select
          (select xmin::text from blobs where id = ${told.derivedId}::uuid) =
          (select xmin::text from processor_runs where output_blob_id = ${told.derivedId}::uuid) as same`.execute(
        h.testDb.database.db,
      );
      expect(rows[0]?.same).toBe(true);
    }
    derived.stop();
    // Each run's updates are numbered one after the other, and end with its success.
    await eventually(
      () =>
        updates.items.filter((u) => u.runUpdated.status === 'SUCCEEDED').length === texts.length,
    );
    updates.stop();
    const byRun = new Map<string, { status: string; sequence: number }[]>();
    for (const { runUpdated: u } of updates.items)
      byRun.set(u.runId, [...(byRun.get(u.runId) ?? []), u]);
    expect(byRun.size).toBe(texts.length);
    for (const run of byRun.values()) {
      expect(run.at(-1)?.status).toBe('SUCCEEDED');
      for (let i = 1; i < run.length; i++) expect(run[i]!.sequence).toBe(run[i - 1]!.sequence + 1);
    }
    // One completed event per run, queued with its success.
    const events = await completedEvents(userId);
    expect(events).toHaveLength(texts.length);
    const runIds = events.map((e) => (e as { details: { runId: string } }).details.runId);
    expect(new Set(runIds).size).toBe(texts.length);
  });

  it('keeps the first output as the run output when the handler derives twice', async () => {
    const { token } = await h.signIn('last-two');
    const parent = await write(token, { text: 'twice', mode: 'two' });
    await eventually(async () => (await runOf(token, parent))?.status === 'SUCCEEDED');
    const derived = await derivedOf(token, parent);
    expect(derived.map((b) => b.data.note)).toEqual(['first: twice', 'last: twice']);
    expect((await runOf(token, parent))?.outputBlobId).toBe(derived[0]!.id);
  });

  it('refuses a derive after the last one, and the run stands', async () => {
    const { token } = await h.signIn('last-after');
    refusals.length = 0;
    const parent = await write(token, { text: 'then more', mode: 'after' });
    await eventually(async () => (await runOf(token, parent))?.status === 'SUCCEEDED');
    await eventually(() => refusals.length === 1);
    expect(refusals[0]).toMatch(/last output is stored/);
    expect((await derivedOf(token, parent)).map((b) => b.data.note)).toEqual(['last: then more']);
  });

  it('fails the run with its streamed text and no gap in its updates when the last output is refused', async () => {
    const { token } = await h.signIn('last-bad');
    const client = wsClient(url, token);
    clients.push(client);
    const updates = subscribeWs<{
      runUpdated: { status: string; sequence: number; textSoFar: string | null };
    }>(
      client,
      `subscription { runUpdated(processorId: "${PROCESSOR}") { status sequence textSoFar } }`,
    );
    await subscribedOn(h.app.events, token, 1);
    const parent = await write(token, { text: 'broken note', mode: 'bad' });
    await eventually(async () => (await runOf(token, parent))?.status === 'FAILED');
    const run = (await runOf(token, parent))!;
    expect(run.error).toMatch(/note/);
    expect(run.textSoFar).toBe('noting broken note');
    expect(run.outputBlobId).toBeNull();
    expect(await derivedOf(token, parent)).toEqual([]);
    await eventually(() => updates.items.some((u) => u.runUpdated.status === 'FAILED'));
    const sequences = updates.items.map((u) => u.runUpdated.sequence);
    for (let i = 1; i < sequences.length; i++) expect(sequences[i]).toBe(sequences[i - 1]! + 1);
    updates.stop();
  });
});
