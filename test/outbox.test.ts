/** The transactional outbox: a write and its event commit together; the relay publishes each once. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { CreateBlobDocument } from '../client-sdk/index';
import { PgBlobStore } from '../src/blobs/pg-blob-store';
import type { Delivery } from '../src/events/backbone';
import { blobEvent, parseEvent } from '../src/events/event';
import { NatsBackbone } from '../src/events/nats-backbone';
import { type OutboxEntry, OutboxRelay, PgOutboxSource } from '../src/events/outbox-relay';
import { createLogger } from '../src/logger';
import { useHarness } from './support/harness';
import { eventually } from './support/realtime';

const h = useHarness();
const quiet = createLogger('error');

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
      CreateBlobDocument,
      { input: { schemaId: 'text-input-v1', data: { content: 'Written with its event.' } } },
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
    const store = new PgBlobStore(h().app.database);
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

  describe('the relay: claim, commit, publish, then mark', () => {
    async function writeBlobs(n: number): Promise<string> {
      const user = h().user();
      const token = await h().token(user);
      for (let i = 0; i < n; i++) {
        const r = await h().gql(
          `mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "Claimed, then published: ${i}" } }) { id } }`,
          {},
          token,
        );
        expect(r.errors).toBeUndefined();
      }
      return user;
    }

    const pending = async (user: string) =>
      (await outboxRows({ userId: user })).filter((r) => r.published_at === null).length;

    it('holds no transaction open while a publish hangs (NATS down), and marks the rows sent after it', async () => {
      const { relay, database } = h().app;
      await relay.stop();
      try {
        const user = await writeBlobs(3);
        const source = new PgOutboxSource(database);
        let release!: () => void;
        const hanging = new Promise<void>((resolve) => {
          release = resolve;
        });
        let handed: OutboxEntry[] = [];
        const pass = source.pass(200, async (entries) => {
          handed = entries;
          await hanging;
        });
        await eventually(() => handed.length >= 3);
        // While the publish hangs the database is free: no session of ours sits in a transaction.
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state like 'idle in transaction%'`.execute(
          database.db,
        );
        expect(rows[0]!.n).toBe(0);
        // Claimed, not yet sent; another relay claims nothing meanwhile (order is kept).
        expect(await pending(user)).toBe(3);
        expect(await source.pass(200, async () => {})).toBe(0);
        const ids = handed.map((e) => Number(e.id));
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        release();
        expect(await pass).toBe(handed.length);
        expect(await pending(user)).toBe(0);
      } finally {
        relay.start();
      }
    });

    /** The first pending row of the user's, as the event it holds. */
    const pendingEvent = async (user: string) => {
      const row = (await outboxRows({ userId: user })).find((r) => r.published_at === null);
      if (!row) throw new Error('no pending row');
      return parseEvent(row.event);
    };

    it('publishes the events a writer names at once, without a pass, and marks their rows', async () => {
      const { relay, events, database } = h().app;
      await relay.stop();
      // A relay of its own that passes once an hour: only `committed` publishes here.
      const own = new OutboxRelay([new PgOutboxSource(database)], events, quiet, {
        intervalMs: 3_600_000,
      });
      try {
        own.start();
        await own.drain();
        const before = await events.publish(
          blobEvent('created', {
            id: randomUUID(),
            userId: h().user(),
            parentId: null,
            processorId: 'user-input',
            schemaId: 'text-input-v1',
            bookId: null,
          }),
        );
        const user = await writeBlobs(1);
        const event = await pendingEvent(user);
        own.committed([event]);
        await eventually(async () => (await pending(user)) === 0);
        const delivered = await drainDeliveries(user, before.cursor);
        expect(delivered.flatMap((d) => (d.kind === 'event' ? [d.event.id] : []))).toEqual([
          event.id,
        ]);
      } finally {
        await own.stop();
        relay.start();
      }
    });

    it('leaves a row to the next pass when publishing it for its writer fails', async () => {
      const { relay, database } = h().app;
      await relay.stop();
      // A backbone that was never connected: every publish is refused.
      const down = new NatsBackbone({ url: 'nats://127.0.0.1:1', prefix: 'DOWN', log: quiet });
      const own = new OutboxRelay([new PgOutboxSource(database)], down, quiet, {
        intervalMs: 3_600_000,
      });
      try {
        const user = await writeBlobs(1);
        own.start();
        own.committed([await pendingEvent(user)]);
        await own.stop();
        // Not published, and not left claimed: the next pass publishes it at once.
        const [row] = await outboxRows({ userId: user });
        expect(row!.published_at).toBeNull();
        expect(row!.claimed_until).toBeNull();
        expect(await relay.drain()).toBeGreaterThanOrEqual(1);
        expect(await pending(user)).toBe(0);
      } finally {
        relay.start();
      }
    });

    it('does not claim the rows whose events their writer is publishing', async () => {
      const { relay, database } = h().app;
      await relay.stop();
      try {
        const user = await writeBlobs(2);
        const [first, second] = (await outboxRows({ userId: user })).sort(
          (a, b) => Number(a.id) - Number(b.id),
        );
        const source = new PgOutboxSource(database);
        let handed: OutboxEntry[] = [];
        await source.pass(
          200,
          async (entries) => {
            handed = entries;
          },
          new Set([first!.event_id]),
        );
        expect(handed.map((e) => Number(e.id))).toEqual([Number(second!.id)]);
        expect(await pending(user)).toBe(1);
        expect(await relay.drain()).toBeGreaterThanOrEqual(1);
        expect(await pending(user)).toBe(0);
      } finally {
        relay.start();
      }
    });

    it('leaves the rows pending when publishing fails, and the next pass publishes them', async () => {
      const { relay, database } = h().app;
      await relay.stop();
      try {
        const user = await writeBlobs(2);
        const source = new PgOutboxSource(database);
        await expect(
          source.pass(200, async () => {
            throw new Error('NATS is down');
          }),
        ).rejects.toThrow('NATS is down');
        expect(await pending(user)).toBe(2);
        // The claim was released, so the retry does not wait for it to expire.
        expect(await relay.drain()).toBeGreaterThanOrEqual(2);
        expect(await pending(user)).toBe(0);
      } finally {
        relay.start();
      }
    });

    it('republishes the rows of a relay that died after claiming them, once the claim expires', async () => {
      const { relay, database } = h().app;
      await relay.stop();
      try {
        const user = await writeBlobs(1);
        // A claim that will never be marked: its relay is gone.
        await sql`update outbox set claimed_until = now() + interval '1 hour' where published_at is null`.execute(
          database.db,
        );
        expect(await relay.drain()).toBe(0);
        expect(await pending(user)).toBe(1);
        await sql`update outbox set claimed_until = now() - interval '1 second' where published_at is null`.execute(
          database.db,
        );
        expect(await relay.drain()).toBeGreaterThanOrEqual(1);
        expect(await pending(user)).toBe(0);
      } finally {
        relay.start();
      }
    });

    it('marks rows published from both paths at once without a deadlock (rows locked in id order)', async () => {
      const { relay, database } = h().app;
      await relay.stop();
      const user = h().user();
      const source = new PgOutboxSource(database);
      try {
        for (let round = 0; round < 8; round++) {
          // Event ids are random: their order differs from the rows' id order, as in use.
          const rows = Array.from({ length: 300 }, (_, i) => ({
            event_id: randomUUID(),
            user_id: user,
            type: 'blob.created.text-input-v1',
            event: JSON.stringify({ round, i }),
          }));
          await database.db.insertInto('outbox').values(rows).execute();
          const ids = rows.map((r) => r.event_id);
          // Writers marking the rows they published, while a pass claims, publishes and marks
          // the same rows (a writer's rows are left to a pass when there are too many to skip).
          const results = await Promise.allSettled([
            source.markPublished(ids),
            source.pass(300, async () => {}),
            source.markPublished([...ids].reverse()),
            source.markPublished(ids.slice(100)),
          ]);
          const failed = results.filter((r) => r.status === 'rejected');
          expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
          expect(await pending(user)).toBe(0);
        }
      } finally {
        // The rows are not real events: the relay must never publish them.
        await database.db.deleteFrom('outbox').where('user_id', '=', user).execute();
        relay.start();
      }
    });

    it('prunes published rows past their retention (a day), keeping unpublished and recent ones', async () => {
      const { relay, database } = h().app;
      await relay.stop();
      const user = h().user();
      const dayAndHour = new Date(Date.now() - 25 * 3600_000);
      const row = (label: string, createdAt: Date, publishedAt: Date | null) => ({
        event_id: randomUUID(),
        user_id: user,
        type: 'blob.created.text-input-v1',
        event: JSON.stringify({ label }),
        created_at: createdAt,
        published_at: publishedAt,
      });
      try {
        await database.db
          .insertInto('outbox')
          .values([
            row('old, published', dayAndHour, dayAndHour),
            row('old, not published', dayAndHour, null),
            row('recent, published', new Date(), new Date()),
          ])
          .execute();
        expect(await relay.prune()).toBe(1);
        const left = (await outboxRows({ userId: user })).map(
          (r) => (r.event as { label: string }).label,
        );
        expect(left.sort()).toEqual(['old, not published', 'recent, published']);
        expect(await relay.prune()).toBe(0);
      } finally {
        // The rows are not real events: the relay must never publish them.
        await database.db.deleteFrom('outbox').where('user_id', '=', user).execute();
        relay.start();
      }
    });
  });
});
