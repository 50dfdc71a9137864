/**
 * The writers of `bench:processors`: a user with a book and a `blobDerived` subscription, who
 * writes a passage and waits for its expansion. Used on the main thread (one writer, timed) and
 * on the load thread (the 8 writers of the throughput phases, see `load-thread.ts`).
 */
import http from 'node:http';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { mintToken } from '../src/auth/tokens';

export interface Expansion {
  /** createBlob sent -> blobDerived arrived, in ms. */
  total: number;
  parentId: string;
  /** performance.now() when createBlob was sent, and when it was answered. */
  start: number;
  returned: number;
}

export interface Writer {
  token: string;
  expand(content: string): Promise<Expansion>;
}

/**
 * GraphQL requests over node:http with kept-alive connections. Not fetch: each response of
 * Node's fetch is held through WeakRefs that only a full collection clears, so every young
 * collection of the thread copied finished requests along (see the README, issue 14's ninth
 * session).
 */
export function graphqlRequester(url: string) {
  const agent = new http.Agent({ keepAlive: true });
  return function gql<T>(token: string, query: string, variables: object = {}): Promise<T> {
    const payload = JSON.stringify({ query, variables });
    return new Promise((resolve, reject) => {
      const request = http.request(
        `${url}/graphql`,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('error', reject);
          res.on('end', () => {
            try {
              const body = JSON.parse(text) as { data?: T; errors?: unknown };
              if (body.data) resolve(body.data);
              else reject(new Error(JSON.stringify(body.errors)));
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  };
}

/**
 * A writer named `name` on the API at `url`: a token signed with `secret`, a book, and a
 * `blobDerived` subscription on it (its client goes into `clients`, to be disposed).
 */
export async function startWriter(
  secret: string,
  name: string,
  url: string,
  clients: Client[],
): Promise<Writer> {
  const gql = graphqlRequester(url);
  const token = await mintToken(secret, name, '1h');
  const book = await gql<{ createBook: { id: string } }>(
    token,
    'mutation { createBook(input: { title: "Bench" }) { id } }',
  );
  const bookId = book.createBook.id;
  const arrivals = new Map<string, number>();
  const client = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  clients.push(client);
  const waiters = new Map<string, () => void>();
  client.subscribe<{ blobDerived: { parentId: string } }>(
    {
      query: 'subscription($b: ID) { blobDerived(bookId: $b) { parentId derivedId } }',
      variables: { b: bookId },
    },
    {
      next: (r) => {
        const parent = r.data!.blobDerived.parentId;
        arrivals.set(parent, performance.now());
        waiters.get(parent)?.();
      },
      error: (e) => console.error(e),
      complete: () => {},
    },
  );
  await new Promise((r) => setTimeout(r, 300));
  return {
    token,
    async expand(content: string): Promise<Expansion> {
      const start = performance.now();
      const r = await gql<{ createBlob: { id: string } }>(
        token,
        'mutation($i: CreateBlobInput!) { createBlob(input: $i) { id } }',
        { i: { schemaId: 'text-input-v1', bookId, data: { content } } },
      );
      const id = r.createBlob.id;
      const returned = performance.now();
      if (!arrivals.has(id)) await new Promise<void>((resolve) => waiters.set(id, resolve));
      waiters.delete(id);
      const total = arrivals.get(id)! - start;
      arrivals.delete(id);
      return { total, parentId: id, start, returned };
    },
  };
}
