/**
 * `npm run bench:abuse`: what a hostile user costs everyone else, in one run.
 *
 * 1. The hostile-schema battery (bench/abuse-schemas.ts): the worst compile and validation times
 *    of every definition the limits accept, and that every other one is refused. Aim: each
 *    accepted case under 50 ms.
 * 2. Processor abuse (bench/abuse-processors.ts): text metrics on 1 MB hostile texts, and another
 *    user's queue wait while one user has 50 jobs queued.
 * 3. A victim user's createBlob latency on a real `reyna serve` (a separate process, as deployed)
 *    with nobody else, then while an attacker runs each hostile case alongside. Aim: victim p99
 *    under 100 ms and within 2x of its p99 alone. The server runs with rate limits raised out of
 *    the way, so each attack reaches the code it targets instead of stopping at a 429. Then the
 *    victim's reads of a small family, alone and beside the attacks on what users' reads and
 *    writes share (statements batched across requests): 256 KiB writes, reads of 20 derived
 *    blobs of 60 KiB each, reads of 48 derived blobs of 1 MB each 8 at once; with the server's
 *    peak RSS in each phase.
 *
 * Set DATABASE_URL to run the server on PostgreSQL (and NATS_URL for NATS); by default it runs
 * on the embedded default (PGlite, in-process backbone). BENCH_SECONDS sets each phase's length.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '../src/auth/tokens';
import { ATTACKS, READ_ATTACKS } from './abuse-attacker';
import { runProcessorAbuse } from './abuse-processors';
import { runSchemaBattery } from './abuse-schemas';
import { fmt } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** BENCH_ATTACKS=a,b runs only those attacks of part 3 (all by default). */
const chosenAttacks = process.env.BENCH_ATTACKS?.split(',').filter(Boolean);
const chosen = (kind: string) => !chosenAttacks || chosenAttacks.includes(kind);
const SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const root = new URL('..', import.meta.url).pathname;

interface Server {
  url: string;
  /** The server's peak resident memory in MB while `during` runs (sampled every 20 ms). */
  peakRss<T>(during: Promise<T>): Promise<{ result: T; peakMb: number }>;
  stop(): Promise<void>;
}

/** A process's resident memory in MB, from /proc (0 where there is none). */
async function rssMb(pid: number | undefined): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : 0;
}

/** `reyna serve` as a child process, on its own data folder; resolves once it listens. */
async function startServer(): Promise<Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'reyna-abuse-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    REYNA_DATA_DIR: dataDir,
    REYNA_JWT_SECRET: SECRET,
    REYNA_LOG_LEVEL: 'error',
    REYNA_PROCESSORS: 'none',
    REYNA_RATE_LIMIT_USER: '10000000',
    REYNA_RATE_LIMIT_IP: '10000000',
    REYNA_RATE_LIMIT_WS_IP: '10000000',
  };
  for (const name of ['DATABASE_URL', 'NATS_URL', 'REDIS_URL'] as const) {
    if (process.env[name]) env[name] = process.env[name]!;
  }
  if (env.NATS_URL) env.REYNA_DEPLOYMENT = `abuse${Date.now().toString(36)}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 120_000);
    const onData = (d: Buffer) => {
      out += d;
      const match = /GraphQL and GraphiQL: (http:\/\/\S+)\/graphql/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return {
    url,
    async peakRss(during) {
      let peakMb = await rssMb(child.pid);
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peakMb = Math.max(peakMb, await rssMb(child.pid));
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      try {
        return { result: await during, peakMb };
      } finally {
        sampling = false;
        await sampler;
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function post(url: string, token: string, query: string, variables: object = {}) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}

const CREATE =
  'mutation($d: JSON!) { createBlob(input: { schemaId: "text-input-v1", data: $d }) { id } }';

const READ = 'query($id: ID!) { blob(id: $id) { id data parent { id data } derived { id data } } }';

/**
 * The victim writes passages back to back on two connections (or, given `readId`, reads that
 * blob of theirs with its family); returns latencies in ms.
 */
async function victim(
  url: string,
  token: string,
  seconds: number,
  readId?: string,
): Promise<number[]> {
  const latencies: number[] = [];
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    [0, 1].map(async () => {
      while (Date.now() < until) {
        const started = performance.now();
        const r = readId
          ? await post(url, token, READ, { id: readId })
          : await post(url, token, CREATE, {
              d: { content: 'The victim keeps writing a perfectly ordinary passage.' },
            });
        latencies.push(performance.now() - started);
        if (r.errors || (readId && !r.data?.blob))
          throw new Error(`the victim's request failed: ${JSON.stringify(r.errors)}`);
      }
    }),
  );
  return latencies;
}

