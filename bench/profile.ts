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
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createSchema, createYoga } from 'graphql-yoga';
import { createApp } from '../src/app';
import { mintToken } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { benchDatabase, fmt, load, threadCpuMs, UNLIMITED_ENV } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const OUT = process.env.BENCH_PROFILE_DIR ?? 'bench-profiles';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a library's name, a folder of ours, or what V8 calls it. */
export function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (lib) return lib[1]!;
  const ours = /\/(src|processors|bench)\/(.*?)(?:\/[^/]+)?$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]?.split('/')[0] ?? ''}`.replace(/\/$/, '');
  if (url.startsWith('node:')) return url.split('/')[0]!;
  return url;
}

/** Self time per area and per function, and folded stacks, from a V8 CPU profile. */
export function summarise(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  const folded = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/(src|processors|bench)\//, '$1/')}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    const stack: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      stack.push(`${f.functionName || '(anonymous)'} [${areaOf(f.url, f.functionName)}]`);
    }
    const key = stack.reverse().join(';');
    folded.set(key, (folded.get(key) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { total, areas: top(areas, 25), functions: top(functions, 30), folded };
}

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
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  const cpuBefore = process.env.BENCH_NO_PROFILE ? threadCpuMs() : null;
  const statementsBefore = bench.database.stats.queries;
  if (!process.env.BENCH_NO_PROFILE) await session.post('Profiler.start');
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
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  session.disconnect();
  await app.stop();
  await bench.drop();

  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, `${path}.cpuprofile`), JSON.stringify(profile));
  const summary = summarise(profile);
  writeFileSync(
    join(OUT, `${path}.folded`),
    [...summary.folded.entries()].map(([k, us]) => `${k} ${Math.round(us)}`).join('\n'),
  );
  const pct = (us: number) => `${fmt((100 * us) / summary.total, 1)}%`.padStart(6);
  console.log(
    `${path}: ${fmt(result.rps)} requests/s under the profiler (p99 ${result.p99} ms, errors ${result.errors + result.non2xx}); ${bench.label}\n`,
  );
  console.log('self time by area');
  for (const [area, us] of summary.areas) console.log(`  ${pct(us)}  ${area}`);
  console.log('\nhottest functions (self time)');
  for (const [fn, us] of summary.functions) console.log(`  ${pct(us)}  ${fn}`);
  console.log(
    `\nprofile: ${join(OUT, `${path}.cpuprofile`)}, folded stacks: ${join(OUT, `${path}.folded`)}`,
  );
}

main().then(
  // The bare Yoga's server is left listening: nothing else is left to wait for.
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
