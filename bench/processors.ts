/**
 * `npm run bench:processors`: the processor pipeline on PostgreSQL and NATS (when reachable),
 * with the official openai client talking to a local OpenAI-compatible server, measured in one run.
 *
 * 1. createBlob (call) -> blobDerived (arrival over WebSocket) with an instant LLM: p50, p99.
 * 2. The time the pipeline adds on top of the LLM's own time, with 300 ms to the first token:
 *    end-to-end minus the LLM server's time for that request (p50, p95).
 * 3. Expansions per second with 8 users writing at once (each waits for its expansion).
 *
 * Aims: p99 under 50 ms with an instant LLM; added time under 100 ms.
 */
import { randomBytes } from 'node:crypto';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createApp } from '../src/app';
import { mintToken } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { createPgDatabase, postgresReachable } from '../test/support/database';
import { startFakeLlm } from '../test/support/fake-llm';
import { dropNatsStreams, NATS_URL } from '../test/support/nats';
import { fmt, UNLIMITED_ENV } from './support';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const N = Number(process.env.BENCH_RUNS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ??
  Number.NaN;

async function main() {
  const usePg = await postgresReachable();
  const pg = usePg ? await createPgDatabase() : undefined;
  const prefix = `b${randomBytes(4).toString('hex')}`;
  const llm = await startFakeLlm();
  const config = loadConfig({
    REYNA_JWT_SECRET: SECRET,
    // The load is the point here: no rate limits.
    ...UNLIMITED_ENV,
    REYNA_LOG_LEVEL: 'warn',
    PORT: '0',
    OPENAI_BASE_URL: llm.url,
    REYNA_LLM_MODEL: 'bench-model',
    REYNA_PROCESSORS: 'all',
    ...(pg ? { DATABASE_URL: pg.url, NATS_URL, REYNA_DEPLOYMENT: prefix } : {}),
  });
  const database = await openDatabase(config, pg ? { poolSize: 16 } : { pgliteDir: 'memory://' });
  const app = await createApp(config, { database });
  const url = await app.listen();
  const clients: Client[] = [];
  console.log(
    `${pg ? 'PostgreSQL + NATS JetStream' : 'PGlite + in-process backbone'}; processors in the server process\n`,
  );

  async function user(name: string) {
    const token = await mintToken(SECRET, name, '1h');
    const book = await gql(token, 'mutation { createBook(input: { title: "Bench" }) { id } }');
    const bookId = book.createBook.id as string;
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
      async expand(content: string): Promise<{ total: number; parentId: string }> {
        const start = performance.now();
        const r = await gql(
          token,
          'mutation($i: CreateBlobInput!) { createBlob(input: $i) { id } }',
          {
            i: { schemaId: 'text-input-v1', bookId, data: { content } },
          },
        );
        const id = r.createBlob.id as string;
        if (!arrivals.has(id)) await new Promise<void>((resolve) => waiters.set(id, resolve));
        waiters.delete(id);
        return { total: arrivals.get(id)! - start, parentId: id };
      },
    };
  }

  async function gql(token: string, query: string, variables: object = {}) {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  try {
    const one = await user('bench-latency');
    for (let i = 0; i < 20; i++) await one.expand(`Warm-up passage number ${i} for the bench.`);
    const instant: number[] = [];
    for (let i = 0; i < N; i++)
      instant.push((await one.expand(`Passage number ${i} written for the instant bench.`)).total);
    console.log('createBlob -> blobDerived, instant LLM');
    console.log(
      `  p50 ${fmt(pct(instant, 50), 2)} ms   p99 ${fmt(pct(instant, 99), 2)} ms   (n=${instant.length}; aim p99 < 50 ms)\n`,
    );

    llm.behaviour.firstTokenDelayMs = 300;
    const added: number[] = [];
    const totals: number[] = [];
    for (let i = 0; i < 40; i++) {
      const content = `Passage number ${i} written for the slow bench.`;
      const before = llm.requests.length;
      const { total } = await one.expand(content);
      const req = llm.requests[before]!;
      // The LLM's own time: from receiving the request to sending the last chunk.
      const llmMs = (req.finishedAt ?? req.at) - req.at;
      totals.push(total);
      added.push(total - llmMs);
    }
    console.log('time the pipeline adds to the LLM, 300 ms to first token');
    console.log(
      `  end to end p50 ${fmt(pct(totals, 50), 1)} ms; added p50 ${fmt(pct(added, 50), 2)} ms   p95 ${fmt(pct(added, 95), 2)} ms   (aim < 100 ms)\n`,
    );

    llm.behaviour.firstTokenDelayMs = 0;
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => user(`bench-user-${i}`)));
    let done = 0;
    const until = performance.now() + SECONDS * 1000;
    await Promise.all(
      users.map(async (u, k) => {
        let i = 0;
        while (performance.now() < until) {
          await u.expand(`User ${k} writes passage number ${i++} for throughput.`);
          done++;
        }
      }),
    );
    console.log('8 users writing at once (each waits for its expansion)');
    console.log(`  ${fmt(done / SECONDS, 1)} expansions per second`);
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await app.stop();
    await database.close();
    await llm.close();
    if (pg) {
      await pg.drop();
      await dropNatsStreams(prefix);
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
