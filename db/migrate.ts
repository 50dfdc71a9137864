/**
 * Migration entry point: `npm run migrate` (up to latest) or `npm run migrate -- down` (one step).
 * Uses the same configuration as the server, so it migrates PGlite or PostgreSQL alike.
 */
import { type Kysely, Migrator, sql } from 'kysely';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { migrations } from './migrations/index';

export function createMigrator(db: Kysely<unknown>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Brings the database to the latest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await createMigrator(db).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`, {
      cause: error,
    });
  }
}

/**
 * The name of the latest migration applied to `db`, undefined when none is; throws when the
 * database does not answer (or was never migrated), which readiness reports as failing.
 */
export async function latestAppliedMigration(db: Kysely<unknown>): Promise<string | undefined> {
  const { rows } = await sql<{
    name: string;
  }>`select name from kysely_migration order by name desc limit 1`.execute(db);
  return rows[0]?.name;
}

async function main(direction: string | undefined): Promise<void> {
  const database = await openDatabase(loadConfig());
  try {
    const migrator = createMigrator(database.db as Kysely<unknown>);
    const { error, results } =
      direction === 'down' ? await migrator.migrateDown() : await migrator.migrateToLatest();
    for (const r of results ?? []) console.log(`${r.status}: ${r.direction} ${r.migrationName}`);
    if (error) throw error;
    if (!results?.length) console.log('nothing to do');
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv[2]).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
