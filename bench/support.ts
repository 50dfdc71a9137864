/** Shared pieces of the benchmarks: a fresh database, a load runner and printing. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadConfig } from '../src/config';
import { type Database, openDatabase } from '../src/db/database';
import { createPgDatabase, postgresReachable } from '../test/support/database';

export interface BenchDatabase {
  database: Database;
  url: string | undefined;
  label: string;
  drop(): Promise<void>;
}

/**
 * A fresh database for one benchmark run: a new database on the local PostgreSQL when reachable
 * (or on DATABASE_URL's server), otherwise an in-memory PGlite.
 */
export async function benchDatabase(poolSize = 16): Promise<BenchDatabase> {
  if (await postgresReachable()) {
    const { url, drop } = await createPgDatabase();
    const database = await openDatabase(
      loadConfig({ DATABASE_URL: url, REYNA_LOG_LEVEL: 'silent', HOST: '127.0.0.1' }),
      { poolSize },
    );
    return {
      database,
      url,
      label: 'PostgreSQL',
      async drop() {
        await database.close();
        await drop();
      },
    };
  }
  const database = await openDatabase(
    loadConfig({ REYNA_LOG_LEVEL: 'silent', HOST: '127.0.0.1' }),
    {
      pgliteDir: 'memory://',
    },
  );
  return {
    database,
    url: undefined,
    label: 'PGlite (no PostgreSQL reachable)',
    drop: () => database.close(),
  };
}

/**
 * Settings for benchmarks whose load is the point: no rate limits, no per-user budget of
 * event-loop time, bound to loopback.
 */
export const UNLIMITED_ENV: Record<string, string> = {
  REYNA_RATE_LIMIT_USER: '10000000',
  REYNA_RATE_LIMIT_IP: '10000000',
  REYNA_RATE_LIMIT_WS_IP: '10000000',
  REYNA_COST_LIMIT_USER_MS: '100000',
  HOST: '127.0.0.1',
};

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Drives `url` with `connections` concurrent keep-alive connections for `seconds`. */
export async function load(options: {
  url: string;
  body?: string;
  headers?: Record<string, string>;
  connections?: number;
  seconds?: number;
  /** One bearer token per connection (in turn): each connection is a user of its own. */
  tokens?: readonly string[];
}): Promise<LoadResult> {
  if (options.tokens) process.env.BENCH_CONNECTION_TOKENS = JSON.stringify(options.tokens);
  const result = await autocannon({
    url: options.url,
    method: options.body ? 'POST' : 'GET',
    body: options.body,
    headers: { 'content-type': 'application/json', ...options.headers },
    connections: options.connections ?? 16,
    duration: options.seconds ?? 5,
    // The load generator gets a thread of its own, off the server's event loop.
    workers: 1,
    // With workers, autocannon takes its hooks as module paths (its types only know functions).
    ...(options.tokens
      ? {
          setupClient: fileURLToPath(
            new URL('./connection-users.cjs', import.meta.url),
          ) as unknown as autocannon.Options['setupClient'],
        }
      : {}),
  });
  delete process.env.BENCH_CONNECTION_TOKENS;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/**
 * Starts `reyna serve` as a child process with exactly `env` (and `nodeArgs` for Node itself);
 * resolves with its base URL.
 */
export async function serve(
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const { child, match } = await startReyna(
    'serve',
    env,
    ['--expose-gc', ...nodeArgs],
    /GraphQL and GraphiQL: (\S+)\/graphql/,
  );
  return { child, url: match[1]! };
}

/**
 * Starts `reyna worker` (every processor) as a child process with exactly `env`; resolves once it
 * says it runs them (its consumers are open by then).
 */
export async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  return (await startReyna('worker', env, [], /ReYNa worker running/)).child;
}

/** `reyna <command>` as a child process, once its output matches `ready`. */
function startReyna(
  command: 'serve' | 'worker',
  env: Record<string, string>,
  nodeArgs: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts', command], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const match = ready.exec(out);
      if (match) resolve({ child, match });
    });
    child.once('exit', (code) => reject(new Error(`reyna ${command} exited with ${code}`)));
  });
}

/** Stops a child started by `serve` or `startWorker` (SIGTERM), once it has exited. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * CPU time one thread has used, in milliseconds (user + system), from /proc: the main thread of
 * this process by default, or a child process's main thread. Unlike requests per second, CPU time
 * per request hardly moves with what else the machine is running. Null where /proc is absent.
 */
