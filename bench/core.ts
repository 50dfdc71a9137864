/**
 * `npm run bench`: the core API's throughput against its baselines, measured in one run on the
 * same database and the same machine.
 *
 * 1. createBlob mutations/s over HTTP vs raw `INSERT`s of the same rows with `pg` (same pool
 *    size, same concurrency).
 * 2. blob(id) { parent derived } queries/s over HTTP vs a bare graphql-yoga server answering a
 *    constant (same load generator, same concurrency).
 * 3. Microseconds per validation of a 2 KB text-input-v1 document.
 *
 * Aims: ratio 1 >= 0.5, ratio 2 >= 0.5, validation < 5 us. Figures vary with the machine's load.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { createApp } from '../src/app';
import { mintToken } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { TEXT_INPUT_V1 } from '../src/registry/builtin-schemas';
import { SchemaValidator } from '../src/registry/validator';
import { benchDatabase, fmt, load, UNLIMITED_ENV } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
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

async function main() {
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
  const create = await load({
    url: `${base}/graphql`,
    tokens: writers,
    connections: CONNECTIONS,
    seconds: SECONDS,
    body: createBody,
  });
  const oneUser = await load({
    url: `${base}/graphql`,
    headers,
    connections: CONNECTIONS,
    seconds: SECONDS,
    body: createBody,
  });
  const raw = await rawInserts(bench.database.pool, JSON.stringify(data), SECONDS, CONNECTIONS);
  const insertServer = await bareInsertServer(bench.database.pool, JSON.stringify(data));
  const rawHttp = await load({
    url: insertServer.url,
    body: '{}',
    connections: CONNECTIONS,
    seconds: SECONDS,
  });
  await insertServer.close();
  console.log('createBlob over HTTP vs raw INSERT with pg');
  console.log(
    `  createBlob             ${fmt(create.rps)} /s  (p50 ${create.p50} ms, p99 ${create.p99} ms, errors ${create.errors + create.non2xx})`,
  );
  console.log(
    `  createBlob, one user   ${fmt(oneUser.rps)} /s  (p50 ${oneUser.p50} ms, p99 ${oneUser.p99} ms: one user's writes queue on its quota lock)`,
  );
  console.log(`  raw INSERT             ${fmt(raw)} /s  (in-process loop, no HTTP)`);
  console.log(
    `  raw INSERT over HTTP   ${fmt(rawHttp.rps)} /s  (bare node:http, same load generator)`,
  );
  console.log(`  ratio                  ${fmt(create.rps / raw, 2)}  (aim >= 0.5)`);
  console.log(`  ratio to raw over HTTP ${fmt(create.rps / rawHttp.rps, 2)}\n`);

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
  const read = await load({
    url: `${base}/graphql`,
    headers,
    connections: CONNECTIONS,
    seconds: SECONDS,
    body: readBody,
  });
  const bare = await bareYoga();
  const constant = await load({
    url: bare.url,
    connections: CONNECTIONS,
    seconds: SECONDS,
    body: readBody,
  });
  await bare.close();
  console.log('blob(id) { parent derived } vs a bare graphql-yoga answering a constant');
  console.log(
    `  blob(id)     ${fmt(read.rps)} /s  (p50 ${read.p50} ms, p99 ${read.p99} ms, errors ${read.errors + read.non2xx})`,
  );
  console.log(
    `  bare Yoga    ${fmt(constant.rps)} /s  (p50 ${constant.p50} ms, p99 ${constant.p99} ms)`,
  );
  console.log(`  ratio        ${fmt(read.rps / constant.rps, 2)}  (aim >= 0.5)\n`);

  // 3. validation
  const micros = validationMicros();
  console.log('validation of a 2 KB text-input-v1 document (cached validator)');
  console.log(`  ${fmt(micros, 2)} us per validation  (aim < 5 us)`);

  await app.stop();
  await bench.drop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
