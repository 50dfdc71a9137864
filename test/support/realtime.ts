/** Real clients for subscriptions: graphql-ws over a real WebSocket, graphql-sse over HTTP. */

import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode } from 'graphql';
import { createClient as createSseClient } from 'graphql-sse';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { EventBackbone } from '../../src/events/backbone';
import { MemoryBackbone } from '../../src/events/memory-backbone';
import { NatsBackbone } from '../../src/events/nats-backbone';
import { queryText, type Untyped, type Variables } from './kit';

export interface Collected<T> {
  items: T[];
  /** Resolves once `n` items have arrived (or rejects after `ms`). */
  take(n: number, ms?: number): Promise<T[]>;
  error: unknown;
  /** Stops the subscription. */
  stop(): void;
}

function collector<T>(): Collected<T> & { push(v: T): void; fail(e: unknown): void } {
  const waiters: { n: number; resolve: (v: T[]) => void }[] = [];
  const c = {
    items: [] as T[],
    error: undefined as unknown,
    stop: () => {},
    push(v: T) {
      c.items.push(v);
      for (const w of [...waiters]) {
        if (c.items.length >= w.n) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(c.items.slice(0, w.n));
        }
      }
    },
    fail(e: unknown) {
      c.error = e;
    },
    take(n: number, ms = 10_000) {
      if (c.items.length >= n) return Promise.resolve(c.items.slice(0, n));
      return new Promise<T[]>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`got ${c.items.length} of ${n} items; error: ${JSON.stringify(c.error)}`),
            ),
          ms,
        );
        waiters.push({
          n,
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
        });
      });
    },
  };
  return c;
}

export function wsUrl(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/graphql`;
}

/** A graphql-ws client authenticating in connection_init, as the SDK does. */
export function wsClient(
  httpUrl: string,
  token: string | null,
  extra: { lazy?: boolean } = {},
): Client {
  return createClient({
    url: wsUrl(httpUrl),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: extra.lazy ?? true,
    retryAttempts: 0,
  });
}

/** Subscribes and collects `data` payloads (or the first error). */
export function subscribeWs<R, V extends Variables>(
  client: Client,
  document: TypedDocumentNode<R, V>,
  variables?: V,
): Collected<R>;
export function subscribeWs<T = Untyped>(
  client: Client,
  query: string,
  variables?: Variables,
): Collected<T>;
export function subscribeWs(
  client: Client,
  query: string | DocumentNode,
  variables: Variables = {},
): Collected<unknown> {
  const c = collector<unknown>();
  c.stop = client.subscribe(
    { query: queryText(query), variables },
    {
      next: (r) => (r.errors ? c.fail(r.errors) : c.push(r.data)),
      error: (e) => c.fail(e),
      complete: () => {},
    },
  );
  return c;
}

/** The same over Server-Sent Events with the graphql-sse client (distinct connections mode). */
export function subscribeSse<R, V extends Variables>(
  httpUrl: string,
  token: string,
  document: TypedDocumentNode<R, V>,
  variables?: V,
): Collected<R>;
export function subscribeSse<T = Untyped>(
  httpUrl: string,
  token: string,
  query: string,
  variables?: Variables,
): Collected<T>;
export function subscribeSse(
  httpUrl: string,
  token: string,
  query: string | DocumentNode,
  variables: Variables = {},
): Collected<unknown> {
  const client = createSseClient({
    url: `${httpUrl}/graphql`,
    headers: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const c = collector<unknown>();
  const stop = client.subscribe(
    { query: queryText(query), variables },
    {
      next: (r) => (r.errors ? c.fail(r.errors) : c.push(r.data)),
      error: (e) => c.fail(e),
      complete: () => {},
    },
  );
  c.stop = () => {
    stop();
    client.dispose();
  };
  return c;
}

/** Waits until `check` passes or `ms` elapse. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 10_000,
): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met in time');
}

/** The user id (`sub`) a token carries. */
export const subOf = (token: string): string =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;

/**
 * Waits until the server holds `k` subscriptions of the token's user, so that what is written
 * next is theirs to see.
 */
export function subscribedOn(
  events: { subscriptionCount(userId?: string): number },
  token: string,
  k = 1,
): Promise<void> {
  const sub = subOf(token);
  return eventually(() => events.subscriptionCount(sub) >= k);
}

/** The `extensions.code` of the first GraphQL error a subscription failed with, if any. */
export function subscriptionErrorCode(error: unknown): unknown {
  if (!Array.isArray(error)) return undefined;
  const [first] = error as { extensions?: { code?: unknown } }[];
  return first?.extensions?.code;
}

/** Drops every event the backbone retains so far, as a retention limit would. */
export async function purgeRetained(events: EventBackbone): Promise<void> {
  if (events instanceof MemoryBackbone) {
    events.purgeThrough(Number.MAX_SAFE_INTEGER);
    return;
  }
  if (!(events instanceof NatsBackbone)) throw new Error('unknown backbone');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const jsm = await jetstreamManager(events.connection);
  await jsm.streams.purge(events.stream);
}
