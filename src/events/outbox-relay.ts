/**
 * Publishes committed outbox rows to the backbone, in outbox order, with the event id as the
 * message id, then marks them sent. Several relays (one per API instance) share the work with
 * `for update skip locked`. A crash after publishing and before marking republishes the row on
 * the next pass, and the backbone's deduplication stores it once; a crash before publishing only
 * delays it. A write that rolled back never had a row.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';
import type { Logger } from '../logger';
import type { EventBackbone } from './backbone';
import { parseEvent, type StudioEvent } from './event';

export interface OutboxRelayOptions {
  /** Rows per pass. Default 200. */
  batchSize?: number;
  /** Poll interval for rows written by other processes. Default 250 ms. */
  intervalMs?: number;
}

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly batchSize: number;
  private readonly intervalMs: number;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly backbone: EventBackbone,
    private readonly log: Logger,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 200;
    this.intervalMs = options.intervalMs ?? 250;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Publishes pending rows now (after a local write) instead of at the next poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops polling and waits for the pass in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass until the outbox is empty; returns how many events were published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.pass();
      total += n;
      if (n < this.batchSize) return total;
    }
  }

  /** Events committed but not yet published. */
  async backlog(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('published_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.loop().finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.schedule(0);
        } else {
          this.schedule(this.intervalMs);
        }
      });
    }, delay);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    try {
      await this.drain();
    } catch (error) {
      this.log.warn('outbox relay pass failed; retrying', { error });
    }
  }

  /**
   * One pass: claim the oldest pending rows and mark them sent inside a transaction that stays
   * open while they are published, so a failed or interrupted publish rolls the marks back.
   * Publishes go out together, in order, on one connection.
   */
  private async pass(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ id: number; event: unknown }>`
        update outbox set published_at = now()
        where id in (
          select id from outbox where published_at is null order by id limit ${this.batchSize}
          for update skip locked
        )
        returning id, event`.execute(trx);
      if (rows.length === 0) return 0;
      rows.sort((a, b) => Number(a.id) - Number(b.id));
      const events: StudioEvent[] = [];
      for (const row of rows) {
        try {
          events.push(parseEvent(row.event));
        } catch (error) {
          this.log.error('outbox row is not a valid event; marked sent to unblock the relay', {
            id: row.id,
            error,
          });
        }
      }
      await Promise.all(events.map((event) => this.backbone.publish(event)));
      return rows.length;
    });
  }
}
