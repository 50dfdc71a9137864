/**
 * `npm run bench:profile -- read|write|typename|bare`: a CPU profile of the API's server side while
 * `npm run bench`'s load runs on one path, and where its time goes.
 *
 * The server runs in this process; the load generator (autocannon) in a worker thread, outside
 * the profile. Only the measured window is profiled (after a warm-up). It writes the V8 profile
 * (`bench-profiles/<path>.cpuprofile`: open it in Chrome's DevTools, Performance panel, or
 * speedscope for the flame graph) and folded stacks (`<path>.folded`, the input of flamegraph
 * tools), and prints self time by area (our folders, each library) and the hottest functions.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import { createApp } from '../src/app';
import { mintToken } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { printProfile, startProfile } from './cpu-profile';
import { benchDatabase, fmt, load, threadCpuMs, UNLIMITED_ENV } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const OUT = process.env.BENCH_PROFILE_DIR ?? 'bench-profiles';

async function main() {
  const path = process.argv[2] ?? 'read';
  if (!['read', 'write', 'typename', 'bare'].includes(path))
    throw new Error('usage: bench:profile -- read|write|typename|bare');
  const bench = await benchDatabase(CONNECTIONS);
  const config = loadConfig({
    REYNA_JWT_SECRET: SECRET,
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
  const data = {
    content: 'The ship sailed at dawn, and the harbour watched it go.',
    metadata: { chapter: 1, style: 'formal' },
  };
  let body: string;
  let target = `${base}/graphql`;
  if (path === 'typename' || path === 'bare') {
    // The pipeline alone: `{ __typename }` reaches no resolver of ours and no database. `bare`
    // sends it to a bare graphql-yoga in this process: what Yoga itself costs.
    body = JSON.stringify({ query: '{ __typename }' });
    if (path === 'bare') {
      const yoga = createYoga({
        schema: createSchema({ typeDefs: 'type Query { ok: Boolean }' }),
        logging: false,
      });
      const server = createServer(yoga);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    }
  } else if (path === 'write') {
    body = JSON.stringify({
      query: 'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id version } }',
      variables: { input: { schemaId: 'text-input-v1', data } },
    });
  } else {
    const parent = await app.services.blobs.create('bench-user', {
      schemaId: 'text-input-v1',
      data,
    });
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
    body = JSON.stringify({
      query: 'query($id: ID!) { blob(id: $id) { id data parent { id data } derived { id data } } }',
      variables: { id: child.id },
    });
  }
  const options = {
    url: target,
    headers: { authorization: `Bearer ${token}` },
    connections: CONNECTIONS,
    body,
  };
  // The load counts answers, not their content: one is checked first to hold data and no error.
  const answer = (await (
    await fetch(target, {
      method: 'POST',
      headers: { ...options.headers, 'content-type': 'application/json' },
      body,
    })
  ).json()) as { data?: unknown; errors?: unknown };
  if (answer.errors || !answer.data)
    throw new Error(`unexpected answer: ${JSON.stringify(answer)}`);
  if (process.env.BENCH_SHOW_ANSWER) console.log(JSON.stringify(answer));
  await load({ ...options, seconds: 2 });
  const profiler = process.env.BENCH_NO_PROFILE ? null : await startProfile();
  const cpuBefore = process.env.BENCH_NO_PROFILE ? threadCpuMs() : null;
  const statementsBefore = bench.database.stats.queries;
  const result = await load({ ...options, seconds: SECONDS });
  if (cpuBefore !== null) {
    const cpu = threadCpuMs()! - cpuBefore;
    console.log(
      `${path}: ${fmt(result.rps)} requests/s, ${fmt((cpu * 1000) / (result.rps * SECONDS))} us of server CPU per request, ${fmt((bench.database.stats.queries - statementsBefore) / (result.rps * SECONDS), 2)} SQL statements per request (p99 ${result.p99} ms)`,
    );
    await app.stop();
    await bench.drop();
    return;
  }
  const profile = await profiler!.stop();
  await app.stop();
  await bench.drop();
  console.log(
    `${path}: ${fmt(result.rps)} requests/s under the profiler (p99 ${result.p99} ms, errors ${result.errors + result.non2xx}); ${bench.label}\n`,
  );
  printProfile(profile, OUT, path);
}

main().then(
  // The bare Yoga's server is left listening: nothing else is left to wait for.
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
