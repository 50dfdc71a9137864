/**
 * What a request costs the server's one event loop, measured where the cost is: the synchronous
 * work whose time grows with what a user sends (parsing and walking JSON, validating a document
 * against a schema) is timed into the meter of the request it runs for. The HTTP server and the
 * WebSocket server charge each user's meter to a per-user budget (REYNA_COST_LIMIT_USER_MS of
 * event-loop time per second), so one user's expensive requests are slowed down before they can
 * crowd out everyone else's.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface CostMeter {
  /** Milliseconds of event-loop time charged so far. */
  ms: number;
}

const meters = new AsyncLocalStorage<CostMeter>();

/** Runs `fn` with `meter` as the current request's meter (it follows every await inside). */
export function withMeter<T>(meter: CostMeter, fn: () => T): T {
  return meters.run(meter, fn);
}

/** Runs the synchronous `fn` and charges its duration to the current request, if any. */
export function metered<T>(fn: () => T): T {
  const meter = meters.getStore();
  if (!meter) return fn();
  const started = performance.now();
  try {
    return fn();
  } finally {
    meter.ms += performance.now() - started;
  }
}

/**
 * Charges `ms` to the current request: for work done elsewhere on its behalf (a schema check on
 * a worker thread takes a core from everyone on a small machine all the same).
 */
export function chargeMs(ms: number): void {
  const meter = meters.getStore();
  if (meter) meter.ms += ms;
}

/**
 * Bytes of blob data served per millisecond charged: reading, sending between threads, parsing and
 * serialising data costs the server about 12 ms of CPU per MB (a 1.3 MB family read back to back
 * on PGlite, all threads, the client's parsing included). A read of ordinary passages is charged
 * microseconds; a user reading megabytes a second runs into their budget like any other
 * expensive request.
 */
export const DATA_BYTES_PER_MS = 128 * 1024;

/** Charges the current request for serving `bytes` of blob data (see DATA_BYTES_PER_MS). */
export function chargeData(bytes: number): void {
  chargeMs(bytes / DATA_BYTES_PER_MS);
}

/**
 * Charges the current request for the blob data a read made for it holds (rows it left out
 * cost nothing), and returns those bytes: what the server reads is charged whether the query
 * then serves it or not.
 */
export function chargeRead(rows: readonly ({ size: number; withheld?: true } | null)[]): number {
  let bytes = 0;
  for (const row of rows) if (row && !row.withheld) bytes += row.size;
  chargeData(bytes);
  return bytes;
}

/**
 * Each user's share of this process's event loop, as a leaky bucket (GCRA): a request that cost
 * `ms` pushes the user's next start `ms / share` into the future; a user more than `burstMs`
 * ahead waits. Kept per process on purpose: the event loop it protects is this process's own.
 */
export class CostBudget {
  private readonly next = new Map<string, number>();
  private readonly share: number;

  constructor(
    /** Event-loop milliseconds per second one user may take in the long run. */
    msPerSecond: number,
    /** Milliseconds a user may take at once above that (one big schema check fits). */
    private readonly burstMs = 500,
    /** Users tracked at most (the longest idle are forgotten first). */
    private readonly maxUsers = 100_000,
  ) {
    this.share = msPerSecond / 1000;
  }

  /** Milliseconds until `userId` may start another request; null when they may now. */
  wait(userId: string, now = performance.now()): number | null {
    const next = this.next.get(userId);
    if (next === undefined) return null;
    const ahead = next - now;
    return ahead > this.burstMs ? Math.ceil(ahead - this.burstMs) : null;
  }

  charge(userId: string, ms: number, now = performance.now()): void {
    if (ms <= 0) return;
    const next = Math.max(this.next.get(userId) ?? now, now) + ms / this.share;
    // Re-inserting keeps the map in order of last use, so the first key is the longest idle.
    this.next.delete(userId);
    this.next.set(userId, next);
    if (this.next.size > this.maxUsers) this.next.delete(this.next.keys().next().value as string);
  }
}

/**
 * An estimate of the parsing a body costs before any of our code sees it (Yoga parses it): about
 * a millisecond per 100 KB, parse and the walks that follow.
 */
export const bodyCostMs = (bytes: number) => bytes / 100_000;
