/**
 * `npm run bench:load`: the design document's load on one server process. BENCH_USERS users
 * (default 100), each with a `blobDerived` subscription open over WebSocket, each writing a
 * passage every second for BENCH_SECONDS (default 30); text expansion runs in the server against
 * a local OpenAI-compatible server that answers after BENCH_LLM_MS (default 50 ms). The same load
 * runs for BENCH_WARMUP_SECONDS (default 10) first, and its figures are printed apart: a server
 * just started is still compiling (JavaScript, and PGlite's WebAssembly), as in every other bench.
 *
 * The server is `reyna serve` as `npm start` runs it: the embedded default (PGlite, in-process
 * events) in a fresh data directory, or with BENCH_BACKEND=postgres on the local PostgreSQL and
 * NATS. It prints createBlob p50/p99, creation (the createBlob call) to the `blobDerived`
 * delivery p50/p99, how many passages were expanded, and the server's CPU time (its main thread's
 * and all its threads', the embedded database's worker included).
 * BENCH_CPU_PROF=<dir> has the server write a V8 CPU profile of the whole run there;
 * REYNA_EXPANSION_CONCURRENCY is passed on to the server. BENCH_TIMELINE=1 prints, for each second
 * of the run, the p50 and the slowest creation-to-expansion time of the passages written in it.
 *
 * Aims (issue 14, on PGlite with a 50 ms LLM): createBlob p99 under 100 ms, creation to
 * expansion p99 under 300 ms, every passage expanded.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { mintToken } from '../src/auth/tokens';
import { createPgDatabase } from '../test/support/database';
import { startFakeLlm } from '../test/support/fake-llm';
import { dropNatsStreams, NATS_URL } from '../test/support/nats';
import { fmt, serve, threadCpuMs, UNLIMITED_ENV } from './support';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const USERS = Number(process.env.BENCH_USERS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
/** The same load first, for this long after the server started, reported apart (cold start). */
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 10);
const LLM_MS = Number(process.env.BENCH_LLM_MS ?? 50);
const POSTGRES = process.env.BENCH_BACKEND === 'postgres';
/** After the last write, how long the expansions still due may take to arrive. */
const DRAIN_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ??
  Number.NaN;

interface Written {
  start: number;
  answered: number;
}

