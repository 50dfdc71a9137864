/**
 * PostGraphile 4 over the `public` schema, the baseline `npm run bench` compares the API with.
 * It lives in its own package (bench/postgraphile) because PostGraphile 4 needs graphql <= 15.
 *
 *   DATABASE_URL  the database to serve (required)
 *   PORT          port on 127.0.0.1; 0 (the default) takes any free one
 *   POOL_SIZE     most connections in its pg pool (16 by default, as the API's)
 *
 * Prints `listening http://127.0.0.1:<port>/graphql` once the schema is built and the port is
 * open; on SIGTERM or SIGINT it stops taking requests, closes the pool and exits 0.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import postgraphileModule from 'postgraphile';

const { postgraphile } = postgraphileModule;

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('DATABASE_URL is required');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 0);
const poolSize = Number(process.env.POOL_SIZE ?? 16);

const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
// An idle client losing its connection must not bring the process down.
pool.on('error', (error) => console.error(`pg pool: ${error.message}`));

// Options as a production deployment would set them (see PostGraphile's "production" advice),
// minus what the benchmark does not exercise: no subscriptions, no watch mode, no GraphiQL, no
// query log, no stack traces or extended error fields in answers.
const handler = postgraphile(pool, 'public', {
  watchPg: false,
  graphiql: false,
  enhanceGraphiql: false,
  subscriptions: false,
  live: false,
  disableQueryLog: true,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: false,
  legacyRelations: 'omit',
  showErrorStack: false,
  extendedErrors: [],
  retryOnInitFail: false,
  enableCors: false,
});

// Build the schema (introspection) before saying we are ready, so the first measured request
// does not pay for it.
await handler.getGraphQLSchema();

const server = createServer(handler);
server.keepAliveTimeout = 65_000;
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});
console.log(`listening http://127.0.0.1:${server.address().port}/graphql`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  server.close();
  server.closeAllConnections();
  try {
    await handler.release();
    await pool.end();
  } catch (error) {
    console.error(`while stopping: ${error.message}`);
  }
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
