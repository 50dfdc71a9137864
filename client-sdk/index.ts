/**
 * A framework-free client for the Studio API: typed queries and mutations over HTTP, and
 * subscriptions over graphql-ws that reconnect (with a fresh token) and resume from the last
 * cursor they saw. Every call throws one kind of error, `StudioError`.
 *
 * Every call takes one of the generated documents in `./generated`, so results and variables
 * are typed by the operation.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type GraphQLFormattedError, Kind, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { download, type StudioDownload } from './download.js';
import { closeCode, networkError, StudioError, subscriptionError } from './errors.js';

export * from './content.js';
export { fileNameOf, type StudioDownload } from './download.js';
export { type SdkErrorCode, StudioError, type StudioErrorOptions } from './errors.js';
export * from './generated/graphql.js';

/** Variables are optional when the operation has no required ones. */
export type VariablesArg<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

export interface StudioClientOptions {
  /** The GraphQL endpoint over HTTP, such as `https://api.example.com/graphql`. */
  url: string;
  /** Defaults to `url` with `http` replaced by `ws`. */
  wsUrl?: string;
  /**
   * A bearer token, or a function returning the current one. A function is called for every
   * HTTP request and every time the WebSocket (re)connects, so it can hand out a refreshed token.
   */
  token: string | (() => string | Promise<string>);
  /**
   * A WebSocket implementation where there is no global one (such as `ws` on Node 20). Only
   * needed for subscriptions: the WebSocket client is created on the first subscription.
   */
  webSocketImpl?: unknown;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** How many times to reconnect in a row before failing subscriptions (default 10). */
  retryAttempts?: number;
  /**
   * Send each operation's sha256 hash (from the generated manifest) instead of its text: smaller
   * requests, and what a server in allowlist mode (REYNA_PERSISTED_ONLY) requires. Default false.
   */
  persisted?: boolean;
  /**
   * Hears the WebSocket's life: `connecting` (again after a drop when `retry`), `connected`, and
   * `closed` with its close code (1000 is a normal close, such as the lazy close when no
   * subscription is left; anything else is a drop that is retried). A throwing listener is
   * ignored.
   */
  onConnection?: (event: ConnectionEvent) => void;
}

/** What `onConnection` hears. */
export type ConnectionEvent =
  | { type: 'connecting'; retry: boolean }
  | { type: 'connected'; retry: boolean }
  | { type: 'closed'; code: number | undefined };

/** The longest wait between two reconnection attempts. */
const MAX_RETRY_WAIT_MS = 15_000;

export interface SubscriptionHandlers<T> {
  /** Each delivery, RESET ones included (refetch what you show, then continue). */
  next(data: T): void;
  error?(error: StudioError): void;
  complete?(): void;
}

export interface StudioClient {
  query<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V>,
    ...variables: VariablesArg<V>
  ): Promise<T>;
  mutate<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V>,
    ...variables: VariablesArg<V>
  ): Promise<T>;
  /**
   * Returns a function that stops the subscription. Throws a StudioError (`NO_WEBSOCKET`) when
   * there is no WebSocket implementation; every later failure reaches `handlers.error`.
   */
  subscribe<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V>,
    variables: V,
    handlers: SubscriptionHandlers<T>,
  ): () => void;
  /**
   * Fetches a file a processor exported (its `url` in a compiled book's `formats` or a pitch's
   * `exports`, absolute or relative to `url`) with the token: its bytes and file name.
   */
  download(fileUrl: string): Promise<StudioDownload>;
  /** The underlying graphql-ws client (for urql or Apollo links, say), created on first use. */
  readonly ws: Client;
  dispose(): Promise<void>;
}

// Close codes after which reconnecting cannot help (bad request, unauthorized, duplicate...).
// 4403 (a refused or expired token) is retried once with a fresh token from a token function.
const FATAL_CLOSE = new Set([4400, 4401, 4406, 4409, 4429]);
const FORBIDDEN = 4403;

function hasVariable(document: TypedDocumentNode<unknown, never>, name: string): boolean {
  return document.definitions.some(
    (d) =>
      d.kind === Kind.OPERATION_DEFINITION &&
      (d.variableDefinitions ?? []).some((v) => v.variable.name.value === name),
  );
}

/** The `cursor` of a subscription payload's root field, if it has one. */
function cursorOf(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  for (const value of Object.values(data)) {
    if (value && typeof value === 'object' && 'cursor' in value) {
      const cursor = (value as { cursor: unknown }).cursor;
      if (typeof cursor === 'string') return cursor;
    }
  }
  return undefined;
}

/** The hash codegen embedded in a generated document (`__meta__.hash`), if any. */
export function persistedHashOf(document: unknown): string | undefined {
  const meta = (document as { __meta__?: { hash?: unknown } }).__meta__;
  return typeof meta?.hash === 'string' ? meta.hash : undefined;
}

/** The operation as sent: its text, or (persisted) an empty text and its hash. */
function operationPayload(
  document: TypedDocumentNode<unknown, never>,
  persisted: boolean,
): { query: string; extensions?: Record<string, unknown> } {
  const hash = persisted ? persistedHashOf(document) : undefined;
  if (hash === undefined) return { query: print(document) };
  return { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: hash } } };
}

type GraphQLBody<T> = { data?: T | null; errors?: GraphQLFormattedError[] };

/** A GraphQL response body, or undefined for anything else (an HTML 404 page, say). */
async function graphqlBody<T>(res: Response): Promise<GraphQLBody<T> | undefined> {
  if (!/json/i.test(res.headers.get('content-type') ?? '')) return undefined;
  try {
    const body = (await res.json()) as unknown;
    if (body && typeof body === 'object' && ('data' in body || 'errors' in body)) {
      return body as GraphQLBody<T>;
    }
  } catch {
    // not JSON after all
  }
  return undefined;
}

