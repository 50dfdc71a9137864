/**
 * The one error every SDK call throws (or hands to a subscription's `error`): `StudioError`, with
 * the server's `extensions.code`, or a code of the SDK's own for what never reached the server.
 */
import type { GraphQLFormattedError } from 'graphql';

/**
 * The codes the SDK itself gives (the server's codes, such as `VALIDATION_FAILED` or
 * `UNAUTHENTICATED`, come as the server sent them):
 * - `NETWORK_ERROR`: the server could not be reached, or what answered is not the Studio API
 *   (a wrong URL, a proxy's error page, a connection lost for good);
 * - `NO_WEBSOCKET`: a subscription was asked for where there is no WebSocket implementation;
 * - `UNKNOWN`: the server sent an error without a code.
 */
export type SdkErrorCode = 'NETWORK_ERROR' | 'NO_WEBSOCKET' | 'UNKNOWN';

export interface StudioErrorOptions {
  /** The HTTP status, when there was a response. */
  status?: number;
  cause?: unknown;
}

/** A GraphQL, HTTP or connection error; `code` is the first error's `extensions.code`. */
export class StudioError extends Error {
  /** The first error's `extensions.code`, or one of {@link SdkErrorCode}. */
  readonly code: string;
  /** The first error's extensions (`issues`, `retryAfterMs`, `url`, `closeCode`...). */
  readonly extensions: Record<string, unknown>;
  /** Every error of the response. */
  readonly errors: readonly GraphQLFormattedError[];
  readonly status: number | undefined;

  constructor(errors: readonly GraphQLFormattedError[], options: StudioErrorOptions = {}) {
    super(errors.map((e) => e.message).join('; ') || 'request failed', { cause: options.cause });
    this.name = 'StudioError';
    this.errors = errors;
    this.extensions = (errors[0]?.extensions as Record<string, unknown> | undefined) ?? {};
    this.code = typeof this.extensions.code === 'string' ? this.extensions.code : 'UNKNOWN';
    this.status = options.status;
  }

  /** One error with this code, message and extensions. */
  static of(
    code: string,
    message: string,
    extensions: Record<string, unknown> = {},
    options: StudioErrorOptions = {},
  ): StudioError {
    return new StudioError([{ message, extensions: { ...extensions, code } }], options);
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    return `${cause.message}${inner}`;
  }
  return String(cause);
}

/** The server at `url` could not be reached, or did not answer as the Studio API. */
export function networkError(url: string, what: string, options: StudioErrorOptions = {}) {
  const detail = options.cause === undefined ? '' : ` (${describe(options.cause)})`;
  return StudioError.of(
    'NETWORK_ERROR',
    `${what}${detail}. Check the url option: it should be the API's GraphQL endpoint, such as https://api.example.com/graphql, and the server should be running.`,
    { url, ...(options.status === undefined ? {} : { status: options.status }) },
    options,
  );
}

/** The close code of a WebSocket close event, if `e` is one. */
export function closeCode(e: unknown): number | undefined {
  return e && typeof e === 'object' && 'code' in e && typeof e.code === 'number'
    ? e.code
    : undefined;
}

/** Whatever graphql-ws handed to a sink's `error`, as a StudioError. */
export function subscriptionError(e: unknown, wsUrl: string): StudioError {
  if (e instanceof StudioError) return e;
  if (Array.isArray(e)) return new StudioError(e as GraphQLFormattedError[]);
  const code = closeCode(e);
  const reason =
    e && typeof e === 'object' && 'reason' in e && typeof e.reason === 'string' ? e.reason : '';
  if (code === 4403 || code === 4401) {
    return StudioError.of(
      'UNAUTHENTICATED',
      `The server refused the token for ${wsUrl} (${reason || `closed ${code}`}); a fresh token from the token function was refused too, or the token is a fixed string.`,
      { closeCode: code },
      { cause: e },
    );
  }
  if (code !== undefined && code >= 4000) {
    return StudioError.of(
      'NETWORK_ERROR',
      `${wsUrl} closed the connection: ${reason || code}`,
      { url: wsUrl, closeCode: code },
      { cause: e },
    );
  }
  const what =
    code === undefined
      ? `Could not open a WebSocket to ${wsUrl}`
      : `The WebSocket to ${wsUrl} closed (${code}${reason ? ` ${reason}` : ''}) and could not be reopened`;
  return networkError(wsUrl, what, { cause: e instanceof Error ? e : undefined });
}
