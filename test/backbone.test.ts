/**
 * The backbone contract, run against NATS JetStream (PostgreSQL project) and the in-process
 * backbone (PGlite project): the same behaviour from both.
 */
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery, EventBackbone } from '../src/events/backbone';
import type { StudioEvent } from '../src/events/event';
import { MemoryBackbone } from '../src/events/memory-backbone';
import { NatsBackbone } from '../src/events/nats-backbone';
import { createLogger } from '../src/logger';
import { sampleEvent } from './support/events';
import { dropNatsStreams, NATS_URL, natsEnabled } from './support/nats';

const prefix = `t${randomBytes(5).toString('hex')}`;
let backbone: EventBackbone;

beforeAll(async () => {
  backbone = natsEnabled
    ? new NatsBackbone({ url: NATS_URL, prefix, log: createLogger('silent') })
    : new MemoryBackbone();
  await backbone.start();
});
afterAll(async () => {
  await backbone.stop();
  if (natsEnabled) await dropNatsStreams(prefix);
});

const event = (userId: string, type?: string): StudioEvent => sampleEvent(userId, type);

async function take(iterable: AsyncIterable<Delivery>, n: number, ms = 5000): Promise<Delivery[]> {
  const out: Delivery[] = [];
  const it = iterable[Symbol.asyncIterator]();
  const deadline = setTimeout(() => void it.return?.(), ms);
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  clearTimeout(deadline);
  return out;
}

const ids = (ds: Delivery[]) => ds.map((d) => (d.kind === 'event' ? d.event.id : 'RESET'));
const settle = () => new Promise((r) => setTimeout(r, 200));

describe(`${natsEnabled ? 'NATS JetStream' : 'in-process'} backbone`, () => {
  it("delivers a user's events to that user's subscription only", async () => {
    const sub = await backbone.subscribe('user-a');
    const other = await backbone.subscribe('user-b');
    await settle();
    const mine = [event('user-a'), event('user-a')];
    await backbone.publish(event('user-b'));
    for (const e of mine) await backbone.publish(e);
    expect(ids(await take(sub, 2))).toEqual(mine.map((e) => e.id));
    expect(ids(await take(other, 1))).toHaveLength(1);
    await sub.close();
    await other.close();
  });

  it('stores a republished event id once', async () => {
    const e = event('user-dedup');
    const first = await backbone.publish(e);
    const again = await backbone.publish(e);
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ cursor: first.cursor, duplicate: true });
    const replay = await backbone.subscribe('user-dedup', {
      after: String(Number(first.cursor) - 1),
    });
    const next = event('user-dedup');
    await backbone.publish(next);
    expect(ids(await take(replay, 2))).toEqual([e.id, next.id]);
    await replay.close();
  });

  it('replays from a cursor, in order, then delivers live events', async () => {
    const user = 'user-replay';
    const before = await backbone.publish(event(user));
    const missed = [event(user), event(user), event(user)];
    for (const e of missed) await backbone.publish(e);
    const sub = await backbone.subscribe(user, { after: before.cursor });
    const live = event(user);
    await settle();
    await backbone.publish(live);
    expect(ids(await take(sub, 4))).toEqual([...missed, live].map((e) => e.id));
    await sub.close();
  });

  it('filters by entity and action at the source', async () => {
    const user = 'user-filter';
    const sub = await backbone.subscribe(user, { entity: 'blob', action: 'created' });
    await settle();
    await backbone.publish(event(user, 'blob.updated.text-input-v1'));
    await backbone.publish(event(user, 'book.compile.requested'));
    const wanted = event(user, 'blob.created.expanded-text-v1');
    await backbone.publish(wanted);
    expect(ids(await take(sub, 1))).toEqual([wanted.id]);
    await sub.close();
  });

  it('drops the oldest events of a subscriber that does not keep up, then says RESET', async () => {
    const user = 'user-slow';
    const sub = await backbone.subscribe(user, { bufferSize: 3 });
    await settle();
    const sent = Array.from({ length: 10 }, () => event(user));
    for (const e of sent) await backbone.publish(e);
    await settle();
    const got = await take(sub, 4);
    expect(got[0]!.kind).toBe('reset');
    expect(ids(got.slice(1))).toEqual(sent.slice(7).map((e) => e.id));
    // The RESET carries the cursor of the last dropped event: resuming from it loses nothing.
    const resumed = await backbone.subscribe(user, { after: got[0]!.cursor });
    expect(ids(await take(resumed, 3))).toEqual(sent.slice(7).map((e) => e.id));
    await sub.close();
    await resumed.close();
  });

  it('replays a backlog far longer than its buffer in full, in order, then goes live', async () => {
    const user = 'user-long-gap';
    const before = await backbone.publish(event(user));
    const missed = Array.from({ length: 300 }, () => event(user));
    for (const e of missed) {
      await backbone.publish(e);
      await backbone.publish(event('user-someone-else'));
    }
    const sub = await backbone.subscribe(user, { after: before.cursor, bufferSize: 3 });
    // Nothing is read for a while: a replay waits in the log, it is not pushed at the reader.
    await settle();
    const first = await sub.nextBatch(50);
    expect(first.length).toBeGreaterThan(1);
    expect(first.length).toBeLessThanOrEqual(50);
    const got = [...first];
    while (got.length < missed.length) got.push(...(await sub.nextBatch(100)));
    expect(ids(got)).toEqual(missed.map((e) => e.id));
    const live = event(user);
    await settle();
    await backbone.publish(live);
    expect(ids(await sub.nextBatch(10))).toEqual([live.id]);
    await sub.close();
    expect(await sub.nextBatch(10)).toEqual([]);
  });

  it('ends the iteration when the subscription is closed', async () => {
    const sub = await backbone.subscribe('user-close');
    const it = sub[Symbol.asyncIterator]();
    const pending = it.next();
    await sub.close();
    expect((await pending).done).toBe(true);
  });
});

