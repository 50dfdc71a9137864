/**
 * The NATS JetStream backbone. One stream per deployment (`<prefix>_EVENTS`, subjects
 * `<prefix>.ev.>`), created or updated idempotently at start-up; events are published with
 * their id as the message id, so a republished event inside the duplicate window is stored once.
 *
 * Live events reach a process through one ordered push consumer on the stream's event subjects,
 * whatever the number of subscriptions; a router hands each message to the subscriptions of the
 * user its subject names (subject-router.ts). Resuming from a cursor first replays through an
 * ordered pull consumer filtered on the user's subjects, a page per read, then goes live from the
 * last event replayed.
 */
import {
  AckPolicy,
  type Consumer,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
  type PushConsumer,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../logger';
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
import { parseEvent, type StudioEvent } from './event';
import { DEFAULT_WORK_BUFFER, GroupLanes } from './fair-lanes';
import { type ReplaySource, ReplaySubscription } from './replay';
import { SubjectRouter } from './subject-router';
import {
  encodeToken,
  eventSubject,
  streamName,
  streamSubjects,
  userFilter,
  workSubject,
} from './subjects';

export interface NatsBackboneOptions {
  url: string;
  /** Deployment prefix: streams and subjects of different prefixes never meet. */
  prefix: string;
  log: Logger;
  /** Retention of the event stream. Defaults: 7 days, 1,000,000 messages. */
  maxAgeMs?: number;
  maxMessages?: number;
  /** Duplicate window for message-id deduplication. Default 2 minutes. */
  duplicateWindowMs?: number;
}

const ms = (n: number) => n * 1_000_000; // NATS durations are nanoseconds
/** Longest a send nothing waits for is held to go with others (see `NatsBackbone.later`). */
const SEND_LATER_MS = 2;

/** The durable consumer of one group and event type. */
const durableName = (group: string, type: string) =>
  `${group}__${type}`.replace(/[^A-Za-z0-9_-]/g, '_');

/** Whether JetStream said a stream or consumer does not exist. */
const isNotFound = (error: unknown) =>
  /not found/i.test((error as Error)?.message ?? '') ||
  (error as { api_error?: { err_code?: number } })?.api_error?.err_code === 10014 ||
  (error as { api_error?: { err_code?: number } })?.api_error?.err_code === 10059;

/** Whether JetStream said the stream holds no message for a request. */
const isNoMessage = (error: unknown) =>
  /no message found/i.test((error as Error)?.message ?? '') ||
  (error as { api_error?: { err_code?: number } })?.api_error?.err_code === 10037;

/** A dead letter as read from the stream, with its sequence and time. */
const storedLetter = (letter: DeadLetter, seq: number, at: Date): StoredDeadLetter => ({
  ...letter,
  position: seq,
  at,
});

/** The stream-wide consumer of one process and the router it feeds. */
interface LiveRouter {
  router: SubjectRouter;
  consumer: PushConsumer;
  messages: ConsumerMessages;
  pump: Promise<void>;
  /** Set when the backbone stops it (its end is then no failure). */
  stopped: boolean;
}

export class NatsBackbone implements EventBackbone {
  readonly kind = 'nats' as const;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  private readonly subscriptions = new Set<EventSubscription>();
  /** The user of each open subscription, event and live. */
  private readonly owners = new Map<object, string>();
  /**
   * This process's live subscriptions by user: what it publishes live reaches them here, and
   * those of other processes through NATS (the connection does not echo its own messages back).
   */
  private readonly live = new Map<string, Set<BoundedChannel<unknown>>>();
  private readonly encoder = new TextEncoder();
  private readonly lanes = new GroupLanes();
  /** The one live consumer of this process, routing to its subscriptions (opened lazily). */
  private router: Promise<LiveRouter> | null = null;
  /** Sends nothing waits for (see `later`), in order, and the timer that makes them. */
  private laterSends: (() => void)[] = [];
  private laterTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: NatsBackboneOptions) {}

  get stream(): string {
    return streamName(this.options.prefix);
  }

  /** The connection, for tests and for processors that share it. */
  get connection(): NatsConnection {
    if (!this.nc) throw new Error('NATS backbone not started');
    return this.nc;
  }

  async start(): Promise<void> {
    this.nc = await connect({
      servers: this.options.url,
      name: `reyna-${this.options.prefix}`,
      maxReconnectAttempts: -1,
      // Every request (a JetStream publish is one) would otherwise build an Error up front to
      // carry the caller's stack: 2-3% of the pipeline's CPU in a profile. Errors still say
      // what failed.
      noAsyncTraces: true,
      // Live messages this process publishes reach its own subscribers in-process (see
      // publishLive), not by a round trip through the server: a run's updates are the most
      // frequent messages. Nothing else subscribes to what this connection publishes (JetStream
      // replies and deliveries come from the server).
      noEcho: true,
    });
    this.js = jetstream(this.nc);
    this.jsm = await jetstreamManager(this.nc);
    const config = {
      name: this.stream,
      subjects: [streamSubjects(this.options.prefix)],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: ms(this.options.maxAgeMs ?? 7 * 24 * 3600_000),
      max_msgs: this.options.maxMessages ?? 1_000_000,
      duplicate_window: ms(this.options.duplicateWindowMs ?? 120_000),
    };
    try {
      await this.jsm.streams.info(this.stream);
      await this.jsm.streams.update(this.stream, config);
    } catch (error) {
      if (!/not found/i.test(String((error as Error).message))) throw error;
      try {
        await this.jsm.streams.add(config);
      } catch (addError) {
        // Another instance created it between our look and our add: that is the same stream.
        if (!/already in use/i.test(String((addError as Error).message))) throw addError;
      }
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.stopRouter();
    this.sendLater();
    if (this.nc && !this.nc.isClosed()) await this.nc.drain();
  }

  /**
   * Sends that nothing waits for (live updates for other processes, acknowledgements) go to NATS
   * together, within SEND_LATER_MS or with the next send that is waited for: each write to the
   * server's socket is a system call that also wakes the server (55 microseconds of this thread
   * apiece in the pipeline bench, where a passage made eight). The connection writes what is
   * sent in one go as one.
   */
  private later(send: () => void): void {
    this.laterSends.push(send);
    this.laterTimer ??= setTimeout(() => this.sendLater(), SEND_LATER_MS);
  }

  /** Makes the sends `later` holds, now. */
  private sendLater(): void {
    clearTimeout(this.laterTimer);
    this.laterTimer = undefined;
    const sends = this.laterSends;
    if (sends.length === 0) return;
    this.laterSends = [];
    for (const send of sends) {
      try {
        send();
      } catch (error) {
        // A closed connection: a live update or an acknowledgement is then lost, as it would be
        // sent at once (a delivery not acknowledged comes again).
        this.options.log.warn('a NATS send failed', { error });
      }
    }
  }

  async publish(event: StudioEvent): Promise<{ cursor: string; duplicate: boolean }> {
    if (!this.js) throw new Error('NATS backbone not started');
    // What waits to be sent goes in the same write as this publish.
    this.sendLater();
    const ack = await this.js.publish(
      eventSubject(this.options.prefix, event.userId, event.type),
      this.encoder.encode(JSON.stringify(event)),
      {
        msgID: event.id,
      },
    );
    return { cursor: String(ack.seq), duplicate: ack.duplicate };
  }

  private get deadStream(): string {
    return `${this.options.prefix}_DLQ`;
  }

  async consume(
    options: WorkOptions,
    handler: (item: WorkItem) => Promise<WorkOutcome>,
  ): Promise<WorkConsumer> {
    if (!this.js || !this.jsm) throw new Error('NATS backbone not started');
    const filter = workSubject(this.options.prefix, options.type);
    const durable = durableName(options.group, options.type);
    const config = {
      durable_name: durable,
      filter_subject: filter,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: ms(options.ackWaitMs),
      max_deliver: options.maxDeliveries === 0 ? -1 : options.maxDeliveries,
      // Room for every delivery the lanes may hold, plus those running and being fetched.
      max_ack_pending: Math.max(
        1000,
        (options.buffer ?? DEFAULT_WORK_BUFFER) + options.concurrency * 2,
      ),
    };
    try {
      await this.jsm.consumers.add(this.stream, config);
    } catch {
      await this.jsm.consumers.update(this.stream, durable, {
        ack_wait: config.ack_wait,
        max_deliver: config.max_deliver,
        max_ack_pending: config.max_ack_pending,
      });
    }
    const consumer = await this.js.consumers.get(this.stream, durable);
    const messages = await consumer.consume({ max_messages: options.concurrency });
    const lanes = this.lanes.join(options);
    const owner = {};
    const inFlight = new Set<Promise<void>>();
    const log = this.options.log;
    /**
     * Waits for room in the lanes, or for the consumer to stop. Not a race with one promise that
     * settles at stop: each race would leave a reaction on it until then, about 375 bytes kept
     * per event handled (a worker that ran a million events held most of a gigabyte).
     */
    const wakers = new Set<() => void>();
    let stopped = false;
    const stop = () => {
      stopped = true;
      for (const wake of wakers) wake();
      wakers.clear();
    };
    const roomOrStop = (): Promise<void> | undefined => {
      if (!lanes.full || stopped) return undefined;
      return new Promise<void>((resolve) => {
        wakers.add(resolve);
        void lanes.room().then(() => {
          wakers.delete(resolve);
          resolve();
        });
      });
    };
    const work = async (m: JsMsg, event: StudioEvent): Promise<void> => {
      const outcome = await handler({
        event,
        delivery: m.info.deliveryCount,
        heartbeat: () => m.working(),
      }).catch((error): WorkOutcome => {
        log.warn('work handler threw', { error });
        return { kind: 'retry', delayMs: 1000 };
      });
      if (outcome.kind === 'done') this.later(() => m.ack());
      else if (outcome.kind === 'retry') m.nak(outcome.delayMs);
      else {
        await this.bury(options.group, event, outcome);
        m.term();
      }
    };
    // Deliveries waiting their turn in a lane are kept alive: otherwise they would be
    // redelivered (and counted as attempts) while another user's work runs.
    const beat = setInterval(
      () => {
        for (const item of lanes.waiting()) if (item.owner === owner) item.keepAlive();
      },
      Math.max(100, Math.min(options.ackWaitMs / 3, 5000)),
    );
    const loop = (async () => {
      for await (const m of messages) {
        let event: StudioEvent;
        try {
          event = parseEvent(m.json());
        } catch (error) {
          log.error('malformed event on a work queue: terminated', { subject: m.subject, error });
          m.term();
          continue;
        }
        lanes.push(event.userId, {
          owner,
          keepAlive: () => m.working(),
          release: () => m.nak(),
          run: () => {
            const task = work(m, event);
            inFlight.add(task);
            void task.finally(() => inFlight.delete(task));
            return task;
          },
        });
        // Take no more from the stream while the lanes are full: the rest waits in NATS.
        await roomOrStop();
      }
    })();
    return {
      stop: async () => {
        stop();
        await messages.close().catch(() => {});
        await loop.catch(() => {});
        clearInterval(beat);
        // Unstarted deliveries go back to the stream for another worker (or this one, later).
        for (const item of lanes.remove((i) => i.owner === owner)) item.release();
        await Promise.allSettled([...inFlight]);
        this.sendLater();
        this.lanes.leave(options.group);
      },
    };
  }

  /**
   * One subject per dead-lettered thing (`<prefix>.dlq.<group>.<key or event id>`), trimmed to its
   * newest message: a run retried and dead-lettered again keeps one identity in the stream.
   */
  private async bury(
    group: string,
    event: StudioEvent,
    outcome: { reason: string; key?: string; attempts?: number },
  ): Promise<void> {
    const { reason, key, attempts } = outcome;
    if (!this.js || !this.jsm) return;
    try {
      await this.jsm.streams.info(this.deadStream);
    } catch {
      await this.jsm.streams
        .add({
          name: this.deadStream,
          subjects: [`${this.options.prefix}.dlq.>`],
          storage: StorageType.File,
        })
        .catch(() => {});
    }
    const subject = this.deadSubject(group, key ?? event.id);
    const letter: DeadLetter = {
      group,
      event,
      reason,
      ...(key ? { key } : {}),
      ...(attempts === undefined ? {} : { attempts }),
    };
    await this.js.publish(subject, this.encoder.encode(JSON.stringify(letter)), {
      msgID: `${group}:${event.id}`,
    });
    // Published first, then trimmed: the run is never without its dead letter in between.
    if (key) await this.jsm.streams.purge(this.deadStream, { filter: subject, keep: 1 });
  }

  private deadSubject(group: string, key: string): string {
    return `${this.options.prefix}.dlq.${encodeToken(group)}.${encodeToken(key)}`;
  }

  async workBacklog(group: string, types: readonly string[]): Promise<number> {
    if (!this.jsm) throw new Error('NATS backbone not started');
    let n = 0;
    for (const type of types) {
      try {
        const info = await this.jsm.consumers.info(this.stream, durableName(group, type));
        n += info.num_pending + info.num_ack_pending;
      } catch (error) {
        // No consumer yet (no worker ever ran this processor): nothing is queued for it.
        if (!isNotFound(error)) throw error;
      }
    }
    return n;
  }

  async deadLetterCount(group: string): Promise<number> {
    if (!this.jsm) throw new Error('NATS backbone not started');
    const group_ = encodeToken(group);
    let n = 0;
    for (const filter of [
      `${this.options.prefix}.dlq.${group_}`,
      `${this.options.prefix}.dlq.${group_}.>`,
    ]) {
      try {
        const info = await this.jsm.streams.info(this.deadStream, { subjects_filter: filter });
        for (const count of Object.values(info.state.subjects ?? {})) n += count;
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    }
    return n;
  }

  async deadLetters(group: string): Promise<DeadLetter[]> {
    if (!this.js || !this.jsm) throw new Error('NATS backbone not started');
    try {
      await this.jsm.streams.info(this.deadStream);
    } catch {
      return [];
    }
    const out: DeadLetter[] = [];
    // Letters from before they had a subject each, then those since (one filter a consumer:
    // several need NATS 2.10).
    const group_ = encodeToken(group);
    for (const filter of [
      `${this.options.prefix}.dlq.${group_}`,
      `${this.options.prefix}.dlq.${group_}.>`,
    ]) {
      const consumer = await this.js.consumers.get(this.deadStream, { filter_subjects: filter });
      for (;;) {
        const m = await consumer.next({ expires: 1000 });
        if (!m) break;
        out.push(m.json<DeadLetter>());
        if (m.info.pending === 0) break;
      }
    }
    return out;
  }

  /**
   * Reads the dead-letter stream through an ordered consumer that starts where the scan does
   * (after a position, or at a time) and fetches a hundred at a time, deleted when done. Letters
   * from before they had a subject each (`<prefix>.dlq.<group>`) are read only without a group.
   */
  async scanDeadLetters(scan: DeadLetterScan): Promise<DeadLetterPage> {
    if (!this.js || !this.jsm) throw new Error('NATS backbone not started');
    const page: DeadLetterPage = { letters: [], last: null, more: false };
    if (!(await this.hasDeadStream())) return page;
    const consumer = await this.js.consumers.get(this.deadStream, {
      filter_subjects: `${this.options.prefix}.dlq.${scan.group ? `${encodeToken(scan.group)}.` : ''}>`,
      ...(scan.after !== undefined
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: scan.after + 1 }
        : scan.since
          ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: scan.since.toISOString() }
          : {}),
    });
    try {
      let pending = (await consumer.info()).num_pending;
      let read = 0;
      while (pending > 0) {
        if (read === scan.budget || page.letters.length === scan.limit) {
          page.more = true;
          return page;
        }
        const batch = await consumer.fetch({
          max_messages: Math.min(100, scan.budget - read, pending),
          expires: 5000,
        });
        let fetched = 0;
        for await (const m of batch) {
          fetched++;
          pending = m.info.pending;
          const letter = storedLetter(m.json<DeadLetter>(), m.seq, m.time);
          // The stream is in time order: nothing after a letter past `until` is in the range.
          if (scan.until && letter.at > scan.until) return page;
          if (scan.since && letter.at < scan.since) continue;
          read++;
          page.last = letter.position;
          if (!scan.match || scan.match(letter)) page.letters.push(letter);
          if (read === scan.budget || page.letters.length === scan.limit || pending === 0) break;
        }
        if (fetched === 0) {
          // The server said there were more but sent none in time: say so rather than wait on.
          page.more = true;
          return page;
        }
      }
      return page;
    } finally {
      await consumer.delete().catch(() => false);
    }
  }

  async deadLetter(group: string, key: string): Promise<StoredDeadLetter | null> {
    if (!this.jsm) throw new Error('NATS backbone not started');
    try {
      const m = await this.jsm.streams.getMessage(this.deadStream, {
        last_by_subj: this.deadSubject(group, key),
      });
      return m ? storedLetter(m.json<DeadLetter>(), m.seq, m.time) : null;
    } catch (error) {
      if (isNotFound(error) || isNoMessage(error)) return null;
      throw error;
    }
  }

  async discardDeadLetter(letter: {
    group: string;
    key: string;
    position: number;
  }): Promise<boolean> {
    if (!this.jsm) throw new Error('NATS backbone not started');
    if (!(await this.hasDeadStream())) return false;
    // Up to and including its position only: a newer letter of the key, written since, stays.
    const { purged } = await this.jsm.streams.purge(this.deadStream, {
      filter: this.deadSubject(letter.group, letter.key),
      seq: letter.position + 1,
    });
    return purged > 0;
  }

  private async hasDeadStream(): Promise<boolean> {
    try {
      await this.jsm!.streams.info(this.deadStream);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async position(): Promise<string> {
    if (!this.jsm) throw new Error('NATS backbone not started');
    const { state } = await this.jsm.streams.info(this.stream);
    return String(state.last_seq);
  }

  publishLive(userId: string, message: unknown): void {
    for (const channel of this.live.get(userId) ?? []) channel.push(message);
    if (!this.nc || this.nc.isClosed()) return;
    const nc = this.nc;
    const subject = `${this.options.prefix}.live.${encodeToken(userId)}`;
    const data = this.encoder.encode(JSON.stringify(message));
    this.later(() => nc.publish(subject, data));
  }

  async subscribeLive(userId: string, bufferSize = DEFAULT_BUFFER): Promise<LiveSubscription> {
    const nc = this.connection;
    const sub = nc.subscribe(`${this.options.prefix}.live.${encodeToken(userId)}`);
    let local = this.live.get(userId);
    if (!local) {
      local = new Set();
      this.live.set(userId, local);
    }
    const mine = local;
    const channel: BoundedChannel<unknown> = new BoundedChannel<unknown>(bufferSize, () => {
      sub.unsubscribe();
      this.owners.delete(channel);
      mine.delete(channel);
      if (mine.size === 0 && this.live.get(userId) === mine) this.live.delete(userId);
    });
    this.owners.set(channel, userId);
    mine.add(channel);
    void (async () => {
      for await (const m of sub) {
        try {
          channel.push(m.json());
        } catch {
          // not JSON: not ours
        }
      }
      channel.close();
    })();
    await nc.flush();
    return {
      [Symbol.asyncIterator]: () => channel[Symbol.asyncIterator](),
      close: async () => channel.close(),
    };
  }

  async healthy(): Promise<boolean> {
    if (!this.nc || this.nc.isClosed()) return false;
    try {
      await this.nc.flush();
      return true;
    } catch {
      return false;
    }
  }

  subscriptionCount(userId?: string): number {
    if (userId === undefined) return this.owners.size;
    let n = 0;
    for (const owner of this.owners.values()) if (owner === userId) n++;
    return n;
  }

  async subscribe(userId: string, options: SubscribeOptions = {}): Promise<EventSubscription> {
    const jsm = this.jsm;
    if (!this.js || !jsm) throw new Error('NATS backbone not started');
    // The router's consumer exists before anything below looks at the stream: every message
    // after what the replay (or the RESET) covers reaches the router.
    const { router } = await this.liveRouter();
    const filter = userFilter(this.options.prefix, userId, options.entity, options.action);
    let replay: Consumer | null = null;
    const bufferSize = options.bufferSize ?? DEFAULT_BUFFER;
    const queue = new DeliveryQueue(bufferSize);
    const route = router.attach(userId, queue, {
      entity: options.entity,
      action: options.action,
      hold: bufferSize,
      replaying: options.after != null,
    });
    const first: Delivery[] = [];
    let source: ReplaySource | null = null;
    try {
      if (options.after != null) {
        const { state } = await jsm.streams.info(this.stream);
        const after = /^\d{1,15}$/.test(options.after) ? Number(options.after) : Number.NaN;
        if (Number.isNaN(after) || after > state.last_seq || after < state.first_seq - 1) {
          first.push({ kind: 'reset', cursor: String(state.last_seq) });
          route.live(state.last_seq);
        } else {
          source = this.backlog(
            filter,
            after + 1,
            (last) => route.live(last),
            (c) => {
              replay = c;
            },
          );
        }
      }
    } catch (error) {
      route.detach();
      throw error;
    }
    const subscription = new ReplaySubscription(queue, source, first, async () => {
      route.detach();
      this.subscriptions.delete(subscription);
      this.owners.delete(subscription);
      // Ordered consumers are only reaped by the server after minutes without interest; a
      // subscriber that leaves mid-replay would leave its replay consumer behind. Delete it.
      const held: Consumer | null = replay;
      replay = null;
      const name = await held
        ?.info(true)
        .then((i) => i.name)
        .catch(() => undefined);
      if (name) await jsm.consumers.delete(this.stream, name).catch(() => {});
    });
    // Late-bound: a slot's wrapper around close() (inSlot) is what runs.
    route.end = () => void subscription.close();
    this.subscriptions.add(subscription);
    this.owners.set(subscription, userId);
    return subscription;
  }

  /**
   * The router of this process: one ordered push consumer on every event subject of the stream,
   * from new messages on, started with the first subscription and stopped with the backbone.
   * An ordered consumer recreates itself after a gap or missed heartbeats (a reconnect), from the
   * message after the last it delivered. Should it end without being stopped (the connection
   * closed), the subscriptions it served end too: their clients resubscribe from their cursors.
   */
  private liveRouter(): Promise<LiveRouter> {
    if (!this.router) {
      const opening = this.openRouter();
      this.router = opening;
      opening.catch(() => {
        if (this.router === opening) this.router = null;
      });
    }
    return this.router;
  }

  private async openRouter(): Promise<LiveRouter> {
    const js = this.js!;
    const log = this.options.log;
    const router = new SubjectRouter(this.options.prefix, (reason, subject, error) =>
      log.warn(reason, { subject, error }),
    );
    const consumer = await js.consumers.getPushConsumer(this.stream, {
      filter_subjects: streamSubjects(this.options.prefix),
      deliver_policy: DeliverPolicy.New,
    });
    const messages = await consumer.consume();
    const live: LiveRouter = {
      router,
      consumer,
      messages,
      pump: Promise.resolve(),
      stopped: false,
    };
    live.pump = (async () => {
      try {
        for await (const m of messages)
          router.dispatch(m.subject, m.seq, () => parseEvent(m.json()));
      } catch (error) {
        if (!live.stopped) log.error('the event router failed', { error });
      }
      if (live.stopped) return;
      log.error('the event router stopped: its subscriptions end, their clients resubscribe');
      if (this.router) {
        const current = await this.router.catch(() => null);
        if (current === live) this.router = null;
      }
      for (const route of router.all()) route.end();
    })();
    return live;
  }

  /** Stops the router's consumer and deletes it (the server would keep it for minutes). */
  private async stopRouter(): Promise<void> {
    const opening = this.router;
    this.router = null;
    const live = await opening?.catch(() => null);
    if (!live) return;
    live.stopped = true;
    await live.messages.close().catch(() => {});
    await live.pump.catch(() => {});
    const name = await live.consumer
      .info(true)
      .then((i) => i.name)
      .catch(() => undefined);
    if (name) await this.jsm?.consumers.delete(this.stream, name).catch(() => {});
  }

  /**
   * Pages of one subscriber's retained events from `next` on, through an ordered pull consumer
   * that fetches only when the subscriber wants more; once it has nothing pending, live delivery
   * starts right after the last event it read.
   */
  private backlog(
    filter: string,
    next: number,
    goLive: (last: number) => void,
    opened: (consumer: Consumer | null) => void,
  ): ReplaySource {
    const js = this.js!;
    const jsm = this.jsm!;
    let consumer: Consumer | null = null;
    let pending = 0;
    return {
      page: async (max) => {
        if (!consumer) {
          consumer = await js.consumers.get(this.stream, {
            filter_subjects: filter,
            deliver_policy: DeliverPolicy.StartSequence,
            opt_start_seq: next,
          });
          opened(consumer);
          pending = (await consumer.info()).num_pending;
        }
        if (pending === 0) {
          // Caught up: the replay consumer's work is done, and the server need not keep it.
          await consumer.delete().catch(() => false);
          opened(null);
          goLive(next - 1);
          return null;
        }
        const out: Delivery[] = [];
        const { state } = await jsm.streams.info(this.stream);
        if (next < state.first_seq) {
          // Retention dropped events this replay had not reached: they are gone.
          out.push({ kind: 'reset', cursor: String(state.first_seq - 1) });
          next = state.first_seq;
        }
        const batch = await consumer.fetch({ max_messages: Math.min(max, pending), expires: 5000 });
        for await (const m of batch) {
          next = m.seq + 1;
          pending = m.info.pending;
          try {
            out.push({ kind: 'event', cursor: String(m.seq), event: parseEvent(m.json()) });
          } catch (error) {
            this.options.log.warn('dropped a malformed event', { subject: m.subject, error });
          }
          // Caught up: do not wait out the fetch for messages that are not there.
          if (pending === 0) break;
        }
        return out;
      },
    };
  }
}
