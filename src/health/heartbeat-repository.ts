/** All SQL for worker heartbeats. Times are the database's clock, one clock for every host. */
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, WorkerHeartbeatsTable } from '../db/types';

/** A process running processors, as its last heartbeat described it. */
export interface WorkerBeat {
  id: string;
  host: string;
  pid: number;
  /** The processors it consumes for. */
  processors: string[];
  /** Runs it is working on, by processor id. */
  inFlight: Record<string, number>;
  /** How often it beats: it counts as live for two of these after its last beat. */
  intervalMs: number;
  startedAt: Date;
  lastBeat: Date;
}

/** Rows silent this many intervals are deleted by the next beat of any worker. */
const EXPIRE_AFTER_INTERVALS = 10;

const toBeat = (r: Selectable<WorkerHeartbeatsTable>): WorkerBeat => ({
  id: r.id,
  host: r.host,
  pid: r.pid,
  processors: r.processors,
  inFlight: r.in_flight,
  intervalMs: r.interval_ms,
  startedAt: r.started_at,
  lastBeat: r.last_beat,
});

export class HeartbeatRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Writes (or rewrites) a worker's row with its last beat now, and expires long-dead rows. */
  async beat(w: Omit<WorkerBeat, 'lastBeat'>): Promise<void> {
    const row = {
      host: w.host,
      pid: w.pid,
      processors: JSON.stringify(w.processors),
      in_flight: JSON.stringify(w.inFlight),
      interval_ms: w.intervalMs,
      last_beat: sql<Date>`now()`,
    };
    await this.db
      .insertInto('worker_heartbeats')
      .values({ id: w.id, started_at: w.startedAt, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
    await this.db
      .deleteFrom('worker_heartbeats')
      .where(
        sql<boolean>`last_beat < now() - (interval_ms * ${EXPIRE_AFTER_INTERVALS}) * interval '1 millisecond'`,
      )
      .execute();
  }

  /** A worker's goodbye. */
  async remove(id: string): Promise<void> {
    await this.db.deleteFrom('worker_heartbeats').where('id', '=', id).execute();
  }

  /** Workers whose last beat is within two of their intervals, oldest first. */
  async live(): Promise<WorkerBeat[]> {
    const rows = await this.db
      .selectFrom('worker_heartbeats')
      .selectAll()
      .where(sql<boolean>`last_beat >= now() - (interval_ms * 2) * interval '1 millisecond'`)
      .orderBy('started_at')
      .orderBy('id')
      .execute();
    return rows.map(toBeat);
  }
}
