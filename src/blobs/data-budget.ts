/**
 * How much blob data one response may carry. A user may keep a gigabyte, and some reads return
 * many blobs at once (`Blob.derived`, `Book.blobs`, `Blob.versions`, a page of `blobs`, the
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
 * Reads of one response that run at the same moment each see what is left when they start, so
 * together they may hold a few times the budget, never what the user stores.
 */
import { AppError, ErrorCode } from '../errors';
import type { DataCap } from './blob-types';

/** REYNA_RESPONSE_DATA_BYTES when unset: 16 MiB, sixteen of the largest blobs. */
export const DEFAULT_RESPONSE_DATA_BYTES = 16 * 1024 * 1024;

/**
 * Rows one read of `Blob.derived` or `Blob.versions` returns at most (their data within the
 * budget, the rest withheld): past it, RESPONSE_TOO_LARGE and `blobs(filter: { parentId })`.
 */
export const MAX_LIST_ROWS = 10_000;

export class DataBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  /** What a read made now may carry. */
  cap(rows?: number): DataCap {
    return rows === undefined
      ? { bytes: this.limit - this.used }
      : { bytes: this.limit - this.used, rows };
  }

  /** Takes `bytes` of data about to be served; RESPONSE_TOO_LARGE when they do not fit. */
  take(bytes: number): void {
    if (this.used + bytes > this.limit) throw responseTooLarge(this.limit);
    this.used += bytes;
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
