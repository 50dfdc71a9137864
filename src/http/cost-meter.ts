/**
 * What a request costs the server's one event loop, measured where the cost is: the synchronous
 * work whose time grows with what a user sends (parsing and walking JSON, validating a document
 * against a schema) is timed into the meter of the request it runs for. The HTTP server and the
 * WebSocket server charge each user's meter to a per-user budget (REYNA_COST_LIMIT_USER_MS of
 * event-loop time per second), so one user's expensive requests are slowed down before they can
 * crowd out everyone else's.
 */
export interface CostMeter {
  /** Milliseconds of event-loop time charged so far. */
  ms: number;
}

/**
 * What the HTTP server adds to Yoga's server context for a signed-in user's request when budgets
 * are on: the meter its GraphQL context and REST routes charge (absent: nothing is charged).
 */
export interface MeteredServerContext {
  meter?: CostMeter;
}

/**
 * Whether a `metered` section is running: one inside another (a JSON value walked while a
 * document's execution is timed) is already counted by the outer one.
 */
let timing = false;

/**
 * Runs the synchronous `fn` and charges its duration to `meter`, when there is one.
 *
 * The meter is handed down explicitly (the request's context, then the calls it makes) rather
 * than found through `AsyncLocalStorage`: on Node 20 that keeps promise hooks on for every
 * promise the process makes, which cost the processor pipeline about a tenth of its main
 * thread's CPU (issue 14, `npm run bench:processors`).
 */
export function metered<T>(meter: CostMeter | undefined, fn: () => T): T {
  if (!meter || timing) return fn();
  timing = true;
  const started = performance.now();
  try {
    return fn();
  } finally {
    timing = false;
    meter.ms += performance.now() - started;
  }
}

/**
 * Charges `ms` to `meter`: for work done elsewhere on a request's behalf (a schema check on a
 * worker thread takes a core from everyone on a small machine all the same).
 */
export function chargeMs(meter: CostMeter | undefined, ms: number): void {
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

/** Charges `meter` for serving `bytes` of blob data (see DATA_BYTES_PER_MS). */
export function chargeData(meter: CostMeter | undefined, bytes: number): void {
  chargeMs(meter, bytes / DATA_BYTES_PER_MS);
}

/**
 * Charges `meter` for the blob data a read made for its request holds (rows it left out cost
 * nothing), and returns those bytes: what the server reads is charged whether the query then
 * serves it or not.
 */
export function chargeRead(
  meter: CostMeter | undefined,
  rows: readonly ({ size: number; withheld?: true } | null)[],
): number {
  let bytes = 0;
  for (const row of rows) if (row && !row.withheld) bytes += row.size;
  chargeData(meter, bytes);
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
