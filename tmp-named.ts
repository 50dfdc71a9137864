import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { loadConfig } from './src/config';
import { openDatabase } from './src/db/database';
import { migrateToLatest } from './db/migrate';

const kind = process.argv[2] ?? 'pglite';
const config = loadConfig({ REYNA_JWT_SECRET: 'x'.repeat(40), ...(kind === 'pg' ? { DATABASE_URL: process.env.DB! } : {}) });
const database = await openDatabase(config, kind === 'pg' ? { poolSize: 2 } : { pgliteDir: 'memory://' });
await migrateToLatest(database.db as unknown as Kysely<unknown>);
const c = await database.pool.connect();
const text = `select * from processor_runs where id = $1 and user_id = $2`;
const ins = `insert into outbox (event_id, user_id, type, event) values ($1, $2, 'blob.created.x', '{}') returning *`;
const user = randomUUID();
async function run(label: string, named: boolean, q: string, args: () => unknown[], n = 2000) {
  for (let i = 0; i < 200; i++) await c.query(named ? { name: label, text: q, values: args() } : { text: q, values: args() });
  const cpu0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) await c.query(named ? { name: label, text: q, values: args() } : { text: q, values: args() });
  const cpu = process.cpuUsage(cpu0); const ms = performance.now() - t0;
  console.log(label.padEnd(16), named ? 'named  ' : 'unnamed', `${((cpu.user + cpu.system) / 1000 / n * 1000).toFixed(0)} µs CPU/stmt`, `${(ms / n * 1000).toFixed(0)} µs wall/stmt`);
}
for (const named of [false, true, false, true]) {
  await run('select-by-id', named, text, () => [randomUUID(), user]);
  await run('insert-run', named, ins, () => [randomUUID(), user]);
}
c.release();
await database.close();
