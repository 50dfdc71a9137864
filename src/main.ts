/**
 * The `reyna` command.
 *
 *   reyna serve            start the API (embedded PGlite unless DATABASE_URL is set) and the
 *                          Studio web app at `/` (built first when web/dist is missing or stale)
 *   reyna worker [ids..]   run processors (all, or the ids given) as a separate process
 *   reyna token [sub] [expiry] [roles]
 *                          print a token (HS256 with REYNA_JWT_SECRET or the dev secret), e.g.
 *                          `reyna token alice 30d registry-author`
 *   reyna print-schema     write schema.graphql (sorted SDL) from the code
 *
 * Operator commands (src/cli/) talk to a running API with an admin token: see src/cli/index.ts.
 */
import { writeFile } from 'node:fs/promises';
import { decodeJwt } from 'jose';
import { createApp } from './app';
import { mintToken, rolesClaims } from './auth/tokens';
import { ApiError } from './cli/api-client';
import { operatorCommands } from './cli/index';
import { type Config, ConfigError, loadConfig } from './config';
import { ensureStudioBuilt } from './http/studio-build';
import type { Logger } from './logger';
import { toUnavailable } from './unavailable';

/**
 * A dependency going away never ends the process. Every path that talks to PostgreSQL or NATS
 * handles its errors; this is the net under them: an outage error that escapes to the top (a
 * background step caught mid-flight by a crash) is logged as a warning and the process goes on.
 * Anything else is a bug: logged, and the process ends as Node would end it.
 */
function surviveOutages(log: Logger): void {
  const escaped = (kind: string) => (error: unknown) => {
    if (toUnavailable(error)) {
      log.warn(`dependency unavailable (${kind} outside any handler)`, { error });
      return;
    }
    log.error(kind, { error });
    process.exit(1);
  };
  process.on('unhandledRejection', escaped('unhandled rejection'));
  process.on('uncaughtException', escaped('uncaught exception'));
}

/** Which LLM text expansion uses, in a line an operator can act on. */
function describeLlm(config: Config): string {
  if (config.llm === 'demo') {
    return `demo, model "${config.llmModel}": labelled sample text, not AI-written (set OPENAI_BASE_URL for a real model)`;
  }
  if (!config.openaiBaseUrl && !config.openaiApiKey) {
    return 'none configured: text expansion runs fail until OPENAI_BASE_URL (or OPENAI_API_KEY) is set';
  }
  // The origin only: a URL may carry credentials.
  const server = config.openaiBaseUrl ? new URL(config.openaiBaseUrl).origin : 'OpenAI';
  return `${server}, model "${config.llmModel}"`;
}

async function serve(): Promise<void> {
  const config = loadConfig();
  const [app, studio] = await Promise.all([createApp(config), ensureStudioBuilt()]);
  const url = await app.listen();
  const engine =
    app.database.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL';
  console.log(`ReYNa Studio API on ${engine}`);
  if (studio.status === 'failed') {
    console.log(
      `Studio (web app): not served, the build failed (${studio.reason}): ${studio.error}`,
    );
  } else {
    const built = studio.status === 'built' ? ` (built in ${studio.ms} ms: ${studio.reason})` : '';
    console.log(`Studio (web app): ${url}/${built}`);
  }
  console.log(`GraphQL and GraphiQL: ${url}/graphql`);
  console.log(`WebSocket (graphql-ws): ${url.replace(/^http/, 'ws')}/graphql`);
  console.log(`LLM: ${describeLlm(config)}`);
  if (app.devToken) {
    const { exp = 0 } = decodeJwt(app.devToken);
    const days = Math.round((exp * 1000 - Date.now()) / 86_400_000);
    const until = new Date(exp * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    console.log(
      `Development token (user "dev", valid ${days} days, until ${until}), already filled in GraphiQL's headers:`,
    );
    console.log(`  Authorization: Bearer ${app.devToken}`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info('stopping', { signal });
    await app.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  surviveOutages(app.log);
}

async function worker(...ids: string[]): Promise<void> {
  const config = loadConfig();
  const { createCore } = await import('./core');
  const core = await createCore(config);
  await core.startProcessors(ids.length > 0 ? ids : 'all');
  const names = ids.length > 0 ? ids.join(', ') : 'all processors';
  console.log(
    `ReYNa worker running ${names} on ${core.events.kind === 'nats' ? 'NATS JetStream' : 'the in-process backbone'}`,
  );
  console.log(`  heartbeat every ${config.heartbeatMs} ms as ${core.heartbeat.id}`);
  const { startWorkerProbe } = await import('./http/worker-probe');
  const probe =
    config.workerPort === undefined
      ? undefined
      : await startWorkerProbe(core, config.workerPort, config.host);
  console.log(
    probe
      ? `  /healthz, /readyz and /metrics on ${probe.url}`
      : '  no HTTP (set REYNA_WORKER_PORT for /healthz, /readyz and /metrics); see Processor.health on the API',
  );
  if (core.events.kind === 'memory') {
    console.log(
      '  note: without NATS_URL this worker only sees events written by itself; set NATS_URL to share work',
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    core.log.info('stopping: finishing runs in flight', { signal });
    await core.stop();
    await probe?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  surviveOutages(core.log);
}

async function token(sub = 'dev', expiresIn = '30d', roles = ''): Promise<void> {
  const config = loadConfig();
  if (!config.jwtSecret)
    throw new ConfigError(
      'Minting needs REYNA_JWT_SECRET (tokens from a JWKS are issued elsewhere)',
    );
  const list = roles
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  const claims = list.length > 0 ? rolesClaims(config.rolesClaim, list) : {};
  console.log(await mintToken(config.jwtSecret, sub, expiresIn, claims));
}

async function printSchema(path = 'schema.graphql'): Promise<void> {
  const { printSortedSchema } = await import('./graphql/schema');
  await writeFile(path, printSortedSchema());
  console.log(`wrote ${path}`);
}

const [command = 'serve', ...args] = process.argv.slice(2);
const commands: Record<string, (...a: string[]) => Promise<void>> = {
  serve,
  worker,
  token,
  'print-schema': printSchema,
  ...operatorCommands,
};
const run = commands[command];
if (!run) {
  console.error(`unknown command "${command}": use ${Object.keys(commands).join(', ')}`);
  process.exit(2);
}
run(...args).catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`configuration: ${error.message}`);
  else if (error instanceof ApiError) console.error(`${error.code ?? 'error'}: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
