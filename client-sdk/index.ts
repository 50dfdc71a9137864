/**
 * A framework-free client for the Studio API: typed queries and mutations over HTTP, and
 * subscriptions over graphql-ws that reconnect and resume from the last cursor they saw.
 *
 * Every call takes one of the generated documents in `./generated`, so results and variables
 * are typed by the operation.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type GraphQLFormattedError, Kind, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';

export * from './generated/graphql';

/** Variables are optional when the operation has no required ones. */
export type VariablesArg<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

export interface StudioClientOptions {
  /** The GraphQL endpoint over HTTP, such as `https://api.example.com/graphql`. */
  url: string;
  /** Defaults to `url` with `http` replaced by `ws`. */
  wsUrl?: string;
  /** A bearer token, or a function returning the current one (called per request / connect). */
  token: string | (() => string | Promise<string>);
  /** A WebSocket implementation where there is no global one (such as `ws` on Node). */
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
}

/** A GraphQL, HTTP or connection error; `code` is the first error's `extensions.code`. */
export class StudioError extends Error {
  readonly code: string | undefined;
  readonly extensions: Record<string, unknown>;
  readonly errors: readonly GraphQLFormattedError[];
  readonly status: number | undefined;

  constructor(
    errors: readonly GraphQLFormattedError[],
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(errors.map((e) => e.message).join('; ') || 'request failed', { cause: options.cause });
    this.name = 'StudioError';
    this.errors = errors;
    this.extensions = (errors[0]?.extensions as Record<string, unknown> | undefined) ?? {};
    this.code = typeof this.extensions.code === 'string' ? this.extensions.code : undefined;
    this.status = options.status;
  }
}

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
  /** Returns a function that stops the subscription. */
  subscribe<T, V extends Record<string, unknown>>(
    document: TypedDocumentNode<T, V>,
    variables: V,
    handlers: SubscriptionHandlers<T>,
  ): () => void;
  /** The underlying graphql-ws client (for urql or Apollo links, say). */
  readonly ws: Client;
  dispose(): Promise<void>;
}

// Close codes after which reconnecting cannot help (bad request, unauthorized, forbidden...).
const FATAL_CLOSE = new Set([4400, 4401, 4403, 4406, 4409, 4429]);

function closeCode(e: unknown): number | undefined {
  return e && typeof e === 'object' && 'code' in e && typeof e.code === 'number'
    ? e.code
    : undefined;
}

function toStudioError(e: unknown): StudioError {
  if (e instanceof StudioError) return e;
  if (Array.isArray(e)) return new StudioError(e as GraphQLFormattedError[]);
  const code = closeCode(e);
  const reason =
    e && typeof e === 'object' && 'reason' in e && typeof e.reason === 'string' ? e.reason : '';
  const message = e instanceof Error ? e.message : reason || `connection closed (${code ?? '?'})`;
  return new StudioError([{ message, extensions: { code: 'CONNECTION', closeCode: code } }], {
    cause: e,
  });
}

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

export function createStudioClient(options: StudioClientOptions): StudioClient {
  const getToken = async () =>
    typeof options.token === 'function' ? await options.token() : options.token;
  const doFetch = options.fetch ?? globalThis.fetch;

  const ws = createClient({
    url: options.wsUrl ?? options.url.replace(/^http/, 'ws'),
    webSocketImpl: options.webSocketImpl,
    lazy: true,
    connectionParams: async () => ({ authorization: `Bearer ${await getToken()}` }),
    retryAttempts: options.retryAttempts ?? 10,
    shouldRetry: (e) => !FATAL_CLOSE.has(closeCode(e) ?? 0),
  });

  async function request<T>(document: TypedDocumentNode<T, never>, variables: unknown): Promise<T> {
    const res = await doFetch(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `Bearer ${await getToken()}`,
      },
      body: JSON.stringify({
        ...operationPayload(document, options.persisted ?? false),
        variables: variables ?? {},
      }),
    });
    let body: { data?: T | null; errors?: GraphQLFormattedError[] };
    try {
      body = (await res.json()) as typeof body;
    } catch (cause) {
      throw new StudioError(
        [{ message: `HTTP ${res.status}`, extensions: { code: `HTTP_${res.status}` } }],
        { status: res.status, cause },
      );
    }
    if (body.errors?.length) throw new StudioError(body.errors, { status: res.status });
    if (body.data == null) {
      throw new StudioError(
        [
          {
            message: `HTTP ${res.status} without data`,
            extensions: { code: `HTTP_${res.status}` },
          },
        ],
        { status: res.status },
      );
    }
    return body.data;
  }

  return {
    ws,
    query: (document, ...variables) => request(document as never, variables[0]),
    mutate: (document, ...variables) => request(document as never, variables[0]),
    subscribe(document, variables, handlers) {
      const resumable = hasVariable(document as never, 'after');
      // graphql-ws sends this payload again on every reconnect: keeping `after` current in it
      // resumes the subscription right after the last delivery it saw.
      const payload = {
        ...operationPayload(document as never, options.persisted ?? false),
        variables: { ...variables } as Record<string, unknown>,
      };
      return ws.subscribe<never>(payload, {
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
        error: (e) => handlers.error?.(toStudioError(e)),
        complete: () => handlers.complete?.(),
      });
    },
    dispose: async () => {
      await ws.dispose();
    },
  };
}