/** The next `n` live messages of `live`, or fewer if none comes for `ms`. */
async function takeLive(live: AsyncIterable<unknown>, n: number, ms = 300): Promise<unknown[]> {
  const out: unknown[] = [];
  const it = live[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const quiet = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    });
    const next = await Promise.race([it.next(), quiet]);
    clearTimeout(timer);
    if (next === null || next.done) return out;
    out.push(next.value);
    if (out.length > n) return out;
  }
}

describe(`live messages on the ${natsEnabled ? 'NATS' : 'in-process'} backbone`, () => {
  it("reach each of the user's live subscriptions once, in order, and no other user's", async () => {
    const a1 = await backbone.subscribeLive('live-a');
    const a2 = await backbone.subscribeLive('live-a');
    const b = await backbone.subscribeLive('live-b');
    const sent = [{ n: 1 }, { n: 2 }, { n: 3 }];
    for (const m of sent) backbone.publishLive('live-a', m);
    // takeLive waits for one more than asked: a message delivered twice would show.
    expect(await takeLive(a1, 3)).toEqual(sent);
    expect(await takeLive(a2, 3)).toEqual(sent);
    expect(await takeLive(b, 0)).toEqual([]);
    await Promise.all([a1.close(), a2.close(), b.close()]);
    // Closed: publishing again reaches nobody and fails nothing.
    backbone.publishLive('live-a', { n: 4 });
  });

  it.runIf(natsEnabled)('reach the subscriptions of another process once', async () => {
    const other = new NatsBackbone({ url: NATS_URL, prefix, log: createLogger('silent') });
    await other.start();
    try {
      const there = await other.subscribeLive('live-c');
      const here = await backbone.subscribeLive('live-c');
      backbone.publishLive('live-c', { from: 'here' });
      other.publishLive('live-c', { from: 'there' });
      const seenThere = await takeLive(there, 2);
      const seenHere = await takeLive(here, 2);
      expect(seenThere).toHaveLength(2);
      expect(seenThere).toEqual(expect.arrayContaining([{ from: 'here' }, { from: 'there' }]));
      expect(seenHere).toHaveLength(2);
      expect(seenHere).toEqual(expect.arrayContaining([{ from: 'here' }, { from: 'there' }]));
      await Promise.all([there.close(), here.close()]);
    } finally {
      await other.stop();
    }
  });

  it.runIf(natsEnabled)(
    'reach another process in the order sent, also those sent just before the sender stops',
    async () => {
      // Live messages go to NATS together (within a few milliseconds); a stop sends what waits.
      const sender = new NatsBackbone({ url: NATS_URL, prefix, log: createLogger('silent') });
      await sender.start();
      const there = await backbone.subscribeLive('live-d');
      const sent = Array.from({ length: 200 }, (_, n) => ({ n }));
      let stopped = false;
      try {
        for (const m of sent.slice(0, 150)) sender.publishLive('live-d', m);
        await new Promise((resolve) => setTimeout(resolve, 20));
        for (const m of sent.slice(150)) sender.publishLive('live-d', m);
        await sender.stop();
        stopped = true;
        expect(await takeLive(there, 200)).toEqual(sent);
      } finally {
        await there.close();
        if (!stopped) await sender.stop();
      }
    },
  );
});

