/**
 * Starts the whole API in-process on a fresh database and talks to it through its public surface:
 * GraphQL over HTTP (`yoga.fetch`) and the REST routes. One harness per test file.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { Processor } from '../../processors/kit';
import { type App, createApp } from '../../src/app';
import { mintToken } from '../../src/auth/tokens';
import { loadConfig } from '../../src/config';
import { openTestDatabase, type TestDatabase } from './database';
import { type Fetcher, type GqlFunction, gqlOver, type RestFunction, restOver } from './kit';
import { dropNatsStreams, NATS_URL, natsEnabled, REDIS_URL, redisEnabled } from './nats';

export * from './kit';

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256!';

export interface SignedIn {
  userId: string;
  token: string;
}

export interface Harness {
  app: App;
  testDb: TestDatabase;
  /** A one-hour token for `sub`, with extra claims (e.g. `{ roles: ['registry-admin'] }`). */
  token(sub: string, claims?: Record<string, unknown>): Promise<string>;
  /** A user id unique to this run, so tests never see each other's data. */
  user(prefix?: string): string;
  /** A user unique to this run and a one-hour token for them, with extra claims if given. */
  signIn(prefix?: string, claims?: Record<string, unknown>): Promise<SignedIn>;
  /** GraphQL over HTTP: a typed document of the SDK (typed variables and answer) or a string. */
  gql: GqlFunction;
  rest: RestFunction;
  /** Runs `fn` and returns how many SQL statements it issued. */
  countQueries(fn: () => Promise<unknown>): Promise<number>;
}

/**
 * The environment of a test app: on the PostgreSQL project it also uses the real NATS, under a
 * deployment prefix of its own (its stream is deleted by `stopHarness`).
 */
export function testEnv(env: Record<string, string> = {}): Record<string, string> {
  const base: Record<string, string> = {
    // Processors run only where a test asks for them (REYNA_PROCESSORS: 'all').
    REYNA_PROCESSORS: 'none',
    REYNA_JWT_SECRET: TEST_SECRET,
    REYNA_LOG_LEVEL: 'silent',
    PORT: '0',
    // Tests run many expensive requests as one user on purpose; the event-loop budget has tests
    // of its own (test/abuse/cost-budget.test.ts) that set it low.
    REYNA_COST_LIMIT_USER_MS: '100000',
  };
  if (redisEnabled) base.REDIS_URL = REDIS_URL;
  if (natsEnabled) {
    base.NATS_URL = NATS_URL;
    base.REYNA_DEPLOYMENT = `t${randomBytes(5).toString('hex')}`;
  }
  return { ...base, ...env };
}

/**
 * Starts a test app. `processors` replaces the built-in ones; `testDb` starts it on the database
 * of an earlier harness (stop that one's app first: `app.stop()` leaves the database open).
 */
export async function startHarness(
  env: Record<string, string> = {},
  options: { processors?: Processor[]; testDb?: TestDatabase } = {},
): Promise<Harness> {
  const testDb = options.testDb ?? (await openTestDatabase());
  const config = loadConfig(testEnv(env));
  const app = await createApp(config, {
    database: testDb.database,
    processors: options.processors,
  });
  const fetcher: Fetcher = (url, init) => app.yoga.fetch(url, init);
  const harness: Harness = {
    app,
    testDb,
    token: (sub, claims) => mintToken(TEST_SECRET, sub, '1h', claims),
    user: (prefix = 'user') => `${prefix}-${randomBytes(5).toString('hex')}`,
    async signIn(prefix, claims) {
      const userId = harness.user(prefix);
      return { userId, token: await harness.token(userId, claims) };
    },
    gql: gqlOver(fetcher, 'http://studio.test/graphql'),
    rest: restOver(fetcher, 'http://studio.test'),
    async countQueries(fn) {
      const before = testDb.database.stats.queries;
      await fn();
      return testDb.database.stats.queries - before;
    },
  };
  return harness;
}

/** Registers a harness for the current test file: started before all tests, stopped after. */
export function useHarness(
  env?: Record<string, string>,
  options?: { processors?: Processor[] },
): () => Harness {
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness(env, options);
  });
  afterAll(async () => {
    await stopHarness(harness);
  });
  return () => {
    if (!harness) throw new Error('harness not started');
    return harness;
  };
}

/** Stops the app, drops its database and deletes its NATS stream. */
export async function stopHarness(harness: Harness | undefined): Promise<void> {
  if (!harness) return;
  await harness.app.stop();
  await harness.testDb.drop();
  if (harness.app.config.natsUrl) await dropNatsStreams(harness.app.config.deploymentId);
}

export const uniqueId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
