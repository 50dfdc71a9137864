/** The generated documents with Apollo Client's core (no React): HttpLink plus GraphQLWsLink. */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client/core';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { createClient as createWsClient } from 'graphql-ws';
import { BlobDerivedDocument, CreateBlobDocument, MeDocument } from '../generated/graphql';

export function createApolloClient(url: string, token: string, webSocketImpl?: unknown) {
  const http = new HttpLink({ uri: url, headers: { authorization: `Bearer ${token}` } });
  const ws = new GraphQLWsLink(
    createWsClient({
      url: url.replace(/^http/, 'ws'),
      webSocketImpl,
      connectionParams: { authorization: `Bearer ${token}` },
    }),
  );
  const link = ApolloLink.split(
    ({ query }) => {
      const def = getMainDefinition(query);
      return def.kind === 'OperationDefinition' && def.operation === 'subscription';
    },
    ws,
    http,
  );
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

export async function example(client: ApolloClient): Promise<void> {
  const me = await client.query({ query: MeDocument, fetchPolicy: 'network-only' });
  console.log(me.data?.me.userId);
  const created = await client.mutate({
    mutation: CreateBlobDocument,
    variables: { input: { schemaId: 'text-input-v1', data: { content: 'Once upon a time.' } } },
  });
  const parentId = created.data?.createBlob.id;
  const sub = client
    .subscribe({ query: BlobDerivedDocument, variables: { parentId } })
    .subscribe(({ data }) => console.log(data?.blobDerived.blob?.data));
  setTimeout(() => sub.unsubscribe(), 60_000);
}