async function main() {
  const llm = await startFakeLlm();
  llm.behaviour.firstTokenDelayMs = LLM_MS;
  const dataDir = mkdtempSync(join(tmpdir(), 'reyna-load-'));
  const pg = POSTGRES ? await createPgDatabase() : undefined;
  const prefix = `l${randomBytes(4).toString('hex')}`;
  const { child, url } = await serve(
    {
      ...UNLIMITED_ENV,
      REYNA_JWT_SECRET: SECRET,
      REYNA_LOG_LEVEL: 'warn',
      PORT: '0',
      OPENAI_BASE_URL: llm.url,
      REYNA_LLM_MODEL: 'bench-model',
      REYNA_PROCESSORS: 'all',
      REYNA_DATA_DIR: dataDir,
      // The operator's bound on LLM requests at once, when this run is given one.
      ...(process.env.REYNA_EXPANSION_CONCURRENCY
        ? { REYNA_EXPANSION_CONCURRENCY: process.env.REYNA_EXPANSION_CONCURRENCY }
        : {}),
      ...(pg ? { DATABASE_URL: pg.url, NATS_URL, REYNA_DEPLOYMENT: prefix } : {}),
    },
    // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it exits.
    [
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : []),
      ...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    ],
  );
  const clients: Client[] = [];
  console.log(
    `${pg ? 'PostgreSQL + NATS JetStream' : 'embedded default: PGlite + in-process events'}; ` +
      `${USERS} users, one passage per user per second for ${SECONDS} s, LLM answers after ${LLM_MS} ms\n`,
  );

  async function gql(token: string, query: string, variables: object = {}) {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: Record<string, { id: string }>; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  const written = new Map<string, Written>();
  const arrived = new Map<string, number>();
  const failures: string[] = [];

  async function user(i: number) {
    const token = await mintToken(SECRET, `load-user-${i}`, '1h');
    const bookId = (await gql(token, 'mutation { createBook(input: { title: "Load" }) { id } }'))
      .createBook!.id;
    const client = createClient({
      url: `${url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.on('connected', () => resolve());
      client.subscribe<{ blobDerived: { parentId: string } }>(
        {
          query: 'subscription($b: ID) { blobDerived(bookId: $b) { parentId derivedId } }',
          variables: { b: bookId },
        },
        {
          next: (r) => {
            const parent = r.data?.blobDerived.parentId;
            if (parent && !arrived.has(parent)) arrived.set(parent, performance.now());
          },
          error: reject,
          complete: () => {},
        },
      );
    });
    return async (n: number) => {
      const start = performance.now();
      try {
        const r = await gql(
          token,
          'mutation($i: CreateBlobInput!) { createBlob(input: $i) { id } }',
          {
            i: {
              schemaId: 'text-input-v1',
              bookId,
              data: { content: `User ${i} writes passage ${n}: the tide turned at the harbour.` },
            },
          },
        );
        written.set(r.createBlob!.id, { start, answered: performance.now() });
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    };
  }

  try {
    const writers = await Promise.all(Array.from({ length: USERS }, (_, i) => user(i)));
    // Let the subscriptions settle before the clock starts.
    await sleep(1000);
    const began = performance.now();
    const measuredFrom = began + WARMUP * 1000;
    let cpuBefore: number | null = null;
    let processCpuBefore: number | null = null;
    const cpuTimer = setTimeout(() => {
      cpuBefore = threadCpuMs(child.pid!);
      processCpuBefore = threadCpuMs(child.pid!, 'all');
    }, measuredFrom - began);
    // Each user writes once a second, the users spread evenly over the second; the first WARMUP
    // seconds are the same load, reported apart.
    await Promise.all(
      writers.map(async (write, i) => {
        await sleep((i * 1000) / USERS);
        const pending: Promise<void>[] = [];
        for (let n = 0; n < WARMUP + SECONDS; n++) {
          const due = began + (i * 1000) / USERS + n * 1000;
          await sleep(Math.max(0, due - performance.now()));
          pending.push(write(n));
        }
        await Promise.all(pending);
      }),
    );
    clearTimeout(cpuTimer);
    const wrote = performance.now();
    const deadline = wrote + DRAIN_MS;
    while (arrived.size < written.size && performance.now() < deadline) await sleep(100);
    const cpuMs = (threadCpuMs(child.pid!) ?? Number.NaN) - (cpuBefore ?? Number.NaN);
    const processCpuMs =
      (threadCpuMs(child.pid!, 'all') ?? Number.NaN) - (processCpuBefore ?? Number.NaN);

    const figures = (passages: [string, Written][]) => ({
      answer: passages.map(([, w]) => w.answered - w.start),
      expansion: passages
        .filter(([id]) => arrived.has(id))
        .map(([id, w]) => arrived.get(id)! - w.start),
    });
    const all = [...written.entries()];
    const warm = figures(all.filter(([, w]) => w.start < measuredFrom));
    const measured = all.filter(([, w]) => w.start >= measuredFrom);
    const { answer, expansion } = figures(measured);
    const lateAtEnd = all.filter(
      ([id]) => (arrived.get(id) ?? Number.POSITIVE_INFINITY) > wrote,
    ).length;
    const expandedAll = all.filter(([id]) => arrived.has(id)).length;
    if (WARMUP > 0)
      console.log(
        `warm-up, the first ${WARMUP} s after the server started (same load, not in the figures below): ` +
          `createBlob p99 ${fmt(pct(warm.answer, 99), 1)} ms, creation to blobDerived p50 ${fmt(pct(warm.expansion, 50), 1)} ms, p99 ${fmt(pct(warm.expansion, 99), 1)} ms\n`,
      );
    console.log(
      `writes measured: ${fmt(measured.length)} stored (${fmt(measured.length / ((wrote - measuredFrom) / 1000), 1)}/s), ${failures.length} refused in the whole run${failures[0] ? ` (first: ${failures[0].slice(0, 160)})` : ''}`,
    );
    console.log(
      `createBlob                        p50 ${fmt(pct(answer, 50), 1)} ms   p99 ${fmt(pct(answer, 99), 1)} ms   (aim p99 < 100 ms)`,
    );
    console.log(
      `creation to blobDerived delivered p50 ${fmt(pct(expansion, 50), 1)} ms   p99 ${fmt(pct(expansion, 99), 1)} ms   (aim p99 < 300 ms)`,
    );
    console.log(
      `expanded: ${fmt(expandedAll)} of ${fmt(written.size)} in the whole run (${fmt(lateAtEnd)} not yet when the last write was answered; ${fmt(written.size - expandedAll)} still missing ${DRAIN_MS / 1000} s later)`,
    );
    if (process.env.BENCH_TIMELINE) {
      // When in the run the slow expansions were written: warm-up, a steady backlog, or bursts.
      const bySecond = new Map<number, number[]>();
      for (const [id, w] of written) {
        const at = arrived.get(id);
        if (at === undefined) continue;
        const second = Math.floor((w.start - began) / 1000);
        bySecond.set(second, [...(bySecond.get(second) ?? []), at - w.start]);
      }
      for (const [second, xs] of [...bySecond].sort((a, b) => a[0] - b[0]))
        console.log(
          `  second ${String(second).padStart(2)}${second < WARMUP ? ' (warm-up)' : ''}: creation to blobDerived p50 ${fmt(pct(xs, 50), 0)} ms, max ${fmt(Math.max(...xs), 0)} ms`,
        );
    }
    console.log(
      `LLM requests: ${fmt(llm.requests.length)}; server main thread CPU after the warm-up ${fmt(cpuMs / 1000, 1)} s over ${fmt((performance.now() - measuredFrom) / 1000, 1)} s: ${fmt(cpuMs / measured.length, 1)} ms per passage; all its threads (the embedded database's included): ${fmt(processCpuMs / measured.length, 1)} ms per passage`,
    );
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await llm.close();
    rmSync(dataDir, { recursive: true, force: true });
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
