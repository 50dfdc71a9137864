/** The transactional outbox: a write and its event commit together; the relay publishes each once. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { PgBlobStore } from '../src/blobs/pg-blob-store';
import type { Delivery } from '../src/events/backbone';
import { blobEvent } from '../src/events/event';
import { useHarness } from './support/harness';
import { eventually } from './support/realtime';

const h = useHarness();

async function outboxRows(eventOrUser: { userId?: string; eventId?: string }) {
  let q = h().app.database.db.selectFrom('outbox').selectAll();
  if (eventOrUser.userId) q = q.where('user_id', '=', eventOrUser.userId);
  if (eventOrUser.eventId) q = q.where('event_id', '=', eventOrUser.eventId);
  return q.execute();
}

async function drainDeliveries(userId: string, after: string, ms = 800): Promise<Delivery[]> {
  const sub = await h().app.events.subscribe(userId, { after });
  const out: Delivery[] = [];
  const it = sub[Symbol.asyncIterator]();
  const timer = setTimeout(() => void sub.close(), ms);
  for (;;) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  clearTimeout(timer);
  return out;
}

describe('transactional outbox', () => {
  it('commits an event row with every blob write, and the relay marks it published', async () => {
    const user = h().user();
    const token = await h().token(user);
    const r = await h().gql(
      'mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "Written with its event." } }) { id } }',
      {},
      token,
    );
    const id = r.data!.createBlob.id;
    await eventually(async () =>
      (await outboxRows({ userId: user })).every((row) => row.published_at !== null),
    );
    const rows = await outboxRows({ userId: user });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: 'blob.created.text-input-v1', user_id: user });
    expect(rows[0]!.event).toMatchObject({
      blobId: id,
      userId: user,
      processorId: 'user-input',
      schemaId: 'text-input-v1',
    });
  });

  it('writes no event for a refused write', async () => {
    const user = h().user();
    const token = await h().token(user);
    await h().gql(
      'mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "short" } }) { id } }',
      {},
      token,
    );
    await h().gql(
      'mutation { deleteBlob(id: "00000000-0000-4000-8000-000000000000") { id } }',
      {},
      token,
    );
    expect(await outboxRows({ userId: user })).toHaveLength(0);
  });

  it('emits nothing for a write that rolls back in the database', async () => {
    const user = h().user();
    const store = new PgBlobStore(h().app.database.db);
    const blob = {
      id: randomUUID(),
      userId: user,
      processorId: 'user-input',
      // No such schema: the foreign key fails the statement after the event row was built.
      schemaId: 'no-such-schema-v1',
      data: { content: 'never stored' },
      size: 10,
      parentId: null,
      bookId: null,
      conversationId: null,
    };
    const event = blobEvent('created', blob);
    await expect(store.create(blob, event)).rejects.toThrow();
    expect(await outboxRows({ eventId: event.id })).toHaveLength(0);
    const rows = await h()
      .app.database.db.selectFrom('blobs')
      .select('id')
      .where('id', '=', blob.id)
      .execute();
    expect(rows).toHaveLength(0);
  });

  it('publishes an event once even when a relay publishes it again after a crash before marking it', async () => {
    const user = h().user();
    const token = await h().token(user);
    const { relay, events, database } = h().app;
    await relay.stop();
    try {
      const mark = await events.publish({
        ...blobEvent('created', {
          id: randomUUID(),
          userId: user,
          parentId: null,
          processorId: 'user-input',
          schemaId: 'text-input-v1',
          bookId: null,
        }),
      });
      await h().gql(
        'mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "Published twice, stored once." } }) { id } }',
        {},
        token,
      );
      expect(await relay.drain()).toBe(1);
      // As if the relay had crashed between publishing and marking the row sent:
      await sql`update outbox set published_at = null where user_id = ${user}`.execute(database.db);
      expect(await relay.drain()).toBe(1);
      const delivered = await drainDeliveries(user, mark.cursor);
      expect(delivered.filter((d) => d.kind === 'event')).toHaveLength(1);
    } finally {
      relay.start();
    }
  });
});
