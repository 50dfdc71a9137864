import { describe, expect, it } from 'vitest';
import type { Delivery } from '../src/events/backbone';
import { DeliveryQueue } from '../src/events/delivery-queue';
import type { StudioEvent } from '../src/events/event';
import { SubjectRouter } from '../src/events/subject-router';
import { eventSubject } from '../src/events/subjects';
import { sampleEvent } from './support/events';

const PREFIX = 'rt';

const event = (userId: string, type?: string): StudioEvent => sampleEvent(userId, type);

/** A router and a publisher onto it, with stream sequences from 1. */
function setup() {
  const dropped: string[] = [];
  const router = new SubjectRouter(PREFIX, (reason) => dropped.push(reason));
  let seq = 0;
  const publish = (e: StudioEvent, subject = eventSubject(PREFIX, e.userId, e.type)) => {
    router.dispatch(subject, ++seq, () => e);
    return seq;
  };
  const open = (userId: string, options: { entity?: string; action?: string } = {}, size = 100) => {
    const queue = new DeliveryQueue(size);
    const route = router.attach(userId, queue, { ...options, hold: size, replaying: false });
    return { queue, route };
  };
  return { router, publish, open, dropped };
}

const drain = (queue: DeliveryQueue): Delivery[] => queue.takeAvailable(10_000);
const ids = (ds: Delivery[]) => ds.map((d) => (d.kind === 'event' ? d.event.id : 'RESET'));

describe('subject router', () => {
  it("gives each user's subscriptions that user's events only, however alike the ids", () => {
    const { publish, open } = setup();
    // A prefix of another id, ids that need encoding, and an id that reads like an encoded one.
    const users = ['ann', 'ann-b', 'ann b', 'ann.b', '~YW5uIGI', 'ANN'];
    const queues = users.map((u) => open(u).queue);
    const sent = users.map((u) => [event(u), event(u)]);
    for (let i = 0; i < 2; i++) for (const mine of sent) publish(mine[i]!);
    users.forEach((_, i) => {
      expect(ids(drain(queues[i]!))).toEqual(sent[i]!.map((e) => e.id));
    });
  });

  it('filters by entity and action as the NATS filter of the subscription would', () => {
    const { publish, open } = setup();
    const all = open('u').queue;
    const blob = open('u', { entity: 'blob' }).queue;
    const created = open('u', { entity: 'blob', action: 'created' }).queue;
    const book = open('u', { entity: 'book' }).queue;
    const events = [
      event('u', 'blob.created.text-input-v1'),
      event('u', 'blob.updated.text-input-v1'),
      event('u', 'book.compile.requested'),
      event('u', 'processor.completed.text-expansion'),
    ];
    for (const e of events) publish(e);
    const [c, u, b, p] = events.map((e) => e.id);
    expect(ids(drain(all))).toEqual([c, u, b, p]);
    expect(ids(drain(blob))).toEqual([c, u]);
    expect(ids(drain(created))).toEqual([c]);
    expect(ids(drain(book))).toEqual([b]);
  });

  it('delivers nothing once a route is detached, and forgets users with no route left', () => {
    const { router, publish, open } = setup();
    const { queue, route } = open('gone');
    publish(event('gone'));
    route.detach();
    publish(event('gone'));
    expect(drain(queue)).toHaveLength(1);
    expect(router.size).toBe(0);
    expect(router.all()).toEqual([]);
  });

  it("drops an event whose subject is not its user's, and one that does not parse", () => {
    const { router, publish, open, dropped } = setup();
    const { queue } = open('victim');
    // Published on the victim's subject, but the event says it is someone else's.
    publish(event('attacker'), eventSubject(PREFIX, 'victim', 'blob.created.text-input-v1'));
    router.dispatch(eventSubject(PREFIX, 'victim', 'blob.created.text-input-v1'), 99, () => {
      throw new Error('not JSON');
    });
    expect(drain(queue)).toEqual([]);
    expect(dropped).toHaveLength(2);
  });

  it('carries the stream sequence as the cursor', () => {
    const { publish, open } = setup();
    const { queue } = open('u');
    publish(event('other'));
    const seq = publish(event('u'));
    expect(drain(queue).map((d) => d.cursor)).toEqual([String(seq)]);
  });

  it('holds what arrives during a replay and passes on only what the replay did not read', () => {
    const { router, publish } = setup();
    const queue = new DeliveryQueue(100);
    const route = router.attach('r', queue, { hold: 100, replaying: true });
    const during = [event('r'), event('r'), event('r')];
    const seqs = during.map((e) => publish(e));
    expect(drain(queue)).toEqual([]);
    // The replay read up to the first of them: the other two come from the router, once each.
    route.live(seqs[0]!);
    publish(event('elsewhere'));
    const after = event('r');
    publish(after);
    expect(ids(drain(queue))).toEqual([during[1]!.id, during[2]!.id, after.id]);
  });

  it('says RESET when the hold overflowed past what the replay read, and not otherwise', () => {
    const { router, publish } = setup();
    const covered = new DeliveryQueue(3);
    const short = router.attach('h', covered, { hold: 3, replaying: true });
    const gap = new DeliveryQueue(3);
    const long = router.attach('h', gap, { hold: 3, replaying: true });
    const sent = Array.from({ length: 6 }, () => event('h'));
    const seqs = sent.map((e) => publish(e));
    // One replay read everything dropped from its hold (the first three): no RESET.
    short.live(seqs[2]!);
    expect(ids(drain(covered))).toEqual(sent.slice(3).map((e) => e.id));
    // The other stopped before: the dropped ones after its end are gone, and it says so with
    // the cursor of the last one dropped, then the rest.
    long.live(seqs[0]!);
    const got = drain(gap);
    expect(got[0]).toEqual({ kind: 'reset', cursor: String(seqs[2]) });
    expect(ids(got.slice(1))).toEqual(sent.slice(3).map((e) => e.id));
  });

  it('keeps a slow subscriber from holding up the others: its queue drops its oldest', () => {
    const { publish, open } = setup();
    const slow = open('s', {}, 2).queue;
    const fast = open('s', {}, 100).queue;
    const sent = Array.from({ length: 5 }, () => event('s'));
    for (const e of sent) publish(e);
    const got = drain(slow);
    expect(got[0]!.kind).toBe('reset');
    expect(ids(got.slice(1))).toEqual(sent.slice(3).map((e) => e.id));
    expect(ids(drain(fast))).toEqual(sent.map((e) => e.id));
  });
});