describe(`work queues on the ${natsEnabled ? 'NATS JetStream' : 'in-process'} backbone`, () => {
  /** Heap in use after full collections (the test process may collect on demand). */
  const heapAfterGc = () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };

  it('keep no memory for the events they have handled', async () => {
    // A backbone of its own: the in-process one keeps its last events for replay (10,000 by
    // default) and their ids for deduplication, by design; here it keeps 100, for 1 ms.
    const backbone: EventBackbone = natsEnabled
      ? new NatsBackbone({ url: NATS_URL, prefix, log: createLogger('silent') })
      : new MemoryBackbone({ retain: 100, dedupWindowMs: 1 });
    await backbone.start();
    const type = `blob.created.leak-${randomBytes(3).toString('hex')}`;
    let handled = 0;
    let target = 0;
    let reached: () => void = () => {};
    const consumer = await backbone.consume(
      { group: 'memory-check', type, maxDeliveries: 0, concurrency: 8, ackWaitMs: 30_000 },
      async () => {
        handled++;
        if (handled >= target) reached();
        return { kind: 'done' };
      },
    );
    const round = async (n: number) => {
      target = handled + n;
      const all = new Promise<void>((resolve) => {
        reached = resolve;
      });
      for (let i = 0; i < n; i++) await backbone.publish(event(`worker-${i % 7}`, type));
      await all;
      // Acknowledgements go out a moment later.
      await new Promise((resolve) => setTimeout(resolve, 100));
    };
    try {
      await round(500);
      const before = heapAfterGc();
      await round(6000);
      const perEvent = (heapAfterGc() - before) / 6000;
      // Before the fix each event handled left about 375 bytes until the consumer stopped.
      expect(perEvent).toBeLessThan(120);
    } finally {
      await consumer.stop();
      await backbone.stop();
    }
  }, 60_000);

  it.runIf(natsEnabled)(
    'stop while their buffer is full, and hand back what waits to the next worker',
    async () => {
      const type = `blob.created.full-${randomBytes(3).toString('hex')}`;
      const options = {
        group: 'full-stop',
        type,
        maxDeliveries: 0,
        concurrency: 1,
        buffer: 2,
        ackWaitMs: 30_000,
      };
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const first: string[] = [];
      const consumer = await backbone.consume(options, async ({ event: e }) => {
        first.push(e.id);
        await held;
        return { kind: 'done' };
      });
      const sent = Array.from({ length: 10 }, () => event('worker-full', type));
      for (const e of sent) await backbone.publish(e);
      // One runs, two wait in the buffer, the rest stays in the stream.
      await expect.poll(() => first.length).toBe(1);
      // Stopping hands back what waits at once, while the one running goes on to its end.
      const stopping = consumer.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      await stopping;
      expect(first).toHaveLength(1);
      const second = new Set<string>();
      const next = await backbone.consume(options, async ({ event: e }) => {
        second.add(e.id);
        return { kind: 'done' };
      });
      try {
        await expect.poll(() => second.size, { timeout: 10_000 }).toBe(sent.length - first.length);
        // Each event ran once, in one worker or the other.
        expect([...first, ...second].sort()).toEqual(sent.map((e) => e.id).sort());
      } finally {
        await next.stop();
      }
    },
    30_000,
  );
});
