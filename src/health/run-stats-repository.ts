/**
 * The SQL behind the run figures: a processor's recent finished runs and latest failure, and the
 * count of runs by processor and status.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';

export interface RunWindowStats {
  succeeded: number;
  failed: number;
  /** 95th percentile of first start to finish, in milliseconds; null without finished runs. */
  p95DurationMs: number | null;
}

export interface LastFailure {
  runId: string;
  message: string;
  at: Date;
}

export interface RunCount {
  processorId: string;
  status: string;
  count: number;
}

export class RunStatsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** How many runs each processor has in each status, all time. */
  async countsByStatus(): Promise<RunCount[]> {
    const rows = await this.db
      .selectFrom('processor_runs')
      .select(['processor_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['processor_id', 'status'])
      .execute();
    return rows.map((r) => ({ processorId: r.processor_id, status: r.status, count: r.n }));
  }

  /** Runs of a processor that succeeded or failed within the last `windowMs`. */
  async window(processorId: string, windowMs: number): Promise<RunWindowStats> {
    const { rows } = await sql<{ succeeded: number; failed: number; p95: number | null }>`
      select
        count(*) filter (where status = 'succeeded')::int as succeeded,
        count(*) filter (where status = 'failed')::int as failed,
        percentile_cont(0.95) within group (
          order by extract(epoch from (finished_at - coalesce(started_at, created_at))) * 1000
        ) as p95
      from processor_runs
      where processor_id = ${processorId}
        and status in ('succeeded', 'failed')
        and finished_at >= now() - ${windowMs} * interval '1 millisecond'
    `.execute(this.db);
    const row = rows[0];
    return {
      succeeded: row?.succeeded ?? 0,
      failed: row?.failed ?? 0,
      p95DurationMs: row?.p95 == null ? null : Math.round(Number(row.p95)),
    };
  }

  /** The error of the processor's most recently failed run. */
  async lastFailure(processorId: string): Promise<LastFailure | null> {
    const row = await this.db
      .selectFrom('processor_runs')
      .select(['id', 'error', 'finished_at', 'updated_at'])
      .where('processor_id', '=', processorId)
      .where('status', '=', 'failed')
      .orderBy('finished_at', 'desc')
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) return null;
    return {
      runId: row.id,
      message: row.error ?? '',
      at: row.finished_at ?? row.updated_at,
    };
  }
}
