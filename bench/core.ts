/**
 * `npm run bench`: the core API's throughput against its baselines, measured in one run on the
 * same database and the same machine.
 *
 * 1. createBlob mutations/s over HTTP vs raw `INSERT`s of the same rows with `pg` (same pool
 *    size, same concurrency), in process and behind a bare node:http server; ours and the latter
 *    alternate BENCH_ROUNDS times (default 2), and each figure is the mean of its rounds.
 * 2. blob(id) { parent derived } queries/s over HTTP vs a bare graphql-yoga server answering a
 *    constant (same load generator, same concurrency), alternating in the same way.
 * 3. Microseconds per validation of a 2 KB text-input-v1 document.
 * 4. On PostgreSQL: the same read and the same write against PostGraphile 4 (bench/postgraphile,
 *    a package of its own) serving the same `blobs` table, alternating ours and PostGraphile
 *    BENCH_ROUNDS times (default 2) with the same load generator and connections.
 *
 * Aims: ratio 1 >= 0.5, ratio 2 >= 0.5, validation < 5 us, ours / PostGraphile >= 1.5 for reads
 * and writes. Figures vary with the machine's load.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { createSchema, createYoga } from 'graphql-yoga';
import { createApp } from '../src/app';
import { mintToken } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { TEXT_INPUT_V1 } from '../src/registry/builtin-schemas';
import { SchemaValidator } from '../src/registry/validator';
import {
  benchDatabase,
  fmt,
  type LoadResult,
  load,
  machineCpu,
  serve,
  startPostgraphile,
  stolenSince,
  threadCpuMs,
  UNLIMITED_ENV,
} from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** The PostgreSQL pool `reyna serve` opens (src/db/database.ts). */
const SERVE_POOL_SIZE = 10;
const SECRET = 'bench-secret-that-is-long-enough-for-hs256';

async function rawInserts(
  pool: import('pg').Pool,
  data: string,
  seconds: number,
  concurrency: number,
) {
  let done = 0;
  const until = Date.now() + seconds * 1000;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        await pool.query(
          `insert into blobs (user_id, processor_id, schema_id, data, size) values ($1, $2, $3, $4, $5) returning *`,
          ['bench-raw', 'user-input', 'text-input-v1', data, Buffer.byteLength(data)],
        );
        done++;
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  return done / secs;
}

function validationMicros(): number {
  const validator = new SchemaValidator();
  const schema = {
    id: 'text-input-v1',
    version: '1.0.0',
    draft: 'draft-07' as const,
    definition: TEXT_INPUT_V1,
  };
  const doc = {
    content: 'word '.repeat(400).slice(0, 1990),
    metadata: { book_id: 'b-1', chapter: 3, style: 'creative' },
  };
  if (validator.validate(schema, doc).length > 0)
    throw new Error('bench document does not validate');
  for (let i = 0; i < 20_000; i++) validator.validate(schema, doc);
  const n = 500_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) validator.validate(schema, doc);
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

/** The same raw INSERT behind a bare node:http server: what HTTP and the load generator cost. */
async function bareInsertServer(pool: import('pg').Pool, data: string) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      const { rows } = await pool.query(
        `insert into blobs (user_id, processor_id, schema_id, data, size) values ($1, $2, $3, $4, $5) returning *`,
        ['bench-raw-http', 'user-input', 'text-input-v1', data, Buffer.byteLength(data)],
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ data: { createBlob: { id: rows[0].id, version: rows[0].version } } }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

async function bareYoga(): Promise<{ url: string; close: () => Promise<void> }> {
  const yoga = createYoga({
    schema: createSchema({
      typeDefs:
        'type Blob { id: ID! data: String! parent: Blob derived: [Blob!]! } type Query { blob(id: ID!): Blob }',
      resolvers: {
        Query: { blob: () => ({ id: 'constant', data: 'constant', parent: null, derived: [] }) },
      },
    }),
    logging: false,
  });
  const server = createServer(yoga);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

type GraphQLAnswer = { data?: Record<string, unknown> | null; errors?: unknown[] };

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const answer = (await response.json()) as GraphQLAnswer;
  if (!response.ok || answer.errors || !answer.data)
    throw new Error(`${url} answered ${response.status}: ${JSON.stringify(answer)}`);
  return answer.data;
}

interface Sample {
  id: string;
  data: unknown;
}
interface Family {
  blob: Sample;
  parent: Sample | null;
  derived: Sample[];
}

/**
 * Our API against PostGraphile 4 on the same database: the same blob with its parent and derived
 * blobs, and the same row written to `blobs`. Each side is checked once to answer the same, then
 * loaded in turn, ours first, ROUNDS times.
 */
