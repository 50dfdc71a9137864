/**
 * `createBlob` with an `idempotencyKey`: a create sent again (its answer was lost) answers the
 * blob the first one stored (with the data stored: other data is not compared) and stores, counts
 * and publishes nothing more, however many copies race. Keys are each user's own. A key sent for
 * another schema, parent, book or conversation, a key whose blob was deleted,
 * and a key that is empty, too long or holds control characters are BAD_USER_INPUT on
 * `idempotencyKey`, with nothing stored; a create refused for its data leaves its key unused.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { expectData, useHarness } from './support/harness';

const h = useHarness();

const CREATE = `mutation($i: CreateBlobInput!) { createBlob(input: $i) { id version data } }`;

interface Created {
  createBlob: { id: string; version: number; data: { content: string } };
}

const passage = (content: string, idempotencyKey?: string) => ({
  i: {
    schemaId: 'text-input-v1',
    data: { content },
    ...(idempotencyKey ? { idempotencyKey } : {}),
  },
});

/** The user's stored blobs (deleted ones too) and the blob.created events queued for them. */
async function stored(userId: string) {
  const db = h().testDb.database.db;
  const blobs = await sql<{ n: number }>`select count(*)::int as n from blobs
    where user_id = ${userId}`.execute(db);
  const events = await sql<{ n: number }>`select count(*)::int as n from outbox
    where user_id = ${userId} and type like 'blob.created.%'`.execute(db);
  return { blobs: blobs.rows[0]!.n, events: events.rows[0]!.n };
}

async function usedBlobs(token: string): Promise<number> {
  const r = await h().gql<{ me: { quota: { usedBlobs: number } } }>(
    'query { me { quota { usedBlobs } } }',
    {},
    token,
  );
  return r.data!.me.quota.usedBlobs;
}

describe('createBlob with an idempotencyKey', () => {
  it('answers the first blob to a create sent again, and to copies sent at once, storing one', async () => {
    const { userId, token } = await h().signIn('idem-once');
    const first = expectData(
      await h().gql<Created>(CREATE, passage('A passage sent once.', 'key-1'), token),
    ).createBlob;
    const again = expectData(
      await h().gql<Created>(CREATE, passage('A passage sent once.', 'key-1'), token),
    ).createBlob;
    expect(again).toEqual(first);
    expect(await stored(userId)).toEqual({ blobs: 1, events: 1 });
    expect(await usedBlobs(token)).toBe(1);

    // Ten copies of one create at once: one blob, and every copy answers it.
    const copies = await Promise.all(
      Array.from({ length: 10 }, () =>
        h().gql<Created>(CREATE, passage('Sent ten times at once.', 'key-2'), token),
      ),
    );
    const ids = new Set(copies.map((r) => expectData(r).createBlob.id));
    expect(ids.size).toBe(1);
    expect(await stored(userId)).toEqual({ blobs: 2, events: 2 });
    expect(await usedBlobs(token)).toBe(2);

    // Without a key, the same create stores another blob, as before.
    await h().gql<Created>(CREATE, passage('A passage sent once.'), token);
    expect(await stored(userId)).toEqual({ blobs: 3, events: 3 });
  });

  it('keeps each user’s keys apart', async () => {
    const a = await h().signIn('idem-a');
    const b = await h().signIn('idem-b');
    const mine = expectData(
      await h().gql<Created>(CREATE, passage('Mine, under a common key.', 'shared'), a.token),
    ).createBlob;
    const theirs = expectData(
      await h().gql<Created>(CREATE, passage('Mine, under a common key.', 'shared'), b.token),
    ).createBlob;
    expect(theirs.id).not.toBe(mine.id);
    expect(await stored(b.userId)).toEqual({ blobs: 1, events: 1 });
  });

  it('answers the blob as it is now once it has a new version', async () => {
    const { token } = await h().signIn('idem-updated');
    const first = expectData(
      await h().gql<Created>(CREATE, passage('The first text of it.', 'key-up'), token),
    ).createBlob;
    await h().gql(
      'mutation($id: ID!, $i: UpdateBlobInput!) { updateBlob(id: $id, input: $i) { version } }',
      { id: first.id, i: { data: { content: 'The second text of it.' } } },
      token,
    );
    const again = expectData(
      await h().gql<Created>(CREATE, passage('The first text of it.', 'key-up'), token),
    ).createBlob;
    expect(again).toMatchObject({ id: first.id, version: 2 });
    expect(again.data.content).toBe('The second text of it.');
  });

  it('refuses a key sent with another blob, or whose blob was deleted, and bad keys, storing nothing', async () => {
    const { userId, token } = await h().signIn('idem-bad');
    const first = expectData(
      await h().gql<Created>(CREATE, passage('The blob of this key.', 'taken'), token),
    ).createBlob;
    const refused = async (variables: Record<string, unknown>, message: RegExp) => {
      const r = await h().gql<Partial<Created>>(CREATE, variables, token);
      expect(r.data?.createBlob ?? null).toBeNull();
      expect(r.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'idempotencyKey',
      });
      expect(r.errors?.[0]?.message).toMatch(message);
    };
    // Other data under the key: the blob stored first, with its data (the client updates it next).
    const edited = expectData(
      await h().gql<Created>(CREATE, passage('Edited before the retry.', 'taken'), token),
    ).createBlob;
    expect(edited).toEqual(first);
    await refused(
      {
        i: {
          schemaId: 'text-input-v2',
          data: { content: 'The blob of this key.' },
          idempotencyKey: 'taken',
        },
      },
      /sent before with another blob/,
    );
    await refused(passage('A key too long.', 'k'.repeat(129)), /1 to 128 characters/);
    await refused(passage('A key with a newline.', 'two\nlines'), /control characters/);
    await refused({ i: { ...passage('An empty key.').i, idempotencyKey: '' } }, /1 to 128/);
    expect(await stored(userId)).toEqual({ blobs: 1, events: 1 });

    await h().gql('mutation($id: ID!) { deleteBlob(id: $id) { id } }', { id: first.id }, token);
    await refused(passage('The blob of this key.', 'taken'), /has been deleted/);
    expect((await stored(userId)).blobs).toBe(1);
  });

  it('leaves the key unused when the create is refused for its data', async () => {
    const { userId, token } = await h().signIn('idem-invalid');
    const r = await h().gql(
      CREATE,
      { i: { schemaId: 'text-input-v1', data: { content: 'short' }, idempotencyKey: 'later' } },
      token,
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    expect(await stored(userId)).toEqual({ blobs: 0, events: 0 });
    const fixed = expectData(
      await h().gql<Created>(CREATE, passage('Long enough this time.', 'later'), token),
    ).createBlob;
    expect(fixed.version).toBe(1);
    expect(await stored(userId)).toEqual({ blobs: 1, events: 1 });
  });
});
