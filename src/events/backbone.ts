/**
 * The event backbone port: NATS JetStream in production, in-process on the embedded default.
 * Both keep a retained, ordered log per deployment, deduplicate by event id, and deliver one
 * user's events to that user's subscriptions only.
 */
import type { StudioEvent } from './event';

/** One item a subscription yields: an event with its cursor, or a RESET telling the client to refetch. */
export type Delivery =
  | { kind: 'event'; cursor: string; event: StudioEvent }
  | { kind: 'reset'; cursor: string };

export interface SubscribeOptions {
  /** Only events whose type starts with `<entity>.` (e.g. `blob`). */
  entity?: string;
  /** With `entity`, only `<entity>.<action>.` (e.g. `created`). */
  action?: string;
  /**
   * Resume after this cursor: retained events after it are replayed in order before live ones,
   * page by page as the subscriber reads (a backlog is never dropped, however long), then live
   * from the last one replayed. A cursor older than the retained log (or not from this log)
   * yields one RESET first.
   */
  after?: string | null;
  /**
   * Most undelivered live items kept; beyond it the oldest are dropped and a RESET is sent. It
   * does not bound a replay: that is read from the log at the subscriber's pace.
   */
  bufferSize?: number;
}

export interface EventSubscription extends AsyncIterable<Delivery> {
  /**
   * The next deliveries, at most `max`: waits for one, then takes what else is ready (a replayed
   * page, or live events already queued). Empty once the subscription is closed. Do not mix
   * with the iterator.
   */
  nextBatch(max: number): Promise<Delivery[]>;
  /** Stops delivery and releases what the subscription holds. Idempotent. */
  close(): Promise<void>;
}

/** A processor's share of the events of one type: durable, shared by every worker of the group. */
export interface WorkOptions {
  /** Durable group name (the processor id): workers of one group share the work. */
  group: string;
  /** The exact event type consumed. */
  type: string;
  /**
   * Deliveries before the broker gives up; the runtime dead-letters the last one itself. 0: no
   * limit (the handler counts its own attempts).
   */
  maxDeliveries: number;
  /** Items in flight in this process (per group: its consumers share the limit). */
  concurrency: number;
  /** Items of one user in flight in this process (per group). Default: `concurrency`. */
  perKey?: number;
  /**
   * Deliveries held in this process waiting their turn (per group), kept alive meanwhile; turns
   * go round-robin between users. Default 500.
   */
  buffer?: number;
  /** Without a heartbeat for this long, an item is redelivered (to any worker). */
  ackWaitMs: number;
}

export interface WorkItem {
  event: StudioEvent;
  /** 1 on the first delivery. */
  delivery: number;
  /** Keeps the item from being redelivered while a slow step runs. */
  heartbeat(): void;
}

export type WorkOutcome =
  | { kind: 'done' }
  | { kind: 'retry'; delayMs: number }
  /**
   * `key` names what was dead-lettered (a run id): a later dead letter of it replaces this one.
   * `attempts` is what the run made before it gave up.
   */
  | { kind: 'dead'; reason: string; key?: string; attempts?: number };

export interface WorkConsumer {
  /** Stops taking items and waits for those in flight. */
  stop(): Promise<void>;
}

/** A dead-lettered event and why. */
export interface DeadLetter {
  group: string;
  event: StudioEvent;
  reason: string;
  /** One dead letter per key (a run retried and failed again keeps one). */
  key?: string;
  /** Attempts the run made before it was dead-lettered. */
  attempts?: number;
}

/** A dead letter as the dead-letter log holds it: where it sits, and when it got there. */
export interface StoredDeadLetter extends DeadLetter {
  /** Its place in the log; a later dead letter has a greater one (a replaced one moves on). */
  position: number;
  at: Date;
}

/** What `scanDeadLetters` reads. */
export interface DeadLetterScan {
  /** Only this group's letters. */
  group?: string;
  /** Only letters written at or after `since`, and at or before `until`. */
  since?: Date;
  until?: Date;
  /** Start after this position (a previous scan's `last`). */
  after?: number;
  /** Only letters this accepts (checked as they are read). */
  match?: (letter: StoredDeadLetter) => boolean;
  /** Stop once this many letters matched. */
  limit: number;
  /** Stop once this many letters were read, matching or not: what bounds one call. */
  budget: number;
}

export interface DeadLetterPage {
  /** The letters that matched, in log order. */
  letters: StoredDeadLetter[];
  /** The position of the last letter read (matching or not); null when none was read. */
  last: number | null;
  /** Whether it stopped before the end of what the scan asked for (continue after `last`). */
  more: boolean;
}

/** A live subscription to ephemeral messages (run progress): not stored, not replayed. */
export interface LiveSubscription extends AsyncIterable<unknown> {
  close(): Promise<void>;
}

export interface EventBackbone {
  readonly kind: 'nats' | 'memory';
  start(): Promise<void>;
  /** Stops every subscription and lets in-flight publishes finish. */
  stop(): Promise<void>;
  /** Stores the event durably; a repeated event id within the dedup window is stored once. */
  publish(event: StudioEvent): Promise<{ cursor: string; duplicate: boolean }>;
  /**
   * A cursor at the end of the log now: subscribing with it as `after` delivers every event
   * published from this moment on (nothing before it).
   */
  position(): Promise<string>;
  /** The events of one user, live (and replayed from `after`). */
  subscribe(userId: string, options?: SubscribeOptions): Promise<EventSubscription>;
  /**
   * Subscriptions (event and live) open in this process, of one user or of all (for metrics, and
   * for tests to know a subscription is live).
   */
  subscriptionCount(userId?: string): number;
  /** Whether the backbone can take events now (connected). */
  healthy(): Promise<boolean>;
  /** Consumes one event type as a durable work queue shared by the group's workers. */
  consume(
    options: WorkOptions,
    handler: (item: WorkItem) => Promise<WorkOutcome>,
  ): Promise<WorkConsumer>;
  /**
   * Events of these types the group has not finished: on NATS its durable consumers' pending
   * count (undelivered plus delivered and unacknowledged, whichever worker holds them); in-process
   * the queue of this process (waiting, held in lanes and running).
   */
  workBacklog(group: string, types: readonly string[]): Promise<number>;
  /** How many dead letters a group has (one per dead-lettered run). */
  deadLetterCount(group: string): Promise<number>;
  /** Dead letters of a group, oldest first (for operators and tests). */
  deadLetters(group: string): Promise<DeadLetter[]>;
  /**
   * Dead letters in log order (oldest first), of every group or one, reading at most
   * `scan.budget` of them: however many there are, one call holds no more than that in memory.
   */
  scanDeadLetters(scan: DeadLetterScan): Promise<DeadLetterPage>;
  /** The dead letter of `key` in `group`, or null. */
  deadLetter(group: string, key: string): Promise<StoredDeadLetter | null>;
  /**
   * Removes the dead letter of `letter.key` if it is still the one at `letter.position` (a newer
   * dead letter of the same key, written since it was read, stays). Whether one was removed.
   */
  discardDeadLetter(letter: { group: string; key: string; position: number }): Promise<boolean>;
  /** Sends an ephemeral message to one user's live subscribers (best effort, not stored). */
  publishLive(userId: string, message: unknown): void;
  subscribeLive(userId: string, bufferSize?: number): Promise<LiveSubscription>;
}

export const DEFAULT_BUFFER = 1000;
/** Retained events read from the log at a time while replaying. */
export const REPLAY_PAGE = 500;
