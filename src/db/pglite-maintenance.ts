/**
 * The part of PostgreSQL's autovacuum the embedded database needs: PGlite runs none, so without
 * this a table is never analyzed and never vacuumed. The planner then knows nothing of how many
 * rows a user has, and chose the (user_id, seq) index over the primary key for a blob read by id
 * and user: a read that walked all of the user's blobs, about 40 ms at 25,000 of them. Dead rows
 * (the usage counters and run rows updated on every write) were never reclaimed either.
 *
 * Every `everyMs`, the tables past autovacuum's own default thresholds are vacuumed (dead rows
 * over 50 plus a fifth of the live ones) or analyzed (rows changed since the last analysis over
 * 50 plus a tenth of the live ones), one at a time. The first look is at start: a data folder
 * from an older version has never been analyzed.
 */
import type pg from 'pg';
import { onPoolClient } from './prepared';

/** How often the tables are looked at. */
export const MAINTENANCE_EVERY_MS = 30_000;

interface TableStats {
  relname: string;
  live: number;
  dead: number;
  changed: number;
}

export interface Maintenance {
  /** Looks once now: the tables vacuumed or analyzed, by name. */
  runOnce(): Promise<string[]>;
  /** Stops looking, after the look in progress (if any). */
  stop(): Promise<void>;
}

export function startMaintenance(
  /** The database's pool: its statements are not counted as the API's (`Database.stats`). */
  pool: Pick<pg.Pool, 'connect'>,
  options: { everyMs?: number; onError?: (error: unknown) => void } = {},
): Maintenance {
  let running: Promise<string[]> | undefined;
  let stopped = false;
  const runOnce = (): Promise<string[]> => {
    running ??= look(pool).finally(() => {
      running = undefined;
    });
    return running;
  };
  const tick = () => {
    if (stopped) return;
    runOnce().catch((error: unknown) => options.onError?.(error));
  };
  const timer = setInterval(tick, options.everyMs ?? MAINTENANCE_EVERY_MS);
  timer.unref();
  setImmediate(tick);
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}

async function look(pool: Pick<pg.Pool, 'connect'>): Promise<string[]> {
  // A connection for each statement, given back between them: a connection held while waiting
  // for PGlite's one session (another connection's transaction holds it) is one fewer for that
  // transaction's own work, and the pool has four.
  const query = <R extends pg.QueryResultRow>(text: string) =>
    onPoolClient(pool, (client) => client.query<R>(text));
  // The counters of the last second's writes are flushed at the end of this statement, for the
  // next one to read (they are otherwise flushed once a second at most).
  await query('select pg_stat_force_next_flush()');
  const { rows } = await query<TableStats>(`
    select relname, n_live_tup::float8 as live, n_dead_tup::float8 as dead,
           n_mod_since_analyze::float8 as changed
    from pg_stat_user_tables where schemaname = 'public' order by relname`);
  const done: string[] = [];
  for (const t of rows) {
    // A table name from the catalog, quoted as an identifier.
    const table = `"${t.relname.replaceAll('"', '""')}"`;
    if (t.dead > 50 + 0.2 * t.live) await query(`vacuum (analyze) ${table}`);
    else if (t.changed > 50 + 0.1 * t.live) await query(`analyze ${table}`);
    else continue;
    done.push(t.relname);
  }
  return done;
}
