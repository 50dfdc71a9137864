import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const require = createRequire(import.meta.url);

/**
 * Every test file runs twice: once on the real PostgreSQL and once on embedded PGlite. With `CI`
 * set the PostgreSQL project refuses to run without a reachable server.
 */
/** Whether a service answers on its port. */
function listening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1500);
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => done(true)).once('error', () => done(false));
    socket.once('timeout', () => done(false));
    socket.connect(port, host);
  });
}

// With CI set, a missing PostgreSQL fails the run (the postgres project's tests fail to connect).
// Locally, the PostgreSQL project is left out, loudly, and only PGlite runs.
const usePostgres = Boolean(
  process.env.CI || process.env.REYNA_TEST_PG_URL || (await listening(5432)),
);
// The PostgreSQL project also runs on the real NATS; with CI set it must be there.
const useRedis = Boolean(
  process.env.CI || process.env.REYNA_TEST_REDIS_URL || (await listening(6379)),
);
const useNats = Boolean(
  process.env.CI || process.env.REYNA_TEST_NATS_URL || (await listening(4222)),
);
if (usePostgres && !useNats) {
  console.warn(
    '\n*** NATS is not reachable on 127.0.0.1:4222: the PostgreSQL project uses the in-process backbone ***\n',
  );
}
if (!usePostgres) {
  console.warn(
    '\n*** PostgreSQL is not reachable on 127.0.0.1:5432: running the PGlite project only ***\n',
  );
}

// This run's mark in the names of the databases its tests create: test/support/global-setup.ts
// drops any of them a test left behind, and says which.
const RUN = process.env.REYNA_TEST_RUN ?? randomBytes(3).toString('hex');
process.env.REYNA_TEST_RUN = RUN;

const postgres: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'postgres',
    include: ['test/**/*.test.ts'],
    // Tests of the embedded default start their own PGlite server process: run them once.
    exclude: ['test/**/*.embedded.test.ts', ...(useNats ? [] : ['test/**/*.pg-only.test.ts'])],
    env: {
      REYNA_TEST_BACKEND: 'postgres',
      REYNA_TEST_RUN: RUN,
      REYNA_TEST_NATS: useNats ? 'on' : 'off',
      REYNA_TEST_REDIS: useRedis ? 'on' : 'off',
    },
  },
};
/** Browser tests that run on the PostgreSQL project only when it runs (see the pglite project). */
const ONCE_ON_POSTGRES = [
  'test/graphiql.browser.test.ts',
  'test/studio-a11y.browser.test.ts',
  'test/studio-export.browser.test.ts',
  'test/studio-live.browser.test.ts',
  'test/studio-writer.browser.test.ts',
];
const pglite: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'pglite',
    include: ['test/**/*.test.ts'],
    // The browser tests drive the Studio and GraphiQL, whose code is the same on either backend
    // (the backends themselves are covered by every other file on both projects): with
    // PostgreSQL present they run once, on it, which keeps the run well under its time budget.
    // The Studio's main flow (test/studio.browser.test.ts) still runs on both.
    exclude: ['test/**/*.pg-only.test.ts', ...(usePostgres ? ONCE_ON_POSTGRES : [])],
    env: { REYNA_TEST_BACKEND: 'pglite' },
  },
};

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS and ESM builds without an exports map: Node (and so Pothos and
    // Yoga) loads the CommonJS one, Vite would hand our code the ESM one. One realm for both.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll waits for what a user would wait for (a page to render, a run to end); its
    // default of 1 s failed a browser test once while the whole suite loaded both cores. A poll
    // still fails when the awaited state never comes.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    // Each worker process imports the app once and runs its files one after another (importing
    // it takes about 4 s, and a run has some 150 files); every file still builds its own app,
    // database and streams through the harness, and no test mocks modules or changes the
    // environment. About a third off the run's time.
    isolate: false,
    globalSetup: usePostgres ? ['test/support/global-setup.ts'] : [],
    env: { REYNA_TEST_RUN: RUN },
    maxWorkers: 2,
    projects: usePostgres ? [postgres, pglite] : [pglite],
  },
});
