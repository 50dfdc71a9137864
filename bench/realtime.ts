/**
 * `npm run bench:realtime`: real-time delivery, measured in one run against a real server process
 * (PostgreSQL, NATS JetStream) and real graphql-ws clients.
 *
 * 1. Latency from `createBlob` returning to the `blobEvents` delivery over WebSocket, at a steady
 *    50 writes per second (p50, p99), beside raw NATS: a JetStream publish, from the call to a
 *    core subscriber receiving it, at the same rate (ratio of p99s). (From the publish *returning*
 *    it is negative: the acknowledgement arrives after the subscriber has the message.)
 * 2. Delivery latency p99 with 1,000 WebSocket subscribers (one per user) on one server.
 * 3. Memory of the server per idle subscription: its RSS before and after opening them, each time
 *    after a full garbage collection (asked for through the server's inspector), and its V8 heap
 *    in use at the same two moments.
 *
 * Aims: p99 under 25 ms; under 50 ms with BENCH_SUBSCRIBERS (10,000 for issue 14's figure) at 50
 * writes/s; under 20 KB per idle subscription.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { mintToken } from '../src/auth/tokens';
import { createPgDatabase, postgresReachable } from '../test/support/database';
import { dropNatsStreams, NATS_URL } from '../test/support/nats';
import { fmt, serve, UNLIMITED_ENV } from './support';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const RATE = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/**
 * The server's memory after a full garbage collection, through its inspector (Chrome DevTools
 * Protocol over WebSocket): without it, RSS counts whatever garbage the last writes left.
 */
async function memoryAfterGc(inspectorPort: number): Promise<{ rssKb: number; heapKb: number }> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let next = 0;
  const call = (method: string, params: object = {}) =>
    new Promise<{ result?: { result?: { value?: string } } }>((resolve) => {
      const id = ++next;
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(String(data)) as {
          id?: number;
          result?: { result?: { value?: string } };
        };
        if (message.id !== id) return;
        socket.off('message', onMessage);
        resolve(message);
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    await sleep(500);
    await call('HeapProfiler.collectGarbage');
    const answer = await call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    });
    const usage = JSON.parse(answer.result?.result?.value ?? '{}') as {
      rss: number;
      heapUsed: number;
    };
    return { rssKb: usage.rss / 1024, heapKb: usage.heapUsed / 1024 };
  } finally {
    socket.close();
  }
}

