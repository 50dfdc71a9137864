/**
 * The Studio's one urql client: queries and mutations over HTTP to this origin's /graphql, and
 * subscriptions over the SDK's graphql-ws client (which asks for the token again on every
 * reconnect). No document cache: every screen asks the server, so what it shows is what is stored.
 */
import { createStudioClient } from '@reyna-studio/sdk';
import { Client, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { codeOf } from './errors';

export interface StudioUrql {
  client: Client;
  dispose(): void;
}

export function createUrql(token: () => string | null, onUnauthenticated: () => void): StudioUrql {
  const url = `${window.location.origin}/graphql`;
  const studio = createStudioClient({ url, token: () => token() ?? '' });
  const client = new Client({
    url,
    preferGetMethod: false,
    fetchOptions: () => {
      const current = token();
      const headers: Record<string, string> = current ? { authorization: `Bearer ${current}` } : {};
      return { headers };
    },
    exchanges: [
      mapExchange({
        onError(error) {
          if (codeOf(error) === 'UNAUTHENTICATED') onUnauthenticated();
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
                  if ((error as { code?: number })?.code === 4403) onUnauthenticated();
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
  return { client, dispose: () => void studio.dispose() };
}
