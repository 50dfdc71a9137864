/** Runs the `reyna` command as a real child process, as an operator would. */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

const root = new URL('../..', import.meta.url).pathname;

export interface Started {
  child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
}

/**
 * Starts `reyna <args>` with only `env` (plus PATH and HOME) and resolves once its output matches
 * `ready`. Rejects if it exits first or takes longer than `timeoutMs`.
 */
export function startReyna(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 60_000,
): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`reyna ${args.join(' ')} did not start:\n${out}`)),
      timeoutMs,
    );
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`reyna ${args.join(' ')} exited with ${code}:\n${out}`));
    };
    child.stderr!.on('data', (d) => {
      out += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
      if (ready.test(out)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, output: () => out });
      }
    });
    child.once('exit', onExit);
  });
}

/** Sends `signal` and resolves with the exit code. */
export function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

/** The URL `reyna serve` printed. */
export const servedUrl = (s: Started) =>
  /GraphQL and GraphiQL: (\S+)\/graphql/.exec(s.output())![1]!;

/**
 * A fresh PostgreSQL database and NATS prefix for child processes, and the environment that
 * points `reyna` at them. `cleanup` receives what removes both afterwards.
 */
export async function servicesEnv(
  cleanup: (fn: () => Promise<unknown>) => void,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  const { createPgDatabase } = await import('./database');
  const { NATS_URL, dropNatsStreams } = await import('./nats');
  const { TEST_SECRET } = await import('./harness');
  const { url, drop } = await createPgDatabase();
  const prefix = `t${randomBytes(5).toString('hex')}`;
  cleanup(drop);
  cleanup(() => dropNatsStreams(prefix));
  return {
    DATABASE_URL: url,
    NATS_URL,
    REYNA_DEPLOYMENT: prefix,
    REYNA_JWT_SECRET: TEST_SECRET,
    REYNA_LOG_LEVEL: 'warn',
    ...extra,
  };
}

/** Runs `reyna <args>` to its end with only `env` (plus PATH and HOME): its exit code and output. */
export function runReyna(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
