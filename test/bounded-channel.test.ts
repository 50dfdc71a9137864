/** The bounded channel under live messages and subscriptions: what a slow reader gets. */
import { describe, expect, it } from 'vitest';
import { BoundedChannel } from '../src/events/bounded-channel';
import { DeliveryQueue } from '../src/events/delivery-queue';

async function take<T>(channel: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  const it = channel[Symbol.asyncIterator]();
  while (out.length < n) {
    const r = await it.next();
    if (r.done) break;
    out.push(r.value);
  }
  return out;
}

describe('BoundedChannel', () => {
  it('keeps the newest `capacity` items for a slow reader', async () => {
    const channel = new BoundedChannel<number>(3);
    for (let i = 1; i <= 5000; i++) channel.push(i);
    expect(channel.size).toBe(3);
    expect(await take(channel, 3)).toEqual([4998, 4999, 5000]);
    expect(channel.size).toBe(0);
  });

  it('hands an item straight to a waiting reader, and ends the reader on close', async () => {
    let closed = 0;
    const channel = new BoundedChannel<string>(1, () => closed++);
    const it = channel[Symbol.asyncIterator]();
    const first = it.next();
    channel.push('a');
    expect(await first).toEqual({ value: 'a', done: false });
    const pending = it.next();
    channel.close();
    channel.close();
    expect(await pending).toEqual({ value: undefined, done: true });
    channel.push('late');
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });

  it('delivers one notice for the drops, before what remains (DeliveryQueue: RESET)', async () => {
    const queue = new DeliveryQueue(2);
    const event = (n: number) => ({
      kind: 'event' as const,
      cursor: `c${n}`,
      event: { id: `e${n}` } as never,
    });
    for (let i = 1; i <= 5; i++) queue.push(event(i));
    const got = await take(queue, 3);
    expect(got.map((d) => (d.kind === 'reset' ? `reset:${d.cursor}` : d.cursor))).toEqual([
      'reset:c3',
      'c4',
      'c5',
    ]);
    queue.push(event(6));
    expect((await take(queue, 1))[0]).toMatchObject({ kind: 'event', cursor: 'c6' });
  });

  it('hands over what is ready at once, the notice first, at most `max`', async () => {
    const queue = new DeliveryQueue(3);
    const event = (n: number) => ({
      kind: 'event' as const,
      cursor: `c${n}`,
      event: { id: `e${n}` } as never,
    });
    for (let i = 1; i <= 5; i++) queue.push(event(i));
    expect(queue.takeAvailable(2).map((d) => `${d.kind}:${d.cursor}`)).toEqual([
      'reset:c2',
      'event:c3',
    ]);
    expect(queue.takeAvailable(10).map((d) => d.cursor)).toEqual(['c4', 'c5']);
    expect(queue.takeAvailable(10)).toEqual([]);
    queue.push(event(6));
    expect((await take(queue, 1))[0]).toMatchObject({ cursor: 'c6' });
  });
});
