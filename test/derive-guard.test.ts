/**
 * An attempt stores its output only while it still holds its run. With blobs in the database,
 * that check is part of the statement that stores the output; these tests cancel a run inside
 * its handler (an input starting "cancel:"), just before the handler stores its output (sooner
 * than the attempt's watch looks), and check that nothing was stored or counted, and that a run its user left alone stores
 * its output as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../processors/kit';
import { type Harness, startHarness, stopHarness } from './support/harness';
import { eventually } from './support/realtime';

/** Tokens of the test's users, by user id: the processor cancels its run as its user would. */
const tokens = new Map<string, string>();

const INPUT = 'guard-input-v1';
const NOTE = 'guard-note-v1';

const cancelling: Processor = {
  definition: {
    id: 'guard-self-cancel',
    name: 'Self-cancelling noter',
    version: '1.0.0',
    description: 'Stores a note for its input; for some inputs, its user cancels the run first.',
    inputSchemaIds: [INPUT],
    outputSchemaIds: [NOTE],
    schemas: [
      {
        definition: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          $id: INPUT,
          type: 'object',
          required: ['text'],
          properties: { text: { type: 'string', maxLength: 100 } },
        },
        description: 'What the noter notes.',
      },
      {
        definition: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          $id: NOTE,
          type: 'object',
          required: ['note'],
          properties: { note: { type: 'string', maxLength: 200 } },
        },
        description: 'The note.',
      },
    ],
    subscribes: [`blob.created.${INPUT}`],
    emits: [`blob.created.${NOTE}`, 'processor.completed.guard-self-cancel'],
    maxConcurrency: 4,
    maxAttempts: 1,
  },
  async handle(kit, input) {
    if ((input!.data as { text: string }).text.startsWith('cancel:')) {
      const token = tokens.get(kit.userId)!;
      const runs = await h.gql<{
        runs: { edges: { node: { id: string; inputBlobId: string } }[] };
      }>(
        'query { runs(processorId: "guard-self-cancel", status: RUNNING) { edges { node { id inputBlobId } } } }',
        {},
        token,
      );
      const run = runs.data!.runs.edges.find((e) => e.node.inputBlobId === input!.id)!.node;
      const cancelled = await h.gql<{ cancelRun: { status: string } }>(
        'mutation($id: ID!) { cancelRun(id: $id) { status } }',
        { id: run.id },
        token,
      );
      if (cancelled.data?.cancelRun.status !== 'CANCELLED')
        throw new Error(`could not cancel: ${JSON.stringify(cancelled.errors)}`);
    }
    await kit.derive({
      schemaId: NOTE,
      data: { note: `noted: ${(input!.data as { text: string }).text}` },
    });
  },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ REYNA_PROCESSORS: 'all' }, { processors: [cancelling] });
});
afterAll(() => stopHarness(h));

interface RunState {
  status: string;
  outputBlobId: string | null;
}

async function write(token: string, text: string): Promise<string> {
  const r = await h.gql<{ createBlob: { id: string } }>(
    'mutation($i: CreateBlobInput!) { createBlob(input: $i) { id } }',
    { i: { schemaId: INPUT, data: { text } } },
    token,
  );
  return r.data!.createBlob.id;
}

async function runOf(token: string, inputId: string): Promise<RunState | undefined> {
  const r = await h.gql<{
    runs: { edges: { node: RunState & { inputBlobId: string } }[] };
  }>(
    'query { runs(processorId: "guard-self-cancel") { edges { node { status outputBlobId inputBlobId } } } }',
    {},
    token,
  );
  return r.data!.runs.edges.map((e) => e.node).find((n) => n.inputBlobId === inputId);
}

async function derivedOf(token: string, id: string) {
  const r = await h.gql<{ blob: { derived: { id: string; schemaId: string }[] } }>(
    'query($id: ID!) { blob(id: $id) { derived { id schemaId } } }',
    { id },
    token,
  );
  return r.data!.blob.derived;
}

async function usage(token: string) {
  const r = await h.gql<{ me: { quota: { usedBlobs: number; usedBytes: number } } }>(
    'query { me { quota { usedBlobs usedBytes } } }',
    {},
    token,
  );
  return r.data!.me.quota;
}

describe('an attempt whose run was cancelled before it stored its output', () => {
  it('stores nothing and counts nothing, while a run left alone stores its note', async () => {
    const { userId, token } = await h.signIn('guarded');
    tokens.set(userId, token);

    const kept = await write(token, 'a passage left alone');
    await eventually(async () => (await runOf(token, kept))?.status === 'SUCCEEDED');
    expect((await derivedOf(token, kept)).map((b) => b.schemaId)).toEqual([NOTE]);
    const before = await usage(token);

    const gone = await write(token, 'cancel: a passage whose run is cancelled');
    await eventually(async () => (await runOf(token, gone))?.status === 'CANCELLED');
    // The attempt has finished: its handler threw when the store refused (no retry is made
    // for a cancelled run), so what is stored now stays so.
    await new Promise((r) => setTimeout(r, 300));
    const run = await runOf(token, gone);
    expect(run).toMatchObject({ status: 'CANCELLED', outputBlobId: null });
    expect(await derivedOf(token, gone)).toEqual([]);
    const after = await usage(token);
    // The input itself is the only blob more.
    expect(after.usedBlobs).toBe(before.usedBlobs + 1);
  });
});
