import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/errors';
import { useHarness } from './support/harness';

// Room for 5 blobs and 4 KiB per user: small enough to fill inside one batch. The reprocessing
// driver's poll and the workers' heartbeat write on their own schedule: slowed down, so that the
// statements counted here are the writes' alone.
const h = useHarness({
  REYNA_QUOTA_BLOBS: '5',
  REYNA_QUOTA_BYTES: '4096',
  REYNA_REPROCESS_POLL_MS: '60000',
  REYNA_HEARTBEAT_MS: '600000',
});

// The outbox relay polls on its own schedule; the statement counts here are the writes' alone.
beforeAll(async () => {
  await h().app.relay.stop();
});

const text = (content: string) => ({ schemaId: 'text-input-v1', data: { content } });

/** What a create settled to: the blob's id, or the error's code. */
async function settle(write: Promise<{ id: string }>): Promise<{ id: string } | { code: string }> {
  try {
    return { id: (await write).id };
  } catch (error) {
    return { code: error instanceof AppError ? error.code : `not typed: ${String(error)}` };
  }
}

async function outboxOf(userId: string) {
  return h()
    .app.database.db.selectFrom('outbox')
    .select(['user_id', 'type', 'event'])
    .where('user_id', '=', userId)
    .orderBy('id')
    .execute();
}

