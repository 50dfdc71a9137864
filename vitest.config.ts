import { defineConfig } from 'vitest/config';

/**
 * Every test file runs twice: once on the real PostgreSQL and once on embedded PGlite. With `CI`
 * set the PostgreSQL project refuses to run without a reachable server.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'postgres', include: ['test/**/*.test.ts'], env: { REYNA_TEST_BACKEND: 'postgres' } },
      },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.pg-only.test.ts'],
          env: { REYNA_TEST_BACKEND: 'pglite' },
        },
      },
    ],
  },
});
