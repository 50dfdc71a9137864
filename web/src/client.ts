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
