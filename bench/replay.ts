/**
 * `npm run bench:replay`: how fast one subscription replays a backlog, against a real server
 * process (PostgreSQL, NATS JetStream) and a real graphql-ws client that keeps reading.
 *
 * A user's cursor is taken, then BENCH_BACKLOG (default 10,000) events of two of the user's blobs
 * are published to the deployment's stream; a subscription resumes from the cursor and the time
 * from subscribing to the last replayed delivery gives events per second, with `blob` in the
 * selection (blobs read in batches) and without it (no blob read). Each is measured twice.
 *
 * Aim: at least 2,000 events per second, no RESET, every event in order.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { mintToken } from '../src/auth/tokens';
import type { StudioEvent } from '../src/events/event';
import { NatsBackbone } from '../src/events/nats-backbone';
import { createLogger } from '../src/logger';
import { createPgDatabase, postgresReachable } from '../test/support/database';
import { dropNatsStreams, NATS_URL } from '../test/support/nats';
import { fmt, serve, UNLIMITED_ENV } from './support';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 10_000);
/** A replay that loses events never completes: it is cut off after this long. */
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 120) * 1000;

async function createBlob(url: string, token: string, content: string): Promise<string> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query:
        'mutation($c: String!) { createBlob(input: { schemaId: "text-input-v1", data: { content: $c } }) { id } }',
      variables: { c: content },
    }),
  });
  const body = (await res.json()) as { data?: { createBlob: { id: string } }; errors?: unknown };
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.createBlob.id;
}

interface Replayed {
  seconds: number;
  events: number;
  resets: number;
  inOrder: boolean;
}

/** Resumes after `after` and reads until `expected` events arrived (or TIMEOUT_MS passed). */
async function replay(
  url: string,
  token: string,
  after: string,
  selection: string,
  expected: string[],
): Promise<Replayed> {
  const client = createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  const got: string[] = [];
  let resets = 0;
  const start = performance.now();
  let end = start;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => resolve(), TIMEOUT_MS);
    client.subscribe<{ blobEvents: { kind: string; eventId: string | null } }>(
      {
        query: `subscription($after: String) { blobEvents(after: $after) { ${selection} } }`,
        variables: { after },
      },
      {
        next: (r) => {
          const e = r.data!.blobEvents;
          if (e.kind === 'RESET') resets++;
          else got.push(e.eventId!);
          if (got.length >= expected.length) {
            end = performance.now();
            clearTimeout(timer);
            resolve();
          }
        },
        error: reject,
        complete: () => {},
      },
    );
  });
  if (end === start) end = performance.now();
  await client.dispose();
  return {
    seconds: (end - start) / 1000,
    events: got.length,
    resets,
    inOrder: got.length === expected.length && got.every((id, i) => id === expected[i]),
  };
}

async function main() {
  if (!(await postgresReachable()))
    throw new Error('bench:replay needs the local PostgreSQL and NATS');
  const { url: databaseUrl, drop } = await createPgDatabase();
  const prefix = `b${randomBytes(4).toString('hex')}`;
  const server = await serve({
    DATABASE_URL: databaseUrl,
    NATS_URL,
    REYNA_DEPLOYMENT: prefix,
    REYNA_JWT_SECRET: SECRET,
    ...UNLIMITED_ENV,
    PORT: '0',
    REYNA_LOG_LEVEL: 'warn',
  });
  // The bench publishes the backlog straight into the server's stream: writing 10,000 blobs
  // through the API would measure the writes, not the replay.
  const backbone = new NatsBackbone({ url: NATS_URL, prefix, log: createLogger('silent') });
  await backbone.start();
  try {
    const userId = 'bench-replay';
    const token = await mintToken(SECRET, userId, '1h');
    const blobs = [
      await createBlob(server.url, token, 'The first passage of the replayed book.'),
      await createBlob(server.url, token, 'The second passage of the replayed book.'),
    ];
    const event = (i: number): StudioEvent => ({
      id: randomUUID(),
      type: 'blob.updated.text-input-v1',
      userId,
      blobId: blobs[i % 2]!,
      parentId: null,
      processorId: 'user-input',
      schemaId: 'text-input-v1',
      bookId: null,
      time: new Date().toISOString(),
    });
    const { cursor } = await backbone.publish(event(0));
    const expected: string[] = [];
    for (let i = 0; i < BACKLOG; i += 200) {
      const page = Array.from({ length: Math.min(200, BACKLOG - i) }, (_, j) => event(i + j));
      // Publishes go out in order on one connection; acknowledgements are awaited per page.
      await Promise.all(page.map((e) => backbone.publish(e)));
      expected.push(...page.map((e) => e.id));
    }
    console.log(
      `server pid ${server.child.pid}; backlog of ${BACKLOG} events after the cursor, one subscription, default buffer\n`,
    );
    const runs = [
      ['with blob', 'kind eventId cursor blob { id data version }'],
      ['without blob', 'kind eventId cursor'],
    ] as const;
    for (const [label, selection] of runs) {
      for (let pass = 1; pass <= 2; pass++) {
        const r = await replay(server.url, token, cursor, selection, expected);
        console.log(
          `  ${`${label}, pass ${pass}`.padEnd(24)} ${fmt(r.events / r.seconds)} events/s  (${r.events} of ${expected.length} in ${fmt(r.seconds, 2)} s${r.events < expected.length ? ', cut off' : ''}, ${r.resets} RESET, ${r.inOrder ? 'all in order' : 'NOT all in order'})`,
        );
      }
    }
    console.log('\n  (aim: >= 2,000 events/s, no RESET)');
  } finally {
    await backbone.stop();
    server.child.kill('SIGTERM');
    await new Promise((r) => server.child.once('exit', r));
    await drop();
    await dropNatsStreams(prefix);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