async function versusPostgraphile(options: {
  databaseUrl: string;
  pool: import('pg').Pool;
  /** Our API as `reyna serve`, a process of its own as PostGraphile is, and its pid. */
  ours: string;
  oursPid: number;
  headers: Record<string, string>;
  data: Record<string, unknown>;
  blobId: string;
  readBody: string;
}) {
  // The same pool as `reyna serve` opens (10 connections to PostgreSQL).
  const pg4 = await startPostgraphile(options.databaseUrl, SERVE_POOL_SIZE);
  try {
    // Reads. PostGraphile names the relations after the foreign key blobs.parent_id. Ours shows a
    // user only their blobs that are not deleted, derived ones oldest first: the condition and
    // order ask PostGraphile for the same rows (and let PostgreSQL use the same partial index).
    const pg4ReadBody = JSON.stringify({
      query: `query($id: UUID!, $userId: String!) {
        blobById(id: $id) {
          id data
          blobByParentId { id data }
          blobsByParentId(condition: { userId: $userId, deletedAt: null }, orderBy: SEQ_ASC) {
            nodes { id data }
          }
        }
      }`,
      variables: { id: options.blobId, userId: 'bench-user' },
    });
    const oursRead = (await post(options.ours, options.readBody, options.headers)).blob as {
      id: string;
      data: unknown;
      parent: Sample | null;
      derived: Sample[];
    };
    const pg4Read = (await post(pg4.url, pg4ReadBody)).blobById as {
      id: string;
      data: unknown;
      blobByParentId: Sample | null;
      blobsByParentId: { nodes: Sample[] };
    };
    const family = (b: Sample) => ({ id: b.id, data: b.data });
    const oursFamily: Family = {
      blob: family(oursRead),
      parent: oursRead.parent && family(oursRead.parent),
      derived: oursRead.derived.map(family),
    };
    const pg4Family: Family = {
      blob: family(pg4Read),
      parent: pg4Read.blobByParentId && family(pg4Read.blobByParentId),
      derived: pg4Read.blobsByParentId.nodes.map(family),
    };
    if (!oursFamily.parent || oursFamily.derived.length === 0)
      throw new Error(
        `the read benchmark's blob has no parent or derived: ${JSON.stringify(oursRead)}`,
      );
    if (!isDeepStrictEqual(oursFamily, pg4Family))
      throw new Error(
        `ours and PostGraphile answer the read differently:\n  ours ${JSON.stringify(oursFamily)}\n  PostGraphile ${JSON.stringify(pg4Family)}`,
      );

    // Writes: the row our createBlob writes for this input, written through PostGraphile's
    // generated createBlob.
    const oursWriteBody = JSON.stringify({
      query: 'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id version } }',
      variables: { input: { schemaId: 'text-input-v1', data: options.data } },
    });
    const pg4WriteBody = JSON.stringify({
      query: `mutation($blob: BlobInput!) { createBlob(input: { blob: $blob }) { blob { id version } } }`,
      variables: {
        blob: {
          userId: 'bench-user',
          processorId: 'user-input',
          schemaId: 'text-input-v1',
          data: options.data,
          size: Buffer.byteLength(JSON.stringify(options.data)),
        },
      },
    });
    const oursWrite = (await post(options.ours, oursWriteBody, options.headers)).createBlob as {
      id: string;
    };
    const pg4Write = (
      (await post(pg4.url, pg4WriteBody)).createBlob as { blob: { id: string; version: number } }
    ).blob;
    const { rows } = await options.pool.query(
      'select id, user_id, processor_id, schema_id, data, size, version, parent_id from blobs where id = any($1::uuid[])',
      [[oursWrite.id, pg4Write.id]],
    );
    const row = (id: string) => {
      const found = rows.find((r) => r.id === id);
      if (!found) throw new Error(`blob ${id} was not written`);
      const { id: _id, ...rest } = found;
      return rest;
    };
    if (!isDeepStrictEqual(row(oursWrite.id), row(pg4Write.id)))
      throw new Error(
        `ours and PostGraphile write different rows:\n  ours ${JSON.stringify(row(oursWrite.id))}\n  PostGraphile ${JSON.stringify(row(pg4Write.id))}`,
      );

    // Besides requests/s, the CPU time each server's main thread spends per request: it moves
    // far less than requests/s with whatever else the machine runs. PostgreSQL's own CPU is in
    // neither.
    const measured = async (
      url: string,
      body: string,
      headers: Record<string, string> | undefined,
      pid: number,
    ): Promise<Round> => {
      const before = threadCpuMs(pid);
      const result = await load({ url, body, headers, connections: CONNECTIONS, seconds: SECONDS });
      const after = threadCpuMs(pid);
      const requests = result.rps * SECONDS;
      return {
        ...result,
        cpuMs:
          before === null || after === null || requests === 0 ? null : (after - before) / requests,
      };
    };
    const alternate = async (oursBody: string, pg4Body: string) => {
      const { ours, baseline } = await alternating(
        () => measured(options.ours, oursBody, options.headers, options.oursPid),
        () => measured(pg4.url, pg4Body, undefined, pg4.pid),
      );
      return { ours, theirs: baseline };
    };
    const reads = await alternate(options.readBody, pg4ReadBody);
    const writes = await alternate(oursWriteBody, pg4WriteBody);

    console.log(
      `ours vs PostGraphile 4 on the same table (${ROUNDS} rounds each, alternating, mean of rounds)`,
    );
    for (const [title, result] of [
      ['blob(id) { parent derived }', reads],
      ['createBlob', writes],
    ] as const) {
      console.log(`  ${title}`);
      console.log(`    ours           ${line(result.ours)}`);
      console.log(`    PostGraphile   ${line(result.theirs)}`);
      console.log(
        `    ratio          ${fmt(result.ours.rps / result.theirs.rps, 2)}  (aim >= 1.5)`,
      );
      if (result.ours.cpuMs !== null && result.theirs.cpuMs !== null)
        console.log(
          `    CPU/request    ours ${fmt(result.ours.cpuMs, 3)} ms, PostGraphile ${fmt(result.theirs.cpuMs, 3)} ms (main thread), PostGraphile / ours ${fmt(result.theirs.cpuMs / result.ours.cpuMs, 2)}`,
        );
    }
  } finally {
    await pg4.close();
  }
}

