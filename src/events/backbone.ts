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
   * Resume after this cursor: retained events after it are replayed in order before live ones.
   * A cursor older than the retained log (or not from this log) yields one RESET first.
   */
  after?: string | null;
  /** Most undelivered items kept; beyond it the oldest are dropped and a RESET is sent. */
  bufferSize?: number;
}

export interface EventSubscription extends AsyncIterable<Delivery> {
  /** Stops delivery and releases what the subscription holds. Idempotent. */
  close(): Promise<void>;
}

export interface EventBackbone {
  readonly kind: 'nats' | 'memory';
  start(): Promise<void>;
  /** Stops every subscription and lets in-flight publishes finish. */
  stop(): Promise<void>;
  /** Stores the event durably; a repeated event id within the dedup window is stored once. */
  publish(event: StudioEvent): Promise<{ cursor: string; duplicate: boolean }>;
  /** The events of one user, live (and replayed from `after`). */
  subscribe(userId: string, options?: SubscribeOptions): Promise<EventSubscription>;
}

export const DEFAULT_BUFFER = 1000;
