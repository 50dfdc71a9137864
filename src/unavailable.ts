/**
 * Recognises "a dependency is down" among thrown errors, in one place, so the edges (GraphQL
 * error mask, REST routes, WebSocket) answer SERVICE_UNAVAILABLE and log a warning instead of
 * masking an outage as a bug. Resolvers and services do not catch these themselves.
 */
import { AppError, ErrorCode } from './errors';

/** What clients are told to wait before retrying: an outage is rarely shorter. */
const UNAVAILABLE_RETRY_MS = 2_000;

/** Node socket errors that mean the server could not be reached or went away. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** nats.js (v3) error classes, by name, for a connection that is down, closing or silent. */
const NATS_NAMES = new Set([
  'ClosedConnectionError',
  'DrainingConnectionError',
  'ConnectionError',
  'NoResponders',
  'RequestError',
]);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01..57P03 (admin or crash shutdown,
 * cannot connect now), 53300 (too many connections).
 */
function isPgUnavailable(code: string): boolean {
  return code.startsWith('08') || /^57P0[1-3]$/.test(code) || code === '53300';
}

/** Messages of pg's pool and client for a lost or unobtainable connection (they carry no code). */
const PG_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|the database system is (starting up|shutting down|in recovery mode)/i;

function classify(error: unknown, depth: number): 'database' | 'events' | undefined {
  if (depth > 5 || typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (NATS_NAMES.has(name) || (name === 'TimeoutError' && message === 'timeout')) return 'events';
  if (code && isPgUnavailable(code) && /^[0-9A-Z]{5}$/.test(code)) return 'database';
  if (code && SOCKET_CODES.has(code)) return 'database';
  if (PG_MESSAGES.test(message)) return 'database';
  const nested = [e.cause, ...((error as { errors?: unknown[] }).errors ?? [])];
  for (const inner of nested) {
    const found = classify(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * The SERVICE_UNAVAILABLE error for `error` when it says a dependency is unreachable, otherwise
 * undefined (the error is then what it was: a bug, or a client's fault).
 */
export function toUnavailable(error: unknown): AppError | undefined {
  if (error instanceof AppError) {
    return error.code === ErrorCode.SERVICE_UNAVAILABLE ? error : undefined;
  }
  const dependency = classify(error, 0);
  if (!dependency) return undefined;
  return new AppError(
    ErrorCode.SERVICE_UNAVAILABLE,
    dependency === 'database'
      ? 'The database is unavailable; try again shortly'
      : 'The event backbone is unavailable; try again shortly',
    { dependency, retryAfterMs: UNAVAILABLE_RETRY_MS },
  );
}

/** The `Retry-After` header value (whole seconds) for an unavailable error. */
export const retryAfterSeconds = (error: AppError): string =>
  String(Math.ceil((error.details.retryAfterMs ?? UNAVAILABLE_RETRY_MS) / 1000));
