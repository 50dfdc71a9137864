/**
 * `npm run bench:usage`: what the quota check costs a user as their data grows. createBlob over
 * HTTP for a user who starts with no blobs, then for one who starts with 50,000 (5,000 of them
 * with an earlier version), same server, same database, same load.
 *
 * Every quota-checked write of a user runs under that user's lock, so a burst of one user is as
 * fast as one write's time inside the lock allows: a check that scans the user's rows shows up
 * here as throughput falling with the data, one that reads a counter as no difference.
 */
import { createApp } from '../src/app';
import { mintToken } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { benchDatabase, fmt, load, UNLIMITED_ENV } from './support';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const PRELOAD = Number(process.env.BENCH_PRELOAD ?? 50_000);
const SECRET = 'bench-secret-that-is-long-enough-for-hs256';

/**
 * Gives `userId` `count` blobs, every tenth with one earlier version, in two statements. Rows
 * written behind the store's back are then counted the way the usage migration counts existing
 * data (when the database keeps counters at all).
 */
async function preload(pool: import('pg').Pool, userId: string, count: number): Promise<void> {
  await pool.query(
    `insert into blobs (user_id, processor_id, schema_id, data, size)
     select $1, 'user-input', 'text-input-v1', d, octet_length(d::text)
     from (select jsonb_build_object('content', 'Stand-in passage number ' || g) as d
           from generate_series(1, $2::int) g) s`,
    [userId, count],
  );
  await pool.query(
    `insert into blob_versions (blob_id, version, schema_id, data, size)
     select id, 1, schema_id, data, size from blobs where user_id = $1 and seq % 10 = 0`,
    [userId],
  );
  await pool.query(`update blobs set version = 2 where user_id = $1 and seq % 10 = 0`, [userId]);
  const { rows } = await pool.query(`select to_regclass('blob_usage') is not null as counted`);
  if (rows[0].counted) {
    await pool.query(
      `insert into blob_usage (user_id, blobs, bytes, current_bytes)
       select b.user_id, count(*), sum(b.size) + coalesce(sum(v.size), 0), sum(b.size)
       from blobs b
       left join (select blob_id, sum(size) as size from blob_versions group by blob_id) v
         on v.blob_id = b.id
       where b.user_id = $1 and b.deleted_at is null group by b.user_id
       on conflict (user_id) do update set blobs = excluded.blobs, bytes = excluded.bytes,
         current_bytes = excluded.current_bytes`,
      [userId],
    );
  }
  await pool.query('analyze blobs');
  await pool.query('analyze blob_versions');
}

async function main() {
  const bench = await benchDatabase(CONNECTIONS);
  const config = loadConfig({
    REYNA_JWT_SECRET: SECRET,
    // The load is the point here: no rate limits.
    ...UNLIMITED_ENV,
    REYNA_LOG_LEVEL: 'silent',
    PORT: '0',
  });
  const app = await createApp(config, { database: bench.database });
  const base = await app.listen();
  const started = Date.now();
  await preload(bench.database.pool, 'bench-full', PRELOAD);
  console.log(
    `database: ${bench.label}; ${CONNECTIONS} connections; ${SECONDS} s per measurement; ` +
      `${fmt(PRELOAD)} blobs preloaded in ${fmt((Date.now() - started) / 1000, 1)} s\n`,
  );
  const body = JSON.stringify({
    query: 'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id version } }',
    variables: {
      input: {
        schemaId: 'text-input-v1',
        data: { content: 'The ship sailed at dawn, and the harbour watched it go.' },
      },
    },
  });
  console.log('createBlob over HTTP, one user per run (all writes of a user take its lock)');
  for (const [userId, label] of [
    ['bench-empty', 'user with 0 blobs     '],
    ['bench-full', `user with ${fmt(PRELOAD)} blobs`],
  ] as const) {
    const token = await mintToken(SECRET, userId, '1h');
    const r = await load({
      url: `${base}/graphql`,
      headers: { authorization: `Bearer ${token}` },
      connections: CONNECTIONS,
      seconds: SECONDS,
      body,
    });
    console.log(
      `  ${label}  ${fmt(r.rps)} /s  (p50 ${r.p50} ms, p99 ${r.p99} ms, errors ${r.errors + r.non2xx})`,
    );
  }
  await app.stop();
  await bench.drop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