/** A small family of the victim's: a passage and two blobs derived from it; the middle one's id. */
async function victimFamily(url: string, token: string): Promise<string> {
  const create = async (schemaId: string, data: object, parentId?: string) => {
    const r = await post(
      url,
      token,
      'mutation($i: CreateBlobInput!) { createBlob(input: $i) { id } }',
      { i: { schemaId, data, parentId } },
    );
    if (!r.data) throw new Error(`victim setup: ${JSON.stringify(r.errors)}`);
    return r.data.createBlob.id as string;
  };
  const parent = await create('text-input-v1', { content: 'The victim reads this passage.' });
  const child = await create(
    'expanded-text-v1',
    { original: 'a', expanded: 'bb', expansion_ratio: 2 },
    parent,
  );
  await create('expanded-text-v1', { original: 'bb', expanded: 'cccc', expansion_ratio: 2 }, child);
  return child;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/**
 * Starts bench/abuse-attacker.ts; resolves once it is ready to attack, with a promise of its
 * closing "sent/refused" line.
 */
function startAttacker(
  url: string,
  token: string,
  kind: string,
  seconds: number,
): Promise<{ done: Promise<string> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/abuse-attacker.ts', url, token, kind, String(seconds)],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  const done = new Promise<string>((resolve) =>
    child.once('exit', () => resolve(out.replace('ready', '').trim())),
  );
  return new Promise((resolve) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve({ done });
    });
    child.once('exit', () => resolve({ done }));
  });
}

const arrayOf = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));

