/**
 * The in-process backbone for the embedded default: a retained, ordered log in memory with the
 * same semantics as the NATS one (cursors, replay, RESET, dedup, per-user delivery). Nothing
 * survives a restart; the outbox still guarantees that committed writes are published.
 */
import {
  DEFAULT_BUFFER,
  type DeadLetter,
  type DeadLetterPage,
  type DeadLetterScan,
  type Delivery,
  type EventBackbone,
  type EventSubscription,
  type LiveSubscription,
  type StoredDeadLetter,
  type SubscribeOptions,
  type WorkConsumer,
  type WorkItem,
  type WorkOptions,
  type WorkOutcome,
} from './backbone';
import { BoundedChannel } from './bounded-channel';
import { DeliveryQueue } from './delivery-queue';
import type { StudioEvent } from './event';
import { GroupLanes } from './fair-lanes';
import { type ReplaySource, ReplaySubscription } from './replay';

interface Entry {
  seq: number;
  event: StudioEvent;
}

interface Subscriber {
  prefix: string;
  /** False while it replays its backlog: live events wait in the log until it has caught up. */
  live: boolean;
  queue: DeliveryQueue;
}

export interface MemoryBackboneOptions {
  /** Events kept for replay. Default 10,000. */
  retain?: number;
  /** How long an event id is remembered for deduplication. Default 2 minutes. */
  dedupWindowMs?: number;
}

const matches = (event: StudioEvent, prefix: string) =>
  prefix === '' || event.type.startsWith(prefix);
const prefixOf = (o: SubscribeOptions) =>
  o.entity ? `${o.entity}.${o.action ? `${o.action}.` : ''}` : '';

export class MemoryBackbone implements EventBackbone {
  readonly kind = 'memory' as const;
  private log: Entry[] = [];
  private seq = 0;
  private readonly seen = new Map<string, { seq: number; at: number }>();
  private readonly subscribers = new Map<string, Set<Subscriber>>();
  private readonly workers = new Map<string, Set<(event: StudioEvent, delivery: number) => void>>();
  /** In position order: a letter replaced by a newer one of its key leaves, the newer goes last. */
  private readonly dead: StoredDeadLetter[] = [];
  private deadSeq = 0;
  /** What each work consumer of this process has not finished (for `backlog`). */
  private readonly pending = new Set<{ group: string; type: string; count: () => number }>();
  private readonly live = new Map<string, Set<BoundedChannel<unknown>>>();
  private readonly lanes = new GroupLanes();
  private readonly retain: number;
  private readonly dedupWindowMs: number;

