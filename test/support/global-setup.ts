/**
 * After the whole run: drops any database a test of this run left behind on PostgreSQL (each
 * test drops its own; this catches one that did not, and names it so the leak gets fixed).
 */
import pg from 'pg';
import { ADMIN_URL, testDatabasePrefix } from './database';

export default function setup(): () => Promise<void> {
  const prefix = testDatabasePrefix();
  return async () => {
    if (prefix === 'reyna_test_') return;
    const client = new pg.Client({ connectionString: ADMIN_URL });
    try {
      await client.connect();
    } catch {
      return;
    }
    try {
      const { rows } = await client.query<{ datname: string }>(
        'select datname from pg_database where starts_with(datname, $1)',
        [prefix],
      );
      for (const { datname } of rows) {
        console.warn(`a test left its database ${datname} behind: dropped`);
        await client.query(`drop database if exists "${datname}" with (force)`);
      }
    } finally {
      await client.end();
    }
  };
}