async function victimUnderAttack(): Promise<void> {
  const server = await startServer();
  const { url } = server;
  const victimToken = await mintToken(SECRET, 'victim', '1h');
  const attackerToken = await mintToken(SECRET, 'attacker', '1h', { roles: ['registry-author'] });
  try {
    // Schemas the attacker owns: the worst shapes the limits still accept.
    const register = (definition: object) =>
      post(
        url,
        attackerToken,
        'mutation($d: JSON!) { registerSchema(input: { definition: $d }) { id } }',
        {
          d: definition,
        },
      );
    const accepted = {
      regex: { $id: 'attack-regex-v1', type: 'string', pattern: '^(a+)+$' },
      unique: {
        $id: 'attack-unique-v1',
        type: 'array',
        uniqueItems: true,
        items: { type: 'object' },
      },
      big: { $id: 'attack-big-v1', type: 'object' },
      oneOf: {
        $id: 'attack-oneof-v1',
        type: 'array',
        items: {
          oneOf: arrayOf(31, (i) => ({
            type: 'object',
            required: [`k${i}`],
            properties: { [`k${i}`]: { type: 'integer' } },
          })),
        },
      },
    };
    for (const d of Object.values(accepted)) {
      // As a well-behaved client does: wait out RATE_LIMITED and try again.
      for (;;) {
        const r = await register(d);
        const code = r.errors?.[0]?.extensions?.code;
        if (code === 'RATE_LIMITED') {
          await new Promise((res) => setTimeout(res, r.errors![0].extensions.retryAfterMs));
          continue;
        }
        if (r.errors) throw new Error(`setup: ${JSON.stringify(r.errors)}`);
        break;
      }
    }
    // Warm up the victim's path, then measure it alone.
    await victim(url, victimToken, 1);
    const alone = await victim(url, victimToken, SECONDS);
    const aloneP99 = percentile(alone, 99);
    console.log("\n3. The victim's createBlob while an attacker runs each hostile case");
    console.log(
      `   (reyna serve in its own process, ${process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'}; ${SECONDS} s per phase)\n`,
    );
    const row = (name: string, lat: number[], extra = '', unit = 'writes') =>
      console.log(
        `   ${name.padEnd(72)} ${fmt(lat.length).padStart(6)} ${unit}  p50 ${fmt(percentile(lat, 50), 1).padStart(6)} ms  p99 ${fmt(percentile(lat, 99), 1).padStart(6)} ms  ${extra}`,
      );
    row('nobody else', alone);
    let worst = 0;
    for (const [kind, name] of ATTACKS.filter(([k]) => chosen(k))) {
      // The attacker is a process of its own, as it would be: its CPU is not the victim's client's.
      const running = await startAttacker(url, attackerToken, kind, SECONDS);
      const lat = await victim(url, victimToken, SECONDS);
      const sent = await running.done;
      const p99 = percentile(lat, 99);
      worst = Math.max(worst, p99);
      row(name, lat, `x${(p99 / aloneP99).toFixed(2)} (attacker: ${sent})`);
    }
    console.log(
      `\n   worst victim p99 under attack: ${fmt(worst, 1)} ms (aim < 100 ms), ${(worst / aloneP99).toFixed(2)}x alone (aim <= 2x)`,
    );
    // Reads and writes of all users share statements (batches): the victim's reads beside the
    // attacks on them.
    const readId = await victimFamily(url, victimToken);
    await victim(url, victimToken, 1, readId);
    const { result: readsAlone, peakMb: aloneMb } = await server.peakRss(
      victim(url, victimToken, SECONDS, readId),
    );
    const readsAloneP99 = percentile(readsAlone, 99);
    console.log(
      "\n   The victim's reads of blob(id) { parent derived } (a family of three small blobs)\n",
    );
    row('nobody else', readsAlone, `server RSS peak ${fmt(aloneMb)} MB`, 'reads ');
    let worstRead = 0;
    for (const [kind, name] of ATTACKS.filter(([k]) => READ_ATTACKS.includes(k) && chosen(k))) {
      const running = await startAttacker(url, attackerToken, kind, SECONDS);
      const { result: lat, peakMb } = await server.peakRss(
        victim(url, victimToken, SECONDS, readId),
      );
      const sent = await running.done;
      const p99 = percentile(lat, 99);
      worstRead = Math.max(worstRead, p99);
      row(
        name,
        lat,
        `x${(p99 / readsAloneP99).toFixed(2)} (attacker: ${sent}); server RSS peak ${fmt(peakMb)} MB`,
        'reads ',
      );
    }
    console.log(
      `\n   worst victim read p99 under attack: ${fmt(worstRead, 1)} ms (aim < 100 ms), ${(worstRead / readsAloneP99).toFixed(2)}x alone (aim <= 2x)`,
    );
  } finally {
    await server.stop();
  }
}

console.log('1. Hostile schemas (compile and validate on the main thread, after the checks)\n');
const battery = await runSchemaBattery();
for (const r of battery) {
  const outcome = r.refused ? `refused: ${r.refused}` : r.valid ? 'valid' : 'invalid';
  console.log(
    `   ${r.name.slice(0, 66).padEnd(66)} compile ${fmt(r.compileMs, 1).padStart(6)} ms  validate ${fmt(r.validateMs, 1).padStart(6)} ms  ${outcome}`,
  );
}
const acceptedCases = battery.filter((r) => !r.refused);
const worstCompile = Math.max(...acceptedCases.map((r) => r.compileMs));
const worstValidate = Math.max(...acceptedCases.map((r) => r.validateMs));
console.log(
  `\n   worst compile ${fmt(worstCompile, 1)} ms, worst validation ${fmt(worstValidate, 1)} ms (aim: each under 50 ms); refused ${battery.length - acceptedCases.length} of ${battery.length}`,
);

console.log('\n2. Processor abuse\n');
for (const [name, value] of Object.entries(await runProcessorAbuse())) {
  console.log(`   ${name}: ${fmt(value, 1)}`);
}

await victimUnderAttack();
