/** The generated documents with urql (no UI framework): HTTP for queries, graphql-ws for the rest. */
import { Client, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { BlobDerivedDocument, CreateBlobDocument, MeDocument } from '../generated/graphql';

export function createUrqlClient(url: string, token: string, webSocketImpl?: unknown): Client {
  const ws = createWsClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  return new Client({
    url,
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({
            unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink),
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
      input: { schemaId: 'text-input-v1', data: { content: 'Once upon a time.' } },
    })
    .toPromise();
  const parentId = created.data?.createBlob.id;
  const { unsubscribe } = client
    .subscription(BlobDerivedDocument, { parentId })
    .subscribe((result) => console.log(result.data?.blobDerived.blob?.data));
  setTimeout(unsubscribe, 60_000);
}
