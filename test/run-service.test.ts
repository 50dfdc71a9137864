/**
 * Runs steered by their user through the one RunService: requested (compileBook), cancelled and
 * retried, with what a subscriber of the run hears. No processor runs in this harness, so a
 * requested run stays QUEUED until its user acts on it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunDocument } from '../client-sdk/index';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import { type Harness, startHarness, stopHarness } from './support/harness';
import { type Collected, eventually, subscribeWs, wsClient } from './support/realtime';

let h: Harness;
let url: string;
beforeAll(async () => {
  h = await startHarness();
  url = await h.app.listen();
});
afterAll(() => stopHarness(h));

type Update = { runUpdated: { runId: string; status: string; sequence: number } };

async function queuedCompile(token: string): Promise<string> {
  const book = await h.gql<{ createBook: { id: string } }>(
    'mutation { createBook(input: { title: "Steered" }) { id } }',
    {},
    token,
  );
  const r = await h.gql<{ compileBook: { id: string; status: string } }>(
    'mutation($b: ID!) { compileBook(bookId: $b, formats: [MARKDOWN]) { id status } }',
    { b: book.data!.createBook.id },
    token,
  );
  expect(r.errors).toBeUndefined();
  expect(r.data!.compileBook.status).toBe('QUEUED');
  return r.data!.compileBook.id;
}

describe('a run steered by its user', () => {
  it('tells a subscriber when a queued run is cancelled, and again when it is retried', async () => {
    const token = await h.token(h.user('writer'));
    const runId = await queuedCompile(token);
    const client = wsClient(url, token);
    const updates: Collected<Update> = subscribeWs<Update>(
      client,
      'subscription($id: ID!) { runUpdated(runId: $id) { runId status sequence } }',
      { id: runId },
    );
    try {
      // A run already under way first gets one delivery with its state.
      expect((await updates.take(1))[0]!.runUpdated.status).toBe('QUEUED');
      const cancel = await h.gql<{ cancelRun: { status: string } }>(
        'mutation($id: ID!) { cancelRun(id: $id) { status } }',
        { id: runId },
        token,
      );
      expect(cancel.data!.cancelRun.status).toBe('CANCELLED');
      const [, cancelled] = await updates.take(2);
      expect(cancelled!.runUpdated).toMatchObject({ runId, status: 'CANCELLED' });

      const retry = await h.gql<{ retryRun: { status: string; attempts: number } }>(
        'mutation($id: ID!) { retryRun(id: $id) { status attempts } }',
        { id: runId },
        token,
      );
      expect(retry.data!.retryRun).toEqual({ status: 'QUEUED', attempts: 0 });
      expect((await h.gql(RunDocument, { id: runId }, token)).data!.run?.status).toBe('QUEUED');
    } finally {
      updates.stop();
      await client.dispose();
    }
  });

  it('refuses to retry a queued run or cancel a finished one, naming its status, and changes nothing', async () => {
    const token = await h.token(h.user('writer'));
    const runId = await queuedCompile(token);
    const retry = await h.gql(
      'mutation($id: ID!) { retryRun(id: $id) { id } }',
      { id: runId },
      token,
    );
    expect(retry.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(retry.errors![0]!.message).toContain('is QUEUED: only FAILED or CANCELLED runs');
    await h.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: runId }, token);
    const again = await h.gql(
      'mutation($id: ID!) { cancelRun(id: $id) { id } }',
      { id: runId },
      token,
    );
    expect(again.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(again.errors![0]!.message).toContain('is CANCELLED: only QUEUED or RUNNING runs');
    expect((await h.gql(RunDocument, { id: runId }, token)).data!.run?.status).toBe('CANCELLED');
  });

  it("answers NOT_FOUND for another user's run or an unknown id, and leaves the run as it was", async () => {
    const owner = await h.token(h.user('owner'));
    const stranger = await h.token(h.user('stranger'));
    const runId = await queuedCompile(owner);
    for (const op of ['cancelRun', 'retryRun']) {
      for (const id of [runId, '00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
        const r = await h.gql(`mutation($id: ID!) { ${op}(id: $id) { id } }`, { id }, stranger);
        expect(r.errors![0]!.extensions.code, `${op} ${id}`).toBe('NOT_FOUND');
      }
    }
    expect((await h.gql(RunDocument, { id: runId }, owner)).data!.run?.status).toBe('QUEUED');
    const none = await h.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: runId });
    expect(none.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect((await h.gql(RunDocument, { id: runId }, owner)).data!.run?.status).toBe('QUEUED');
  });
});

describe('a retried run whose input moved to a schema its processor does not take', () => {
  // Also: the user's retry removes the run's dead letter.
  let p: Harness;
  let llm: FakeLlm;
  beforeAll(async () => {
    llm = await startFakeLlm();
    p = await startHarness({
      OPENAI_BASE_URL: llm.url,
      OPENAI_API_KEY: 'test-key',
      REYNA_LLM_MODEL: 'fake-model',
      REYNA_PROCESSORS: 'all',
    });
  });
  afterAll(async () => {
    await stopHarness(p);
    await llm.close();
  });

  it('ends FAILED saying why, instead of staying QUEUED for ever', async () => {
    const token = await p.token(p.user('writer'));
    // An unknown model is a failure no retry fixes: the run fails at once.
    llm.behaviour.failModels = { 'fake-model': 404 };
    const created = await p.gql<{ createBlob: { id: string } }>(
      'mutation($i: CreateBlobInput!) { createBlob(input: $i) { id } }',
      { i: { schemaId: 'text-input-v1', data: { content: 'A lamp in the window.' } } },
      token,
    );
    const blobId = created.data!.createBlob.id;
    const runs = async () =>
      (
        await p.gql<{ blob: { runs: { id: string; status: string; error: string | null }[] } }>(
          'query($id: ID!) { blob(id: $id) { runs { id status error } } }',
          { id: blobId },
          token,
        )
      ).data!.blob.runs;
    await eventually(async () => (await runs())[0]?.status === 'FAILED', 20_000);
    const [failed] = await runs();
    llm.behaviour.failModels = {};
    const admin = await p.token(p.user('admin'), { roles: ['registry-admin'] });
    const letters = async () =>
      (
        await p.gql<{ deadLetters: { edges: { node: { runId: string | null } }[] } }>(
          '{ deadLetters(filter: { processorId: "text-expansion" }) { edges { node { runId } } } }',
          {},
          admin,
        )
      ).data!.deadLetters.edges.map((e) => e.node.runId);
    await eventually(async () => (await letters()).includes(failed!.id), 10_000);

    const moved = await p.gql(
      'mutation($id: ID!, $i: UpdateBlobInput!) { updateBlob(id: $id, input: $i) { schemaId } }',
      {
        id: blobId,
        i: {
          schemaId: 'expanded-text-v1',
          data: { original: 'a', expanded: 'bb', expansion_ratio: 2 },
        },
      },
      token,
    );
    expect(moved.errors).toBeUndefined();
    const retried = await p.gql(
      'mutation($id: ID!) { retryRun(id: $id) { status } }',
      { id: failed!.id },
      token,
    );
    expect(retried.errors).toBeUndefined();
    await eventually(async () => (await runs())[0]?.status === 'FAILED', 20_000);
    expect((await runs())[0]!.error).toBe(
      'The input is now expanded-text-v1, which text-expansion does not take',
    );
    // The user's retry dealt with the dead letter, as an admin's replay does.
    expect(await letters()).not.toContain(failed!.id);
  }, 60_000);
});