type Round = LoadResult & { cpuMs: number | null };

/** `ours` and `baseline` measured in turn, ROUNDS times each: the machine's speed drifts. */
async function alternating(ours: () => Promise<Round>, baseline: () => Promise<Round>) {
  const a: Round[] = [];
  const b: Round[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    a.push(await ours());
    b.push(await baseline());
  }
  return { ours: summary(a), baseline: summary(b) };
}

/** A round whose CPU time is not measured. */
const uncounted = (result: LoadResult): Round => ({ ...result, cpuMs: null });

function summary(results: Round[]) {
  const mean = (pick: (r: Round) => number) =>
    results.reduce((sum, r) => sum + pick(r), 0) / results.length;
  return {
    rps: mean((r) => r.rps),
    cpuMs: results.some((r) => r.cpuMs === null) ? null : mean((r) => r.cpuMs!),
    p50: mean((r) => r.p50),
    p99: mean((r) => r.p99),
    errors: results.reduce((sum, r) => sum + r.errors + r.non2xx, 0),
    rounds: results.map((r) => fmt(r.rps)).join(', '),
  };
}

const line = (s: ReturnType<typeof summary>) =>
  `${fmt(s.rps)} /s  (p50 ${fmt(s.p50, 1)} ms, p99 ${fmt(s.p99, 1)} ms, errors ${s.errors}; rounds ${s.rounds})`;