  constructor(options: MemoryBackboneOptions = {}) {
    this.retain = options.retain ?? 10_000;
    this.dedupWindowMs = options.dedupWindowMs ?? 120_000;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {
    for (const set of [...this.subscribers.values()]) for (const s of [...set]) s.queue.close();
    this.subscribers.clear();
  }

  async publish(event: StudioEvent): Promise<{ cursor: string; duplicate: boolean }> {
    const now = Date.now();
    const known = this.seen.get(event.id);
    if (known && now - known.at < this.dedupWindowMs)
      return { cursor: String(known.seq), duplicate: true };
    const entry = { seq: ++this.seq, event };
    this.log.push(entry);
    if (this.log.length > this.retain * 1.1)
      this.log = this.log.slice(this.log.length - this.retain);
    // Ids past the window are forgotten as new ones come (before, only once 50,000 were kept,
    // about 30 MB). Oldest first (insertion order), stopping at the first one still inside the
    // window: each id is deleted once, so a publish costs no scan of every id remembered.
    for (const [id, v] of this.seen) {
      if (now - v.at < this.dedupWindowMs) break;
      this.seen.delete(id);
    }
    this.seen.set(event.id, { seq: entry.seq, at: now });
    for (const enqueue of this.workers.get(event.type) ?? []) enqueue(event, 1);
    const item: Delivery = { kind: 'event', cursor: String(entry.seq), event };
    for (const s of this.subscribers.get(event.userId) ?? [])
      if (s.live && matches(event, s.prefix)) s.queue.push(item);
    return { cursor: item.cursor, duplicate: false };
  }

  async consume(
    options: WorkOptions,
    handler: (item: WorkItem) => Promise<WorkOutcome>,
  ): Promise<WorkConsumer> {
    const lanes = this.lanes.join(options);
    const owner = {};
    const inFlight = new Set<Promise<void>>();
    const timers = new Set<NodeJS.Timeout>();
    // Beyond the lanes' capacity, in arrival order: the in-process stand-in for a stream.
    const backlog: { event: StudioEvent; delivery: number }[] = [];
    let feeding = false;
    let stopped = false;
    const work = async (event: StudioEvent, delivery: number): Promise<void> => {
      if (stopped) return;
      const outcome = await handler({ event, delivery, heartbeat: () => {} }).catch(
        (): WorkOutcome => ({ kind: 'retry', delayMs: 1000 }),
      );
      if (
        outcome.kind === 'retry' &&
        (options.maxDeliveries === 0 || delivery < options.maxDeliveries)
      ) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          enqueue(event, delivery + 1);
        }, outcome.delayMs);
        timers.add(timer);
      } else if (outcome.kind !== 'done') {
        const dead = outcome.kind === 'dead' ? outcome : undefined;
        this.bury({
          group: options.group,
          event,
          reason: dead?.reason ?? 'maximum deliveries reached',
          ...(dead?.key === undefined ? {} : { key: dead.key }),
          ...(dead?.attempts === undefined ? {} : { attempts: dead.attempts }),
        });
      }
    };
    const feed = async (): Promise<void> => {
      if (feeding) return;
      feeding = true;
      try {
        while (backlog.length > 0 && !stopped) {
          await lanes.room();
          if (stopped) break;
          const { event, delivery } = backlog.shift()!;
          lanes.push(event.userId, {
            owner,
            keepAlive: () => {},
            release: () => {},
            run: () => {
              const task = work(event, delivery);
              inFlight.add(task);
              void task.finally(() => inFlight.delete(task));
              return task;
            },
          });
        }
      } finally {
        feeding = false;
      }
    };
    const enqueue = (event: StudioEvent, delivery: number): void => {
      if (stopped) return;
      backlog.push({ event, delivery });
      void feed();
    };
    let set = this.workers.get(options.type);
    if (!set) {
      set = new Set();
      this.workers.set(options.type, set);
    }
    set.add(enqueue);
    const pending = {
      group: options.group,
      type: options.type,
      count: () =>
        backlog.length +
        timers.size +
        [...lanes.waiting()].filter((item) => item.owner === owner).length +
        inFlight.size,
    };
    this.pending.add(pending);
    return {
      stop: async () => {
        if (stopped) return;
        stopped = true;
        this.pending.delete(pending);
        set.delete(enqueue);
        for (const t of timers) clearTimeout(t);
        backlog.length = 0;
        lanes.remove((item) => item.owner === owner);
        await Promise.allSettled([...inFlight]);
        this.lanes.leave(options.group);
      },
    };
  }

  /** Stores a dead letter last in the log, replacing the one of its key in its group. */
  private bury(letter: DeadLetter): void {
    if (letter.key !== undefined) {
      const at = this.dead.findIndex((d) => d.group === letter.group && d.key === letter.key);
      if (at >= 0) this.dead.splice(at, 1);
    }
    this.dead.push({ ...letter, position: ++this.deadSeq, at: new Date() });
  }

  async deadLetters(group: string): Promise<DeadLetter[]> {
    return this.dead.filter((d) => d.group === group);
  }

  async scanDeadLetters(scan: DeadLetterScan): Promise<DeadLetterPage> {
    const letters: StoredDeadLetter[] = [];
    let last: number | null = null;
    let read = 0;
    const start = scan.after ?? 0;
    for (const letter of this.dead) {
      if (letter.position <= start || (scan.group && letter.group !== scan.group)) continue;
      if (scan.since && letter.at < scan.since) continue;
      // The log is in time order: nothing after a letter past `until` is inside the range.
      if (scan.until && letter.at > scan.until) return { letters, last, more: false };
      if (read === scan.budget || letters.length === scan.limit)
        return { letters, last, more: true };
      read++;
      last = letter.position;
      if (!scan.match || scan.match(letter)) letters.push(letter);
    }
    return { letters, last, more: false };
  }

  async deadLetter(group: string, key: string): Promise<StoredDeadLetter | null> {
    return this.dead.find((d) => d.group === group && d.key === key) ?? null;
  }

  async discardDeadLetter(letter: {
    group: string;
    key: string;
    position: number;
  }): Promise<boolean> {
    const at = this.dead.findIndex(
      (d) => d.group === letter.group && d.key === letter.key && d.position <= letter.position,
    );
    if (at < 0) return false;
    this.dead.splice(at, 1);
    return true;
  }

  async deadLetterCount(group: string): Promise<number> {
    return this.dead.filter((d) => d.group === group).length;
  }

  async workBacklog(group: string, types: readonly string[]): Promise<number> {
    let n = 0;
    for (const p of this.pending) if (p.group === group && types.includes(p.type)) n += p.count();
    return n;
  }

  async position(): Promise<string> {
    return String(this.seq);
  }

  publishLive(userId: string, message: unknown): void {
    for (const channel of this.live.get(userId) ?? []) channel.push(message);
  }

  async subscribeLive(userId: string, bufferSize = DEFAULT_BUFFER): Promise<LiveSubscription> {
    let set = this.live.get(userId);
    if (!set) {
      set = new Set();
      this.live.set(userId, set);
    }
    const channel: BoundedChannel<unknown> = new BoundedChannel(bufferSize, () => {
      set.delete(channel);
      if (set.size === 0) this.live.delete(userId);
    });
    set.add(channel);
    return {
      [Symbol.asyncIterator]: () => channel[Symbol.asyncIterator](),
      close: async () => channel.close(),
    };
  }

  /** Drops retained events up to and including `seq` (what a stream's age limit does). */
  purgeThrough(seq: number): void {
    this.log = this.log.filter((e) => e.seq > seq);
  }

  async healthy(): Promise<boolean> {
    return true;
  }

  subscriptionCount(userId?: string): number {
    if (userId !== undefined)
      return (this.subscribers.get(userId)?.size ?? 0) + (this.live.get(userId)?.size ?? 0);
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    for (const set of this.live.values()) n += set.size;
    return n;
  }

  async subscribe(userId: string, options: SubscribeOptions = {}): Promise<EventSubscription> {
    const prefix = prefixOf(options);
    let set = this.subscribers.get(userId);
    if (!set) {
      set = new Set();
      this.subscribers.set(userId, set);
    }
    const subscriber: Subscriber = {
      prefix,
      live: options.after == null,
      queue: new DeliveryQueue(options.bufferSize ?? DEFAULT_BUFFER, () => {
        set.delete(subscriber);
        if (set.size === 0) this.subscribers.delete(userId);
      }),
    };
    set.add(subscriber);
    if (options.after == null) return new ReplaySubscription(subscriber.queue, null);
    const from = /^\d{1,15}$/.test(options.after) ? Number(options.after) : Number.NaN;
    const firstRetained = this.log[0]?.seq ?? this.seq + 1;
    if (Number.isNaN(from) || from > this.seq || from < firstRetained - 1) {
      subscriber.live = true;
      return new ReplaySubscription(subscriber.queue, null, [
        { kind: 'reset', cursor: String(this.seq) },
      ]);
    }
    return new ReplaySubscription(subscriber.queue, this.backlog(userId, subscriber, from + 1));
  }

  /**
   * Pages of the retained log from `next` on. Reading the last page and going live happen in one
   * synchronous step, so no event published in between can be missed.
   */
  private backlog(userId: string, subscriber: Subscriber, next: number): ReplaySource {
    return {
      page: async (max) => {
        const out: Delivery[] = [];
        const firstRetained = this.log[0]?.seq ?? this.seq + 1;
        if (next < firstRetained) {
          // Retention dropped events this replay had not reached: they are gone.
          out.push({ kind: 'reset', cursor: String(firstRetained - 1) });
          next = firstRetained;
        }
        for (let i = this.indexOf(next); i < this.log.length && out.length < max; i++) {
          const entry = this.log[i]!;
          next = entry.seq + 1;
          if (entry.event.userId === userId && matches(entry.event, subscriber.prefix))
            out.push({ kind: 'event', cursor: String(entry.seq), event: entry.event });
        }
        if (out.length > 0) return out;
        subscriber.live = true;
        return null;
      },
    };
  }

  /** The index of the first retained entry with a sequence at or after `seq`. */
  private indexOf(seq: number): number {
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
