/**
 * The generated documents with Apollo Client's core (no React): HttpLink for queries and
 * mutations, GraphQLWsLink over the SDK's graphql-ws client (it asks `token` again on every
 * reconnect) for subscriptions.
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client/core';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import {
  BlobDerivedDocument,
  CreateBlobDocument,
  content,
  createStudioClient,
  dataOf,
  MeDocument,
} from '../index';

export function createApolloClient(url: string, token: () => string, webSocketImpl?: unknown) {
  const studio = createStudioClient({ url, token, webSocketImpl });
  // A custom fetch puts the current token on every request.
  const http = new HttpLink({
    uri: url,
    fetch: (input, init) =>
      fetch(input, {
        ...init,
        headers: {
          ...(init?.headers as Record<string, string>),
          authorization: `Bearer ${token()}`,
        },
      }),
  });
  const link = ApolloLink.split(
    ({ query }) => {
      const def = getMainDefinition(query);
      return def.kind === 'OperationDefinition' && def.operation === 'subscription';
    },
    new GraphQLWsLink(studio.ws),
    http,
  );
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

export async function example(client: ApolloClient): Promise<void> {
  const me = await client.query({ query: MeDocument, fetchPolicy: 'network-only' });
  console.log(me.data?.me.userId);
  const created = await client.mutate({
    mutation: CreateBlobDocument,
    variables: { input: content('text-input-v1', { content: 'Once upon a time.' }) },
  });
  const parentId = created.data?.createBlob.id;
  const sub = client
    .subscribe({ query: BlobDerivedDocument, variables: { parentId } })
    .subscribe(({ data }) =>
      console.log(dataOf(data?.blobDerived.blob, 'expanded-text-v1')?.expanded),
    );
  setTimeout(() => sub.unsubscribe(), 60_000);
}