export function threadCpuMs(pid = process.pid, tid: number | 'all' = pid): number | null {
  try {
    // The process's own stat counts every thread of it (the embedded database's worker too).
    const stat = readFileSync(
      tid === 'all' ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`,
      'utf8',
    );
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/** The whole machine's CPU time so far, in clock ticks, from /proc/stat (Linux; null elsewhere). */
export function machineCpu(): { total: number; steal: number; busy: number } | null {
  try {
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is in user).
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = ticks;
    return {
      total: ticks.reduce((a, b) => a + b, 0),
      steal: ticks[7] ?? 0,
      busy: user + nice + system + irq + softirq,
    };
  } catch {
    return null;
  }
}

/**
 * Milliseconds of the machine's CPU (every process and the kernel: the server, PostgreSQL, NATS,
 * the clients, the disk's writeback; not idle, not stolen) per unit of work since `before`, or
 * null without /proc. Unlike a rate, it hardly moves with what the hypervisor gives the machine,
 * and a rate of work that keeps the cores busy is their number divided by it.
 */
export function machineMsPer(before: ReturnType<typeof machineCpu>, units: number): number | null {
  const after = machineCpu();
  if (!before || !after || units <= 0) return null;
  // /proc/stat counts in USER_HZ: 100 ticks a second on Linux.
  return ((after.busy - before.busy) * 10) / units;
}

/**
 * CPU time so far of every process on the machine, in clock ticks, by `<pid>:<command name>`
 * (`postgres`, `nats-server`, `node`, ...) from /proc/<pid>/stat; empty without /proc.
 * `processMsPer` sums the differences by name: a process that ended in between is missing from
 * it (a breakdown, not a total), one that started in between counts from its start.
 */
export function processCpu(): Map<string, number> {
  const byProcess = new Map<string, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return byProcess;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // pid (comm) state ... ; comm may hold spaces, so split after its closing parenthesis.
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 of the line, 12 and 13 after the state.
      byProcess.set(`${pid}:${name}`, Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended while being read.
    }
  }
  return byProcess;
}

/**
 * CPU ticks (1/100 s) of this process's threads by thread name: the main thread is `node` (or the
 * command's name), V8's helpers `V8 DefaultWorke`, libuv's pool `libuv-worker`. Empty without /proc.
 */
export function threadCpu(): Map<string, number> {
  const byName = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name =
        tid === String(process.pid) ? 'main thread' : stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + Number(fields[11]) + Number(fields[12]));
    } catch {
      // The thread ended while being read.
    }
  }
  return byName;
}

/**
 * Milliseconds of CPU per unit of work since `before`, by command name (or thread name, given
 * `threadCpu()` as `after`), the largest first.
 */
export function processMsPer(
  before: Map<string, number>,
  units: number,
  after = processCpu(),
): [string, number][] {
  // Differences per process (or thread), then summed by name (`processCpu` keys hold the pid).
  const byName = new Map<string, number>();
  for (const [key, ticks] of after) {
    const spent = ticks - (before.get(key) ?? 0);
    const name = key.replace(/^\d+:/, '');
    if (spent > 0) byName.set(name, (byName.get(name) ?? 0) + spent);
  }
  const out: [string, number][] = [];
  for (const [name, ticks] of byName) if (units > 0) out.push([name, (ticks * 10) / units]);
  return out.sort((a, b) => b[1] - a[1]);
}

/**
 * The share of the machine's CPU time the hypervisor gave to other guests since `before` ("steal"):
 * on a shared virtual machine every figure of a phase moves with it. An empty string without /proc.
 */
export function stolenSince(before: ReturnType<typeof machineCpu>): string {
  const after = machineCpu();
  if (!before || !after || after.total === before.total) return '';
  const share = (after.steal - before.steal) / (after.total - before.total);
  return `${fmt(100 * share, 1)}% of the machine's CPU time went to other guests (steal)`;
}

/** bench/postgraphile: PostGraphile 4 in a package of its own (it needs graphql <= 15). */
const POSTGRAPHILE_DIR = fileURLToPath(new URL('./postgraphile/', import.meta.url));

/**
 * Starts PostGraphile 4 (bench/postgraphile/server.mjs) on `databaseUrl` with a pool of
 * `poolSize` connections, installing that package's dependencies first if they are missing.
 * Resolves once its schema is built and it listens.
 */
export async function startPostgraphile(
  databaseUrl: string,
  poolSize: number,
  timeoutMs = 120_000,
): Promise<{ url: string; pid: number; close(): Promise<void> }> {
  if (!existsSync(`${POSTGRAPHILE_DIR}node_modules/postgraphile/package.json`)) {
    console.log('installing bench/postgraphile dependencies (npm install, once)...');
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const installed = spawnSync(
      npm,
      ['install', '--prefix', POSTGRAPHILE_DIR, '--no-audit', '--no-fund'],
      { stdio: 'inherit' },
    );
    if (installed.status !== 0)
      throw new Error(
        `npm install --prefix bench/postgraphile failed (${installed.error?.message ?? `exit ${installed.status}`})`,
      );
  }
  const child = spawn(process.execPath, [`${POSTGRAPHILE_DIR}server.mjs`], {
    cwd: POSTGRAPHILE_DIR,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      POOL_SIZE: String(poolSize),
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => {
    err += d;
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`PostGraphile did not listen within ${timeoutMs} ms; stderr:\n${err}`));
    }, timeoutMs);
    child.stdout!.on('data', (d) => {
      out += d;
      const found = /listening (http:\/\/\S+\/graphql)/.exec(out)?.[1];
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `PostGraphile exited (${signal ?? `code ${code}`}) before listening; stderr:\n${err}`,
        ),
      );
    });
  });
  return {
    url,
    pid: child.pid!,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
