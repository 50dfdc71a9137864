/**
 * The generated documents with urql (no UI framework): HTTP for queries and mutations, and the
 * SDK's graphql-ws client for subscriptions (it asks `token` again on every reconnect).
 */
import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import {
  BlobDerivedDocument,
  CreateBlobDocument,
  content,
  createStudioClient,
  dataOf,
  MeDocument,
} from '../index';

export function createUrqlClient(
  url: string,
  token: () => string,
  webSocketImpl?: unknown,
): Client {
  const studio = createStudioClient({ url, token, webSocketImpl });
  return new Client({
    url,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${token()}` } }),
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: studio.ws.subscribe({ ...request, query: request.query ?? '' }, sink),
          }),
        }),
      }),
    ],
  });
}

export async function example(client: Client): Promise<void> {
  const me = await client.query(MeDocument, {}).toPromise();
  console.log(me.data?.me.userId, me.error?.graphQLErrors[0]?.extensions.code);
  const created = await client
    .mutation(CreateBlobDocument, {
      input: content('text-input-v1', { content: 'Once upon a time.' }),
    })
    .toPromise();
  const parentId = created.data?.createBlob.id;
  const { unsubscribe } = client
    .subscription(BlobDerivedDocument, { parentId })
    .subscribe((result) =>
      console.log(dataOf(result.data?.blobDerived.blob, 'expanded-text-v1')?.expanded),
    );
  setTimeout(unsubscribe, 60_000);
}
