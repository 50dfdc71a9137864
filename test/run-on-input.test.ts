/**
 * A run recorded with the read of its input in one statement (`ensureStartedOnInput`, the common
 * case of a processor's delivery): recorded only for the user's own blob, not deleted, at the
 * version the run names and of a schema the processor takes; otherwise nothing is written and
 * the caller reads the input the long way. A second delivery gets the same run, not started again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBlobDocument, DeleteBlobDocument, UpdateBlobDocument } from '../client-sdk/index';
import type { StudioEvent } from '../src/events/event';
import type { NewRun } from '../src/runtime/run-repository';
import { runKey } from '../src/runtime/run-service';
import { type Harness, startHarness, stopHarness } from './support/harness';
import { expectData } from './support/kit';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => stopHarness(h));

const TAKES = ['text-input-v1', 'text-input-v2'];
const PROCESSOR = { id: 'text-expansion', version: '1.0.0' };

async function write(token: string, content: string): Promise<string> {
  const input = { schemaId: 'text-input-v1', data: { content } };
  return expectData(await h.gql(CreateBlobDocument, { input }, token)).createBlob.id;
}

/** The run a delivery of `blob.created` for version `version` of `blobId` would record. */
function newRun(userId: string, blobId: string, version: number): NewRun {
  const event: StudioEvent = {
    id: crypto.randomUUID(),
    type: 'blob.created.text-input-v1',
    userId,
    blobId,
    parentId: null,
    processorId: 'user-input',
    schemaId: 'text-input-v1',
    bookId: null,
    time: new Date().toISOString(),
  };
  return {
    key: runKey(PROCESSOR, { inputBlobId: blobId, inputVersion: version }),
    userId,
    processorId: PROCESSOR.id,
    processorVersion: PROCESSOR.version,
    event,
    inputBlobId: blobId,
    inputVersion: version,
    bookId: null,
  };
}

const runsOf = async (userId: string, blobId: string) =>
  (await h.app.runs.byInputs(userId, [blobId])).filter((r) => r.processorId === PROCESSOR.id);

describe('a run recorded with the read of its input', () => {
  it('records the run RUNNING and answers the input as it is stored, once', async () => {
    const { userId: user, token } = await h.signIn('owner');
    const id = await write(token, 'The tide came in over the causeway.');
    const first = await h.app.runs.ensureStartedOnInput(newRun(user, id, 1), TAKES, true);
    expect(first).not.toBeNull();
    expect(first!.started).toBe(true);
    expect(first!.run).toMatchObject({
      status: 'running',
      attempts: 1,
      inputBlobId: id,
      inputVersion: 1,
      userId: user,
    });
    // No config for this user: null, not undefined (it was read).
    expect(first!.config).toBeNull();
    const stored = (await h.app.services.blobs.get(user, id))!;
    expect(first!.input).toEqual(stored);
    expect(first!.input.data).toEqual({ content: 'The tide came in over the causeway.' });
    expect(first!.input.createdAt).toBeInstanceOf(Date);

    // The event again: the same run, not started a second time.
    const again = await h.app.runs.ensureStartedOnInput(newRun(user, id, 1), TAKES);
    expect(again!.started).toBe(false);
    expect(again!.run.id).toBe(first!.run.id);
    expect(again!.run.attempts).toBe(1);
    expect(await runsOf(user, id)).toHaveLength(1);
  });

  it("writes nothing for another user's blob, a version moved on, a deleted blob or a schema not taken", async () => {
    const owner = await h.signIn('owner');
    const stranger = await h.signIn('stranger');

    const theirs = await write(owner.token, 'Not yours to expand.');
    expect(
      await h.app.runs.ensureStartedOnInput(newRun(stranger.userId, theirs, 1), TAKES),
    ).toBeNull();

    const edited = await write(owner.token, 'First words.');
    expectData(
      await h.gql(
        UpdateBlobDocument,
        { id: edited, input: { data: { content: 'Second words.' }, expectedVersion: 1 } },
        owner.token,
      ),
    );
    expect(
      await h.app.runs.ensureStartedOnInput(newRun(owner.userId, edited, 1), TAKES),
    ).toBeNull();

    const deleted = await write(owner.token, 'Soon gone.');
    expectData(await h.gql(DeleteBlobDocument, { id: deleted }, owner.token));
    expect(
      await h.app.runs.ensureStartedOnInput(newRun(owner.userId, deleted, 1), TAKES),
    ).toBeNull();

    const other = await write(owner.token, 'Of a schema this processor does not take.');
    expect(
      await h.app.runs.ensureStartedOnInput(newRun(owner.userId, other, 1), ['pitch-sections-v1']),
    ).toBeNull();

    // Not a blob id at all: refused before the database is asked.
    expect(
      await h.app.runs.ensureStartedOnInput(newRun(owner.userId, 'not-a-uuid', 1), TAKES),
    ).toBeNull();

    for (const [user, id] of [
      [stranger.userId, theirs],
      [owner.userId, theirs],
      [owner.userId, edited],
      [owner.userId, deleted],
      [owner.userId, other],
    ] as const)
      expect(await runsOf(user, id)).toEqual([]);

    // The version there is now is taken.
    const current = await h.app.runs.ensureStartedOnInput(newRun(owner.userId, edited, 2), TAKES);
    expect(current!.input.version).toBe(2);
    expect(current!.input.data).toEqual({ content: 'Second words.' });
  });
});
