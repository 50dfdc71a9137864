/**
 * Throwaway PostgreSQL and NATS servers of a test's own, on spare ports with their own data, so a
 * test may crash and restart them freely without touching the machine's shared services (which
 * other tests and CI use). `throwawayAvailable()` says whether the binaries are installed; a test
 * that needs them must skip visibly when they are not.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest installed PostgreSQL's bin folder (Debian layout), if any. */
function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

function natsServerBin(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat('/usr/sbin', '/usr/local/bin')) {
    const candidate = join(dir, 'nats-server');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** What is missing for throwaway services, or an empty list when both can be started. */
export function throwawayMissing(): string[] {
  const missing: string[] = [];
  if (!postgresBin()) missing.push('PostgreSQL server binaries (initdb, pg_ctl)');
  if (!natsServerBin()) missing.push('nats-server');
  return missing;
}

/** A port nothing listens on right now. */
export function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** initdb refuses to run as root: there the cluster belongs to the `postgres` OS user. */
const asRoot = process.getuid?.() === 0;
async function runPg(bin: string, args: string[]): Promise<void> {
  if (asRoot) await run('runuser', ['-u', 'postgres', '--', bin, ...args]);
  else await run(bin, args);
}

export interface ThrowawayPostgres {
  port: number;
  /** A connection URL for the `postgres` database. */
  url: string;
  /** Kills the server without a clean shutdown (`pg_ctl stop -m immediate`), as a crash. */
  crash(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** Starts it if it is not running (after a test that failed mid-outage). */
  ensureUp(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL server binaries are not installed');
  const dir = await mkdtemp(join(tmpdir(), 'reyna-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  await runPg(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-N']);
  const port = await sparePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () =>
    runPg(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  const stop = (mode: string) =>
    runPg(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']).catch(() => {});
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    crash: () => stop('immediate'),
    start,
    async ensureUp() {
      const running = await runPg(join(bin, 'pg_ctl'), ['-D', data, 'status']).then(
        () => true,
        () => false,
      );
      if (!running) await start();
    },
    async destroy() {
      await stop('immediate');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface ThrowawayNats {
  port: number;
  url: string;
  /** Kills the server (SIGKILL); its JetStream store stays. */
  kill(): Promise<void>;
  /** Starts it again on the same port and store. */
  start(): Promise<void>;
  /** Starts it if it is not running. */
  ensureUp(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startThrowawayNats(): Promise<ThrowawayNats> {
  const bin = natsServerBin();
  if (!bin) throw new Error('nats-server is not installed');
  const dir = await mkdtemp(join(tmpdir(), 'reyna-nats-'));
  const port = await sparePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const started = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = started;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`nats-server did not start:\n${log}`)),
        15_000,
      );
      started.stderr!.on('data', (d) => {
        log += d;
        if (/Server is ready/.test(log)) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited with ${code}:\n${log}`));
      });
    });
    started.removeAllListeners('exit');
  };
  const kill = async () => {
    const current = child;
    child = undefined;
    if (!current || current.exitCode !== null || current.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      current.once('exit', () => resolve());
      current.kill('SIGKILL');
    });
  };
  await start();
  return {
    port,
    url: `nats://127.0.0.1:${port}`,
    kill,
    start,
    async ensureUp() {
      if (!child || child.exitCode !== null || child.signalCode !== null) await start();
    },
    async destroy() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