function wsClient(url: string, token: string): Client {
  return createClient({
    url: `${url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
}

/** Opens a blobEvents subscription and resolves once the server has acknowledged it. */
async function subscribe(
  client: Client,
  onEvent: (blobId: string, at: number) => void,
): Promise<void> {
  client.subscribe<{ blobEvents: { blobId: string } }>(
    { query: 'subscription { blobEvents(filter: { kinds: [CREATED] }) { blobId } }' },
    {
      next: (r) => onEvent(r.data!.blobEvents.blobId, performance.now()),
      error: (e) => console.error(e),
      complete: () => {},
    },
  );
  await new Promise<void>((resolve) => client.on('connected', () => resolve()));
}

async function createBlob(
  url: string,
  token: string,
  content: string,
): Promise<{ id: string; at: number }> {
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
  return { id: body.data.createBlob.id, at: performance.now() };
}

/** Writes at RATE per second for SECONDS, for the given tokens in turn; returns latencies. */
async function steadyWrites(
  url: string,
  tokens: string[],
  arrivals: Map<string, number>,
): Promise<number[]> {
  const returned = new Map<string, number>();
  const total = RATE * SECONDS;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inflight.push(
      createBlob(url, tokens[i % tokens.length]!, `Steady write number ${i} for the bench`).then(
        ({ id, at }) => {
          returned.set(id, at);
        },
      ),
    );
  }
  await Promise.all(inflight);
  const deadline = performance.now() + 5000;
  while ([...returned.keys()].some((id) => !arrivals.has(id)) && performance.now() < deadline)
    await sleep(20);
  const latencies: number[] = [];
  let missing = 0;
  for (const [id, at] of returned) {
    const arrived = arrivals.get(id);
    if (arrived === undefined) missing++;
    else latencies.push(arrived - at);
  }
  if (missing > 0) console.log(`  (${missing} deliveries missing after 5 s)`);
  return latencies;
}

async function rawNats(prefix: string): Promise<number[]> {
  const nc = await connect({ servers: NATS_URL });
  const jsm = await jetstreamManager(nc);
  const stream = `${prefix}_RAW`;
  await jsm.streams.add({ name: stream, subjects: [`${prefix}.raw.>`] });
  const js = jetstream(nc);
  const sub = nc.subscribe(`${prefix}.raw.>`);
  const arrivals = new Map<string, number>();
  void (async () => {
    for await (const m of sub) arrivals.set(m.string(), performance.now());
  })();
  const returned = new Map<string, number>();
  const start = performance.now();
  for (let i = 0; i < RATE * SECONDS; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 0) await sleep(wait);
    const id = `m${i}`;
    // From the publish call: its acknowledgement returns after the subscriber already has it.
    returned.set(id, performance.now());
    void js.publish(`${prefix}.raw.u${i % 10}`, id, { msgID: id });
  }
  await sleep(1000);
  const latencies = [...returned]
    .filter(([id]) => arrivals.has(id))
    .map(([id, at]) => arrivals.get(id)! - at);
  await nc.drain();
  return latencies;
}

const line = (label: string, xs: number[]) =>
  `  ${label.padEnd(34)} p50 ${fmt(percentile(xs, 50), 2)} ms   p99 ${fmt(percentile(xs, 99), 2)} ms   (n=${xs.length})`;

async function main() {
  if (!(await postgresReachable()))
    throw new Error('bench:realtime needs the local PostgreSQL and NATS');
  const { url: databaseUrl, drop } = await createPgDatabase();
  const prefix = `b${randomBytes(4).toString('hex')}`;
  const env = {
    DATABASE_URL: databaseUrl,
    NATS_URL,
    REYNA_DEPLOYMENT: prefix,
    REYNA_JWT_SECRET: SECRET,
    // The load is the point here: no rate limits.
    ...UNLIMITED_ENV,
    PORT: '0',
    REYNA_LOG_LEVEL: 'warn',
    REYNA_WS_MAX_SUBSCRIPTIONS: '10',
  };
  const inspectorPort = 9400 + Math.floor(Math.random() * 500);
  const server = await serve(env, [`--inspect=127.0.0.1:${inspectorPort}`]);
  const clients: Client[] = [];
  try {
    console.log(
      `server pid ${server.child.pid}; ${RATE} writes/s for ${SECONDS} s per measurement\n`,
    );
    // 1. One subscriber, steady writes.
    const token = await mintToken(SECRET, 'bench-one', '1h');
    const arrivals = new Map<string, number>();
    const one = wsClient(server.url, token);
    clients.push(one);
    await subscribe(one, (id, at) => arrivals.set(id, at));
    await sleep(300);
    await steadyWrites(server.url, [token], arrivals); // warm-up pass, not counted
    arrivals.clear();
    const ours = await steadyWrites(server.url, [token], arrivals);
    const raw = await rawNats(prefix);
    console.log('createBlob returned -> blobEvents delivered over WebSocket, one subscriber');
    console.log(line('Studio API', ours));
    console.log(line('raw NATS publish -> subscriber', raw));
    console.log(
      `  ratio of p99s                      ${fmt(percentile(ours, 99) / percentile(raw, 99), 1)}  (aim: p99 < 25 ms)\n`,
    );

    // 3 (measured while opening the subscribers of 2). Idle memory per subscription.
    await sleep(500);
    const before = rssKb(server.child.pid!);
    const beforeGc = await memoryAfterGc(inspectorPort);
    const tokens: string[] = [];
    const many = new Map<string, number>();
    const batch = 50;
    for (let i = 0; i < SUBSCRIBERS; i += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, SUBSCRIBERS - i) }, async (_, j) => {
          const t = await mintToken(SECRET, `bench-many-${i + j}`, '1h');
          tokens.push(t);
          const c = wsClient(server.url, t);
          clients.push(c);
          await subscribe(c, (id, at) => many.set(id, at));
        }),
      );
    }
    await sleep(3000);
    const after = rssKb(server.child.pid!);
    const afterGc = await memoryAfterGc(inspectorPort);
    const perSub = (a: number, b: number) => `${fmt((b - a) / SUBSCRIBERS, 1)} KB per subscription`;
    console.log(
      `${SUBSCRIBERS} idle subscriptions (one WebSocket each; one NATS consumer for the server)`,
    );
    console.log(
      `  server RSS after a full GC ${fmt(beforeGc.rssKb / 1024, 1)} MB -> ${fmt(afterGc.rssKb / 1024, 1)} MB: ${perSub(beforeGc.rssKb, afterGc.rssKb)}  (aim < 20 KB)`,
    );
    console.log(
      `  V8 heap in use after a full GC ${fmt(beforeGc.heapKb / 1024, 1)} MB -> ${fmt(afterGc.heapKb / 1024, 1)} MB: ${perSub(beforeGc.heapKb, afterGc.heapKb)}`,
    );
    console.log(
      `  server RSS without a GC ${fmt(before / 1024, 1)} MB -> ${fmt(after / 1024, 1)} MB: ${perSub(before, after)}\n`,
    );

    // 2. Delivery with 1,000 subscribers on the server.
    const crowded = await steadyWrites(server.url, tokens, many);
    console.log(`createBlob returned -> delivered, ${SUBSCRIBERS} subscribers on the server`);
    console.log(line('Studio API', crowded));
    console.log('  (aim: p99 < 50 ms)');
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
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