async function main() {
  const machineBefore = machineCpu();
  const bench = await benchDatabase(CONNECTIONS);
  const config = loadConfig({
    REYNA_JWT_SECRET: SECRET,
    // The load is the point here: no rate limits.
    ...UNLIMITED_ENV,
    REYNA_LOG_LEVEL: 'silent',
    PORT: '0',
    // The API process as deployed beside workers: processors would otherwise expand every
    // benchmark blob in the background and bill that work to the requests.
    REYNA_PROCESSORS: 'none',
  });
  const app = await createApp(config, { database: bench.database });
  const base = await app.listen();
  const token = await mintToken(SECRET, 'bench-user', '1h');
  const headers = { authorization: `Bearer ${token}` };
  const data = {
    content: 'The ship sailed at dawn, and the harbour watched it go.',
    metadata: { chapter: 1, style: 'formal' },
  };
  console.log(
    `database: ${bench.label}; ${CONNECTIONS} connections; ${SECONDS} s per measurement\n`,
  );

  // 1. createBlob vs raw INSERT. Each connection writes as a user of its own, as a studio's
  // users do; one user's writes queue on that user's quota lock, measured on its own below.
  const createBody = JSON.stringify({
    query: 'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id version } }',
    variables: { input: { schemaId: 'text-input-v1', data } },
  });
  const writers = await Promise.all(
    Array.from({ length: CONNECTIONS }, (_, i) => mintToken(SECRET, `bench-writer-${i}`, '1h')),
  );
  // Two seconds of the same load first, unmeasured: the JIT warms up, the users' rows exist.
  await load({
    url: `${base}/graphql`,
    tokens: writers,
    connections: CONNECTIONS,
    seconds: 2,
    body: createBody,
  });
  const insertServer = await bareInsertServer(bench.database.pool, JSON.stringify(data));
  // Ours and the raw INSERT over HTTP in alternating rounds: the machine's speed drifts.
  const writes = await alternating(
    async () =>
      uncounted(
        await load({
          url: `${base}/graphql`,
          tokens: writers,
          connections: CONNECTIONS,
          seconds: SECONDS,
          body: createBody,
        }),
      ),
    async () =>
      uncounted(
        await load({
          url: insertServer.url,
          body: '{}',
          connections: CONNECTIONS,
          seconds: SECONDS,
        }),
      ),
  );
  await insertServer.close();
  const create = writes.ours;
  const rawHttp = writes.baseline;
  const oneUser = await load({
    url: `${base}/graphql`,
    headers,
    connections: CONNECTIONS,
    seconds: SECONDS,
    body: createBody,
  });
  const raw = await rawInserts(bench.database.pool, JSON.stringify(data), SECONDS, CONNECTIONS);
  console.log(`createBlob over HTTP vs raw INSERT with pg (${ROUNDS} rounds each, alternating)`);
  console.log(`  createBlob             ${line(create)}`);
  console.log(
    `  createBlob, one user   ${fmt(oneUser.rps)} /s  (p50 ${oneUser.p50} ms, p99 ${oneUser.p99} ms: one user's writes queue on its quota lock)`,
  );
  console.log(`  raw INSERT             ${fmt(raw)} /s  (in-process loop, no HTTP)`);
  console.log(`  raw INSERT over HTTP   ${line(rawHttp)}  (bare node:http, same load generator)`);
  console.log(`  ratio                  ${fmt(create.rps / raw, 2)}`);
  console.log(
    `  ratio to raw over HTTP ${fmt(create.rps / rawHttp.rps, 2)}  (issue 14 aim >= 0.6)\n`,
  );

  // 2. blob(id) with parent and derived vs a bare Yoga constant. The writes above grew the table
  // from empty faster than autovacuum refreshes planner statistics; bring them up to date as a
  // running database would have them.
  await bench.database.pool.query('analyze blobs');
  const parent = await app.services.blobs.create('bench-user', { schemaId: 'text-input-v1', data });
  const child = await app.services.blobs.create('bench-user', {
    schemaId: 'expanded-text-v1',
    parentId: parent.id,
    data: { original: 'a', expanded: 'bb', expansion_ratio: 2 },
  });
  await app.services.blobs.create('bench-user', {
    schemaId: 'expanded-text-v1',
    parentId: child.id,
    data: { original: 'bb', expanded: 'cccc', expansion_ratio: 2 },
  });
  const readBody = JSON.stringify({
    query: 'query($id: ID!) { blob(id: $id) { id data parent { id data } derived { id data } } }',
    variables: { id: child.id },
  });
  const bare = await bareYoga();
  const reads = await alternating(
    async () =>
      uncounted(
        await load({
          url: `${base}/graphql`,
          headers,
          connections: CONNECTIONS,
          seconds: SECONDS,
          body: readBody,
        }),
      ),
    async () =>
      uncounted(
        await load({ url: bare.url, connections: CONNECTIONS, seconds: SECONDS, body: readBody }),
      ),
  );
  await bare.close();
  const read = reads.ours;
  const constant = reads.baseline;
  console.log(
    `blob(id) { parent derived } vs a bare graphql-yoga answering a constant (${ROUNDS} rounds each, alternating)`,
  );
  console.log(`  blob(id)     ${line(read)}`);
  console.log(`  bare Yoga    ${line(constant)}`);
  console.log(`  ratio        ${fmt(read.rps / constant.rps, 2)}  (aim >= 0.5)\n`);

  // 3. validation
  const micros = validationMicros();
  console.log('validation of a 2 KB text-input-v1 document (cached validator)');
  console.log(`  ${fmt(micros, 2)} us per validation  (aim < 5 us)\n`);

  // 4. the same read and write against PostGraphile 4 on the same table
  if (bench.url) {
    // Ours as a user runs it, `reyna serve` on the same database, a process of its own as
    // PostGraphile is; both log warnings only (PostGraphile's query log is off too).
    const server = await serve({
      DATABASE_URL: bench.url,
      REYNA_JWT_SECRET: SECRET,
      ...UNLIMITED_ENV,
      PORT: '0',
      REYNA_LOG_LEVEL: 'warn',
      REYNA_PROCESSORS: 'none',
    });
    try {
      await versusPostgraphile({
        databaseUrl: bench.url,
        pool: bench.database.pool,
        ours: `${server.url}/graphql`,
        oursPid: server.child.pid!,
        headers,
        data,
        blobId: child.id,
        readBody,
      });
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
    }
  } else {
    console.log(
      'ours vs PostGraphile 4: skipped on PGlite (PostGraphile needs a PostgreSQL server)',
    );
  }

  await app.stop();
  await bench.drop();
  const stolen = stolenSince(machineBefore);
  if (stolen) console.log(`\nduring this run ${stolen}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
