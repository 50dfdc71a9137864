/**
 * The Studio's urql client: queries and mutations over HTTP to this origin's /graphql, and
 * subscriptions over the SDK's graphql-ws client (which reconnects and resumes). No document
 * cache: every screen asks the server, so what it shows is what is stored.
 */
import { createStudioClient, type StudioClient } from '@reyna-studio/sdk';
import { Client, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { codeOf } from './errors';
import { reportConnection } from './live';

export interface StudioUrql {
  client: Client;
  /** The SDK client under it, for subscriptions that resume (`useLiveSubscription`). */
  studio: StudioClient;
  dispose(): void;
}

/** How many times a refused (429) request is asked again, and the longest wait between. */
const RATE_LIMIT_RETRIES = 3;
const RATE_LIMIT_MAX_WAIT_MS = 5000;

/**
 * `fetch`, patient with a 429: over a rate limit or the event-loop budget the server refuses a
 * request before running any of it, so asking again after the `Retry-After` it names is safe for
 * mutations too. A short burst (a save and the refetches it starts) then costs a second, not an
 * error screen that replaces the editor.
 */
export async function patientFetch(
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(input, init);
    if (res.status !== 429 || attempt >= RATE_LIMIT_RETRIES || init?.signal?.aborted) return res;
    const seconds = Number(res.headers.get('retry-after'));
    const wait = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
    await new Promise((r) => setTimeout(r, Math.min(wait, RATE_LIMIT_MAX_WAIT_MS)));
  }
}

/**
 * A client for one token (a new token gets a new client). `onUnauthenticated` hears the token this
 * client was refused with, so a late refusal of a replaced token can be told apart.
 */
export function createUrql(token: string, onUnauthenticated: (token: string) => void): StudioUrql {
  const url = `${window.location.origin}/graphql`;
  // The Studio never gives up reconnecting: the banner says it is offline meanwhile.
  const studio = createStudioClient({
    url,
    token,
    retryAttempts: Number.POSITIVE_INFINITY,
    onConnection: reportConnection,
  });
  // A browser that goes offline may keep a dead socket open for minutes: drop it at once, so
  // the subscriptions resume as soon as the network is back.
  const dropSocket = () => studio.ws.terminate();
  window.addEventListener('offline', dropSocket);
  const client = new Client({
    url,
    preferGetMethod: false,
    fetch: patientFetch,
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
    exchanges: [
      mapExchange({
        onError(error) {
          if (codeOf(error) === 'UNAUTHENTICATED') onUnauthenticated(token);
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: studio.ws.subscribe(
              { ...request, query: request.query ?? '' },
              {
                next: (value) => sink.next(value as never),
                error: (error) => {
                  // graphql-ws closes with 4403 for a refused or expired token.
                  if ((error as { code?: number })?.code === 4403) onUnauthenticated(token);
                  sink.error(error as Error);
                },
                complete: () => sink.complete(),
              },
            ),
          }),
        }),
      }),
    ],
  });
  return {
    client,
    studio,
    dispose: () => {
      window.removeEventListener('offline', dropSocket);
      void studio.dispose();
    },
  };
}
