/**
 * The Studio's urql client: queries and mutations over HTTP to this origin's /graphql, and
 * subscriptions over the SDK's graphql-ws client (which reconnects and resumes). No document
 * cache: every screen asks the server, so what it shows is what is stored.
 */
import { createStudioClient, type StudioDownload } from '@reyna-studio/sdk';
import { Client, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { codeOf } from './errors';

export interface StudioUrql {
  client: Client;
  /** Fetches a file a processor exported (its `url`) with this client's token. */
  download(url: string): Promise<StudioDownload>;
  dispose(): void;
}

/**
 * A client for one token (a new token gets a new client). `onUnauthenticated` hears the token this
 * client was refused with, so a late refusal of a replaced token can be told apart.
 */
export function createUrql(token: string, onUnauthenticated: (token: string) => void): StudioUrql {
  const url = `${window.location.origin}/graphql`;
  const studio = createStudioClient({ url, token });
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
    download: (fileUrl) => studio.download(fileUrl),
    dispose: () => void studio.dispose(),
  };
}
