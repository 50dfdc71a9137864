/**
 * Subscriptions over Apollo's multipart HTTP protocol, which Apollo Client (web, 3.7+), Apollo
 * Kotlin and Apollo iOS speak when a subscription goes over HTTP: the request is an ordinary
 * GraphQL POST (or GET) with `Accept: multipart/mixed;subscriptionSpec=1.0`, and the answer one
 * long `multipart/mixed; boundary="graphql"` response with a JSON part per event, each wrapped as
 * `{"payload": <result>}`. A `{}` part is a heartbeat, sent at once and every `heartbeatMs`, so
 * that proxies and mobile networks keep the connection open. A failure of the stream itself (not
 * a GraphQL error of one event, which stays inside its payload) is the part
 * `{"payload": null, "errors": [...]}`, after which the response ends; so is the expiry of the
 * caller's token, as a WebSocket is closed when its token expires.
 *
 * Yoga has its own multipart answer (for incremental delivery of queries: boundary `-`, no
 * `payload` wrapping) and none for subscriptions; this plugin only takes over requests whose
 * Accept names `subscriptionSpec`. Everything before the answer is shared with the other
 * transports: the HTTP server's rate limits, the token, the query limits, the per-user
 * subscription slots, which are given back when the client goes away (the stream is cancelled
 * and the subscription's iterator returned).
 */
import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors';
import type { Context } from '../graphql/context';

const MULTIPART_BOUNDARY = 'graphql';
const MULTIPART_CONTENT_TYPE = `multipart/mixed;boundary="${MULTIPART_BOUNDARY}";subscriptionSpec="1.0"`;

/** Node's timers hold at most 2^31-1 ms; longer waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface MultipartSubscriptionOptions {
  /** Milliseconds between heartbeats (`{}` parts). Default 5000, as Apollo's router sends them. */
  heartbeatMs?: number;
  /** Masks an error the stream itself throws, as Yoga masks resolver errors. */
  maskError: (error: unknown, message: string) => Error;
}

/** The media types of an Accept header, with their parameters. */
function acceptEntries(request: Request): { type: string; params: string[] }[] {
  return (request.headers.get('accept') ?? '')
    .toLowerCase()
    .split(',')
    .map((entry) => {
      const [type = '', ...params] = entry.split(';').map((part) => part.trim());
      return { type, params };
    });
}

/** The request asks for Apollo's multipart subscription protocol. */
function wantsMultipartSubscription(request: Request): boolean {
  return acceptEntries(request).some(
    (e) => e.type === 'multipart/mixed' && e.params.some((p) => p.startsWith('subscriptionspec=')),
  );
}

const JSON_TYPES = new Set([
  'application/json',
  'application/graphql-response+json',
  'application/*',
  '*/*',
]);
const acceptsJson = (request: Request) =>
  acceptEntries(request).some((e) => JSON_TYPES.has(e.type));

const isAsyncIterable = (value: unknown): value is AsyncIterable<ExecutionResult> =>
  typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === 'function';

type JsonError = { message: string; extensions?: Record<string, unknown> };

/** An error as clients see it: its JSON form without the `http` hints meant for this server. */
function plainError(error: unknown): JsonError {
  const json = (
    typeof (error as { toJSON?: unknown })?.toJSON === 'function'
      ? (error as { toJSON(): JsonError }).toJSON()
      : { message: (error as Error)?.message ?? String(error) }
  ) as JsonError;
  const { http: _http, unexpected: _unexpected, ...extensions } = json.extensions ?? {};
  return { ...json, extensions: Object.keys(extensions).length > 0 ? extensions : undefined };
}

function plainResult(result: ExecutionResult): ExecutionResult {
  const { http: _http, ...extensions } = (result.extensions ?? {}) as Record<string, unknown>;
  return {
    ...result,
    errors: result.errors?.map(plainError) as ExecutionResult['errors'],
    extensions: Object.keys(extensions).length > 0 ? extensions : undefined,
  };
}

const part = (json: string) =>
  `\r\nContent-Type: application/json\r\n\r\n${json}\r\n--${MULTIPART_BOUNDARY}`;

