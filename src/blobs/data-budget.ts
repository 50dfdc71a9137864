/**
 * How much blob data one response may carry. A user may keep a gigabyte, and some reads return
 * many blobs at once (`Blob.derived`, `Book.chapters`, `Blob.versions`, a page of `blobs`, the
 * parents of such a page). Without a bound, one request could make the server hold all of it at
 * once. Each GraphQL response (each delivered event, for a subscription) gets a budget:
 *
 * - every read made for it is capped in its query by what is left (`DataCap`), so the rows past
 *   the budget come back without their data and no read holds more than the response may send;
 * - every `data` field served takes its size from the budget first, and one that does not fit
 *   fails with RESPONSE_TOO_LARGE, naming the limit and how to page instead. One that fits but
 *   was left out (a read holds rows the query does not serve, such as superseded derived blobs)
 *   is read then, on its own.
 *
 * A user's requests in flight in one process also share a pool (`DataPools`, four budgets by
 * default): a read reserves its cap from the pool before it starts and gives back what it did not
 * read once it has, and a response gives back all it holds when it ends. Reads of one response in
 * flight at the same moment share its budget, and many requests at once hold the pool at most:
 * once it is full, reads leave all data out, and a `data` field that would then need reading fails
 * with RATE_LIMITED until the user's other requests end. A subscription's deliveries have budgets
 * without a pool: their reads running at the same moment each see what is left when they start.
 */
import { AppError, ErrorCode } from '../errors';
import { type CostMeter, chargeRead } from '../http/cost-meter';
import type { DataCap } from './blob-types';

/** REYNA_RESPONSE_DATA_BYTES when unset: 16 MiB, sixteen of the largest blobs. */
export const DEFAULT_RESPONSE_DATA_BYTES = 16 * 1024 * 1024;

/**
 * Rows one read of `Blob.derived` or `Blob.versions` returns at most (their data within the
 * budget, the rest withheld): past it, RESPONSE_TOO_LARGE and `blobs(filter: { parentId })`.
 */
export const MAX_LIST_ROWS = 10_000;

/** How long a read refused for want of room in the user's pool is told to wait. */
const POOL_RETRY_MS = 200;

/** Bytes of blob data each user's responses in flight hold, in this process. */
export class DataPools {
  private readonly held = new Map<string, number>();

  constructor(readonly perUser: number) {}

  room(userId: string): number {
    return this.perUser - (this.held.get(userId) ?? 0);
  }

  hold(userId: string, bytes: number): void {
    if (bytes > 0) this.held.set(userId, (this.held.get(userId) ?? 0) + bytes);
  }

  release(userId: string, bytes: number): void {
    if (bytes <= 0) return;
    const left = (this.held.get(userId) ?? 0) - bytes;
    if (left > 0) this.held.set(userId, left);
    else this.held.delete(userId);
  }

  /** Users holding data now (for tests and metrics). */
  get users(): number {
    return this.held.size;
  }
}

export class DataBudget {
  private used = 0;
  /** What this response holds of its user's pool. */
  private reserved = 0;
  /** Of that, what its reads in flight reserved and have not settled yet. */
  private outstanding = 0;

  constructor(
    readonly limit: number,
    private readonly pool?: { pools: DataPools; userId: string },
    /** The request's meter, charged for what its reads hold (see `chargeRead`). */
    private readonly meter?: CostMeter,
  ) {}

  /**
   * What a read made now may carry: what is left of the response's budget, within the room left
   * in the user's pool, which the read reserves until `read` settles it. Reads of this response
   * already in flight count against it: however many run at once, one response reserves its
   * budget at most (a read that gets less leaves data out, read later if it is served).
   */
  cap(rows?: number): DataCap {
    let bytes = this.limit - this.used;
    if (this.pool) {
      const room = this.pool.pools.room(this.pool.userId);
      bytes = Math.max(0, Math.min(bytes - this.outstanding, room));
      this.pool.pools.hold(this.pool.userId, bytes);
      this.reserved += bytes;
      this.outstanding += bytes;
    }
    return rows === undefined ? { bytes } : { bytes, rows };
  }

  /**
   * The rows a read capped by `cap` returned: charged to the request (see `chargeRead`), and the
   * part of the reservation they did not fill given back. Returns `rows`.
   */
  read<T extends { size: number; withheld?: true } | null>(rows: T[], cap?: DataCap): T[] {
    const bytes = chargeRead(this.meter, rows);
    if (this.pool && cap) {
      this.outstanding = Math.max(0, this.outstanding - cap.bytes);
      // A read may hold a little more than its cap (the batched family statement reads small
      // rows whatever the cap): that is held too.
      const unused = Math.min(this.reserved, cap.bytes - bytes);
      if (unused >= 0) this.pool.pools.release(this.pool.userId, unused);
      else this.pool.pools.hold(this.pool.userId, -unused);
      this.reserved -= unused;
    }
    return rows;
  }

  /** Takes `bytes` of data about to be served; RESPONSE_TOO_LARGE when they do not fit. */
  take(bytes: number): void {
    if (this.used + bytes > this.limit) throw responseTooLarge(this.limit);
    this.used += bytes;
  }

  /**
   * Reserves `bytes` for data a read left out and about to be read on its own; RATE_LIMITED when
   * the user's other requests hold the pool.
   */
  admit(bytes: number): void {
    if (!this.pool) return;
    const { pools, userId } = this.pool;
    if (pools.room(userId) < bytes) {
      throw new AppError(
        ErrorCode.RATE_LIMITED,
        `Your requests in flight hold ${pools.perUser - pools.room(userId)} bytes of blob data, the most this server holds for one user at once: retry when they have finished`,
        { retryAfterMs: POOL_RETRY_MS, limit: pools.perUser },
      );
    }
    pools.hold(userId, bytes);
    this.reserved += bytes;
  }

  /** Gives back all the response holds of the pool: it has been sent, or has failed. */
  release(): void {
    if (!this.pool) return;
    this.pool.pools.release(this.pool.userId, this.reserved);
    this.reserved = 0;
    this.outstanding = 0;
  }
}

export function responseTooLarge(limit: number): AppError {
  return new AppError(
    ErrorCode.RESPONSE_TOO_LARGE,
    `This response would carry more than ${limit} bytes of blob data. Ask for fewer blobs at once (a smaller \`first\`), or page with blobs(filter: ...)`,
    { limit },
  );
}

/** RESPONSE_TOO_LARGE for a list (`field`) of more than `MAX_LIST_ROWS` rows. */
export function tooManyRows(field: string, instead: string): AppError {
  return new AppError(
    ErrorCode.RESPONSE_TOO_LARGE,
    `${field} has more than ${MAX_LIST_ROWS} entries, more than one response lists; ${instead}`,
    { field, limit: MAX_LIST_ROWS },
  );
}
