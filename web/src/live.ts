/**
 * Real time that survives the network. One store says whether the Studio is connected (the
 * WebSocket's own events and `navigator.onLine`), and `useLiveSubscription` follows a subscription
 * across drops: it remembers the last `cursor` and, when the socket is back, subscribes again with
 * `after:` so nothing is missed or repeated; a `reset: true` delivery (or a cursor the server no
 * longer knows) makes the screen refetch what it shows.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { ConnectionEvent, StudioClient } from '@reyna-studio/sdk';
import { print } from 'graphql';
import {
  createContext,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';

// --- the connection -----------------------------------------------------------------------

export interface Connection {
  /** False while the WebSocket is down after a drop, or the browser says it is offline. */
  online: boolean;
  /** How many times the WebSocket connected again after a drop. */
  reconnections: number;
}

let socketDown = false;
let browserOnline = typeof navigator === 'undefined' ? true : navigator.onLine;
let reconnections = 0;
let snapshot: Connection = { online: true, reconnections: 0 };
const listeners = new Set<() => void>();

function publish(): void {
  const online = browserOnline && !socketDown;
  if (online === snapshot.online && reconnections === snapshot.reconnections) return;
  snapshot = { online, reconnections };
  for (const listener of listeners) listener();
}

/** What the SDK client hears from its WebSocket (`onConnection`). */
export function reportConnection(event: ConnectionEvent): void {
  if (event.type === 'connected') {
    if (socketDown || event.retry) reconnections++;
    socketDown = false;
  } else if (event.type === 'closed') {
    // 1000 is a normal close (no subscription left, or signing out): not a drop.
    socketDown = event.code !== 1000;
  }
  publish();
}

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => {
    browserOnline = true;
    publish();
  });
  window.addEventListener('offline', () => {
    browserOnline = false;
    publish();
  });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The connection as the user should know it; re-renders when it changes. */
export function useConnection(): Connection {
  return useSyncExternalStore(subscribe, () => snapshot);
}

// --- subscriptions that resume ------------------------------------------------------------

/** The SDK client of the signed-in token (App provides it beside urql's). */
export const StudioClientContext = createContext<StudioClient | null>(null);

export interface Delivery {
  /** Which subscription delivered it: a new number when the subscription started afresh (its
   * first delivery of a run then carries all the text so far), the same after a resume. */
  subscription: number;
}

export interface LiveOptions {
  pause?: boolean;
  /**
   * Subscribes afresh (no cursor) when this changes, such as a new version of what is followed.
   */
  restartKey?: string | number;
  /**
   * Resume with `after:` the last cursor (default true). `runUpdated` without `runId` resumes
   * only the cursor's run, so a subscription to many runs passes false and refetches instead.
   */
  resume?: boolean;
  /** What the screen shows is out of date (a RESET, a resubscription without cursor): refetch. */
  onStale?: () => void;
}

type Payload = { cursor?: unknown; reset?: unknown };

function rootOf(data: unknown): Payload | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const value = Object.values(data)[0];
  return value && typeof value === 'object' ? (value as Payload) : undefined;
}

/**
 * Follows a subscription; returns the state `reduce` builds from its deliveries. Across a dropped
 * connection it continues from the last cursor (graphql-ws sends the subscription again on
 * reconnect, with `after` kept current), and when the server refuses that cursor it starts again
 * without one and calls `onStale`.
 */
export function useLiveSubscription<T, V extends Record<string, unknown>, S>(
  document: TypedDocumentNode<T, V>,
  variables: V,
  options: LiveOptions,
  reduce: (previous: S | undefined, data: T, delivery: Delivery) => S,
): S | undefined {
  const studio = useContext(StudioClientContext);
  const [state, setState] = useState<S | undefined>(undefined);
  const reduceRef = useRef(reduce);
  reduceRef.current = reduce;
  const staleRef = useRef(options.onStale);
  staleRef.current = options.onStale;
  const { reconnections } = useConnection();
  const resume = options.resume ?? true;
  const key = JSON.stringify(variables);
  const counter = useRef(0);
  const followed = useRef(key);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the variables.
  useEffect(() => {
    if (followed.current !== key) {
      followed.current = key;
      setState(undefined);
    }
    if (options.pause || !studio) return;
    let stopped = false;
    let subscription = 0;
    let stop: () => void = () => {};
    const query = print(document);
    const start = (after: string | undefined) => {
      subscription = ++counter.current;
      const payload = { query, variables: { ...variables } as Record<string, unknown> };
      if (after !== undefined) payload.variables.after = after;
      stop = studio.ws.subscribe<T>(payload, {
        next(result) {
          if (stopped) return;
          if (result.errors?.length) {
            // A cursor the server no longer accepts: start again without it, and refetch.
            if (payload.variables.after !== undefined) {
              stop();
              start(undefined);
              staleRef.current?.();
            }
            return;
          }
          if (result.data == null) return;
          const root = rootOf(result.data);
          if (resume && typeof root?.cursor === 'string') payload.variables.after = root.cursor;
          if (root?.reset === true) staleRef.current?.();
          const data = result.data as T;
          setState((previous) => reduceRef.current(previous, data, { subscription }));
        },
        error(error) {
          if (stopped) return;
          if (Array.isArray(error)) {
            // Refused by the server: a cursor it no longer accepts is dropped (and the screen
            // refetched); any other refusal stands.
            if (payload.variables.after !== undefined) {
              start(undefined);
              staleRef.current?.();
            }
            return;
          }
          // The socket gave up: try again shortly.
          setTimeout(() => {
            if (!stopped) start(payload.variables.after as string | undefined);
          }, 3000);
        },
        complete() {},
      });
    };
    start(undefined);
    // Without a cursor, graphql-ws's resubscription on reconnect starts afresh.
    let reconnected = snapshot.reconnections;
    const unlisten = subscribe(() => {
      if (snapshot.reconnections === reconnected) return;
      reconnected = snapshot.reconnections;
      if (!resume) subscription = ++counter.current;
    });
    return () => {
      stopped = true;
      unlisten();
      stop();
    };
  }, [studio, document, key, options.pause, options.restartKey, resume]);

  // Back after a drop: what happened meanwhile is replayed from the cursor; without one (or for
  // what subscriptions do not carry) the screen reads what it shows again.
  const seen = useRef(reconnections);
  useEffect(() => {
    if (reconnections === seen.current) return;
    seen.current = reconnections;
    if (!options.pause) staleRef.current?.();
  }, [reconnections, options.pause]);

  return options.pause ? undefined : state;
}