/**
 * The multipart answer: the opening boundary, then each part followed by a boundary (a client
 * reads a part once the boundary after it arrives), then the closing `--`.
 */
function multipartResponse(
  result: ExecutionResult | AsyncIterable<ExecutionResult>,
  fetchAPI: { ReadableStream: typeof ReadableStream; Response: typeof Response },
  options: Required<MultipartSubscriptionOptions>,
  expiresAtMs: number | undefined,
): Response {
  const encoder = new TextEncoder();
  const iterator = isAsyncIterable(result)
    ? result[Symbol.asyncIterator]()
    : ([result] as ExecutionResult[])[Symbol.iterator]();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let heartbeat: NodeJS.Timeout | undefined;
  let expiry: NodeJS.Timeout | undefined;
  let ended = false;
  const send = (text: string) => {
    if (!ended) controller.enqueue(encoder.encode(text));
  };
  const end = () => {
    if (ended) return;
    send('--\r\n');
    ended = true;
    clearInterval(heartbeat);
    clearTimeout(expiry);
    controller.close();
  };
  /** A transport error: the last part, then the end; the subscription is released. */
  const fail = (errors: JsonError[]) => {
    send(part(JSON.stringify({ payload: null, errors })));
    end();
    void iterator.return?.();
  };
  const armExpiry = (atMs: number) => {
    const left = atMs - Date.now();
    if (left <= 0) {
      fail([{ message: 'Token expired', extensions: { code: ErrorCode.UNAUTHENTICATED } }]);
      return;
    }
    expiry = setTimeout(() => armExpiry(atMs), Math.min(left, MAX_TIMER_MS));
  };
  const stream = new fetchAPI.ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      send(`\r\n--${MULTIPART_BOUNDARY}`);
      send(part('{}'));
      heartbeat = setInterval(() => send(part('{}')), options.heartbeatMs);
      if (expiresAtMs !== undefined) armExpiry(expiresAtMs);
    },
    async pull() {
      try {
        const next = await iterator.next();
        if (next.done) end();
        else send(part(JSON.stringify({ payload: plainResult(next.value) })));
      } catch (error) {
        if (!ended) fail([plainError(options.maskError(error, 'Unexpected error.'))]);
      }
    },
    async cancel() {
      ended = true;
      clearInterval(heartbeat);
      clearTimeout(expiry);
      await iterator.return?.();
    },
  });
  return new fetchAPI.Response(stream, {
    status: 200,
    headers: {
      'content-type': MULTIPART_CONTENT_TYPE,
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    },
  });
}

/**
 * Answers requests that accept Apollo's multipart subscription protocol with it. A single result
 * (a query, or a subscription refused before it starts: no token, over the cap) goes out as
 * plain JSON with its HTTP status when the client accepts JSON, as Apollo's clients do, and as
 * one `payload` part otherwise.
 */
export function useMultipartSubscriptions(options: MultipartSubscriptionOptions): Plugin {
  const settings = { heartbeatMs: 5000, ...options };
  const expiries = new WeakMap<Request, number>();
  return {
    onSubscribe({ args }) {
      const { request, principal } = args.contextValue as Partial<Context> & { request?: Request };
      if (request && principal) expiries.set(request, principal.expiresAt * 1000);
    },
    onResultProcess({ request, result, resultProcessor, setResultProcessor }) {
      if (!wantsMultipartSubscription(request)) {
        // A subscription no processor can carry (say `Accept: text/html`) is answered 406 by
        // Yoga, which leaves it open: release it, or it would hold a slot of the user's cap.
        if (isAsyncIterable(result) && !resultProcessor) {
          void result[Symbol.asyncIterator]().return?.();
        }
        return;
      }
      if (!isAsyncIterable(result) && acceptsJson(request)) return;
      setResultProcessor(
        (value, fetchAPI) =>
          multipartResponse(
            value as ExecutionResult | AsyncIterable<ExecutionResult>,
            fetchAPI,
            settings,
            expiries.get(request),
          ),
        'multipart/mixed',
      );
    },
  };
}