export function createStudioClient(options: StudioClientOptions): StudioClient {
  const getToken = async () =>
    typeof options.token === 'function' ? await options.token() : options.token;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const url = options.url;
  const wsUrl = options.wsUrl ?? url.replace(/^http/, 'ws');
  const persisted = options.persisted ?? false;

  let wsClient: Client | undefined;
  const tell = (event: ConnectionEvent) => {
    try {
      options.onConnection?.(event);
    } catch {
      // a listener's failure is not the connection's
    }
  };
  // 4403 closes since the last accepted connection: a fresh token gets one more try.
  let refusals = 0;
  let lastClose: number | undefined;
  // The browser came back online since the last connection was accepted. An attempt made while it
  // was offline fails after that, and the next one then starts at once, not after the backoff
  // (the wait below also ends when the browser comes online, but only if it is waiting then).
  let cameOnline = false;
  const onOnline = () => {
    cameOnline = true;
  };
  globalThis.addEventListener?.('online', onOnline);

  function ws(): Client {
    if (wsClient) return wsClient;
    try {
      wsClient = createClient({
        url: wsUrl,
        webSocketImpl: options.webSocketImpl,
        lazy: true,
        connectionParams: async () => ({ authorization: `Bearer ${await getToken()}` }),
        retryAttempts: options.retryAttempts ?? 10,
        shouldRetry: (e) => {
          const code = closeCode(e);
          if (code === FORBIDDEN) return typeof options.token === 'function' && ++refusals <= 1;
          return !FATAL_CLOSE.has(code ?? 0);
        },
        // A token that expired is replaced at once; anything else backs off as graphql-ws does
        // (capped at MAX_RETRY_WAIT_MS), and a browser that comes back online retries at once.
        retryWait: async (retries) => {
          if (cameOnline && lastClose !== FORBIDDEN) {
            cameOnline = false;
            return;
          }
          const ms =
            lastClose === FORBIDDEN
              ? 50
              : Math.min(
                  MAX_RETRY_WAIT_MS,
                  1000 * 2 ** retries + Math.floor(300 + Math.random() * 2700),
                );
          await new Promise<void>((resolve) => {
            const done = () => {
              clearTimeout(timer);
              globalThis.removeEventListener?.('online', done);
              // The attempt that follows is made online.
              cameOnline = false;
              resolve();
            };
            const timer = setTimeout(done, ms);
            globalThis.addEventListener?.('online', done);
          });
        },
        on: {
          connecting: (retry) => tell({ type: 'connecting', retry }),
          connected: (_socket, _payload, retry) => {
            refusals = 0;
            cameOnline = false;
            tell({ type: 'connected', retry });
          },
          closed: (e) => {
            lastClose = closeCode(e);
            tell({ type: 'closed', code: lastClose });
          },
        },
      });
    } catch (cause) {
      throw StudioError.of(
        'NO_WEBSOCKET',
        'No WebSocket implementation for subscriptions: pass webSocketImpl (on Node 20: `import WebSocket from "ws"`).',
        {},
        { cause },
      );
    }
    return wsClient;
  }

  async function post<T>(
    document: TypedDocumentNode<T, never>,
    variables: unknown,
    fresh?: string,
  ): Promise<T> {
    const token = fresh ?? (await getToken());
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({
          ...operationPayload(document, persisted),
          variables: variables ?? {},
        }),
      });
    } catch (cause) {
      throw networkError(url, `Could not reach ${url}`, { cause });
    }
    const body = await graphqlBody<T>(res);
    if (!body) {
      const type = res.headers.get('content-type') || 'no content type';
      throw networkError(
        url,
        `${url} answered HTTP ${res.status} (${type}), not a GraphQL response`,
        {
          status: res.status,
        },
      );
    }
    if (body.errors?.length) {
      const error = new StudioError(body.errors, { status: res.status });
      // A token function may have a fresher token than the one just refused: one more try.
      if (error.code === 'UNAUTHENTICATED' && !fresh && typeof options.token === 'function') {
        const next = await getToken();
        if (next !== token) return post(document, variables, next);
      }
      throw error;
    }
    if (body.data == null) {
      throw StudioError.of(
        'UNKNOWN',
        `HTTP ${res.status} without data from ${url}`,
        {},
        {
          status: res.status,
        },
      );
    }
    return body.data;
  }

  return {
    get ws() {
      return ws();
    },
    query: (document, ...variables) => post(document as never, variables[0]),
    mutate: (document, ...variables) => post(document as never, variables[0]),
    subscribe(document, variables, handlers) {
      const client = ws();
      const resumable = hasVariable(document as never, 'after');
      // graphql-ws sends this payload again on every reconnect: keeping `after` current in it
      // resumes the subscription right after the last delivery it saw.
      const payload = {
        ...operationPayload(document as never, persisted),
        variables: { ...variables } as Record<string, unknown>,
      };
      return client.subscribe<never>(payload, {
        next(result) {
          if (result.errors?.length) {
            handlers.error?.(new StudioError(result.errors));
            return;
          }
          if (result.data == null) return;
          const cursor = resumable ? cursorOf(result.data) : undefined;
          if (cursor !== undefined) payload.variables.after = cursor;
          handlers.next(result.data);
        },
        error: (e) => handlers.error?.(subscriptionError(e, wsUrl)),
        complete: () => handlers.complete?.(),
      });
    },
    download: async (fileUrl) => download(fileUrl, url, await getToken(), doFetch),
    dispose: async () => {
      globalThis.removeEventListener?.('online', onOnline);
      await wsClient?.dispose();
    },
  };
}