describe('creates made at once by several users', () => {
  it('are stored by one statement, each as its own user, counted and queued', async () => {
    const blobs = h().app.services.blobs;
    const users = [h().user(), h().user(), h().user()];
    // The schema's validator is loaded and compiled by the first write that uses it. Its record
    // is cached for 2 s from when it was read: on a loaded machine the harness's start could be
    // nearly that long ago, and a record expiring during the burst is read again by each write.
    // Past the cache's life, the warm-up reads it afresh.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await blobs.create(h().user(), text('A first passage, to warm up.'));
    let created: { id: string; userId: string; data: unknown }[] = [];
    const statements = await h().countQueries(async () => {
      created = await Promise.all(
        users.flatMap((userId, u) =>
          [0, 1].map((i) => blobs.create(userId, text(`Passage ${i} of writer ${u}.`))),
        ),
      );
    });
    expect(statements).toBe(1);
    expect(created.map((b) => [b.userId, b.data])).toEqual(
      users.flatMap((userId, u) =>
        [0, 1].map((i) => [userId, { content: `Passage ${i} of writer ${u}.` }]),
      ),
    );
    for (const [u, userId] of users.entries()) {
      const mine = created.filter((b) => b.userId === userId);
      const { used } = await blobs.quotaOf(userId);
      expect(used).toEqual({
        blobs: 2,
        bytes: [0, 1]
          .map((i) =>
            Buffer.byteLength(JSON.stringify({ content: `Passage ${i} of writer ${u}.` })),
          )
          .reduce((a, b) => a + b),
      });
      const queued = await outboxOf(userId);
      expect(queued.map((row) => row.type)).toEqual([
        'blob.created.text-input-v1',
        'blob.created.text-input-v1',
      ]);
      expect(queued.map((row) => (row.event as { blobId: string }).blobId).sort()).toEqual(
        mine.map((b) => b.id).sort(),
      );
      // Each is readable by its writer and by no one else.
      for (const b of mine) {
        expect((await blobs.get(userId, b.id))?.id).toBe(b.id);
        expect(await blobs.get(users[(u + 1) % users.length]!, b.id)).toBeNull();
      }
    }
  });

  it("refuse only the entries that do not hold: another user's parent, a user past the quota", async () => {
    const blobs = h().app.services.blobs;
    const [alice, bob, carol, dave] = [h().user(), h().user(), h().user(), h().user()];
    const alicesParent = await blobs.create(alice, text('The parent of Alice.'));
    for (const i of [0, 1, 2]) await blobs.create(carol, text(`Carol had written ${i}.`));
    // Carol has room for 2 more and sends 4 at once (her 4 alone would fit an empty quota); Dave,
    // new, has room for 5 and sends 7.
    // Whichever of each user's entries are refused, the count must be exact.
    const results = await Promise.all([
      settle(blobs.create(alice, { ...text('A child of Alice.'), parentId: alicesParent.id })),
      settle(blobs.create(bob, { ...text('Bob tries her parent.'), parentId: alicesParent.id })),
      settle(blobs.create(bob, text('Bob writes his own.'))),
      ...Array.from({ length: 4 }, (_, i) =>
        settle(blobs.create(carol, text(`Carol writes number ${i}.`))),
      ),
      ...Array.from({ length: 7 }, (_, i) =>
        settle(blobs.create(dave, text(`Dave writes number ${i}.`))),
      ),
    ]);
    expect(results[0]).toHaveProperty('id');
    expect(results[1]).toEqual({ code: 'NOT_FOUND' });
    expect(results[2]).toHaveProperty('id');
    const refused = [{ code: 'QUOTA_EXCEEDED' }, { code: 'QUOTA_EXCEEDED' }];
    const carols = results.slice(3, 7);
    expect(carols.filter((r) => 'id' in r)).toHaveLength(2);
    expect(carols.filter((r) => 'code' in r)).toEqual(refused);
    const daves = results.slice(7);
    expect(daves.filter((r) => 'id' in r)).toHaveLength(5);
    expect(daves.filter((r) => 'code' in r)).toEqual(refused);
    // Nothing of the refused entries was stored, counted or queued.
    expect((await blobs.quotaOf(bob)).used.blobs).toBe(1);
    expect(await outboxOf(bob)).toHaveLength(1);
    for (const userId of [carol, dave]) {
      expect((await blobs.quotaOf(userId)).used.blobs).toBe(5);
      expect(await outboxOf(userId)).toHaveLength(5);
    }
    const child = results[0] as { id: string };
    expect((await blobs.get(alice, child.id))?.parentId).toBe(alicesParent.id);
  });

  it('a user whose entries together pass the byte quota gets what fits, and others are unaffected', async () => {
    const blobs = h().app.services.blobs;
    const [big, fresh, other] = [h().user(), h().user(), h().user()];
    // About 1.5 KiB each: two fit in 4 KiB, three do not. `big` has one already and sends two
    // (which alone would fit an empty quota); `fresh` has none and sends three.
    const long = (i: number) => text(`${i} ${'x'.repeat(1500)}`);
    await blobs.create(big, long(9));
    const results = await Promise.all([
      ...[0, 1].map((i) => settle(blobs.create(big, long(i)))),
      ...[0, 1, 2].map((i) => settle(blobs.create(fresh, long(i)))),
      settle(blobs.create(other, text('Unaffected by the other writer.'))),
    ]);
    for (const [userId, mine] of [
      [big, results.slice(0, 2)],
      [fresh, results.slice(2, 5)],
    ] as const) {
      expect(mine.filter((r) => 'code' in r)).toEqual([{ code: 'QUOTA_EXCEEDED' }]);
      expect((await blobs.quotaOf(userId)).used.blobs).toBe(2);
    }
    expect(results[5]).toHaveProperty('id');
  });

  it('an entry the database refuses fails alone: the others in its statement are stored', async () => {
    const blobs = h().app.services.blobs;
    const [writer, other] = [h().user(), h().user()];
    // PostgreSQL cannot store \u0000 in text: this entry makes the shared statement fail.
    const results = await Promise.all([
      settle(blobs.create(writer, text('A nul \u0000 character here.'))),
      settle(blobs.create(writer, text('A passage that can be stored.'))),
      settle(blobs.create(other, text('Another passage that can be stored.'))),
    ]);
    expect(results[0]).not.toHaveProperty('id');
    expect(results[1]).toHaveProperty('id');
    expect(results[2]).toHaveProperty('id');
    expect((await blobs.quotaOf(writer)).used.blobs).toBe(1);
    expect(await outboxOf(writer)).toHaveLength(1);
  });
});
