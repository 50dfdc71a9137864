/**
 * Publishes committed outbox events to the backbone, in outbox order, with the event id as the
 * message id, then marks them sent. An outbox lives where the writes it describes commit: the
 * PostgreSQL `outbox` table always, and a MongoDB `outbox` collection when blobs live there; the
 * relay drains every source it is given. Several relays (one per API instance) share the work. A
 * crash after publishing and before marking republishes the events on a later pass, and the
 * backbone's deduplication stores them once; a crash before publishing only delays them. A write
 * that rolled back never had an outbox entry.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type pg from 'pg';
import type { Database } from '../db/database';
import { DISK_WAIT_OFF } from '../db/disk-wait';
import { onPoolClient } from '../db/prepared';
import type { DB } from '../db/types';
import type { Logger } from '../logger';
import type { EventBackbone } from './backbone';
import { parseEvent, type StudioEvent } from './event';

/** One pending outbox entry: its position (for logs) and the stored event. */
export interface OutboxEntry {
  id: string | number;
  event: unknown;
}

/** Where committed events wait for the relay. */
export interface OutboxSource {
  readonly name: string;
  /**
   * Claims up to `limit` of the oldest pending entries, hands them to `publish` in order, and
   * marks them sent only when `publish` resolves (a rejection leaves them pending). Returns how
   * many pending entries the pass saw (at most `limit`): fewer than `limit` means the outbox was
   * drained, so a relay keeps passing while it gets `limit`.
   */
  pass(
    limit: number,
    publish: (entries: OutboxEntry[]) => Promise<void>,
    /** Event ids to leave alone: their writer is publishing them (see `OutboxRelay.committed`). */
    skip?: ReadonlySet<string>,
  ): Promise<number>;
  /** Entries committed but not yet published. */
  backlog(): Promise<number>;
  /**
   * Removes up to `limit` published entries written more than `olderThanMs` ago; returns how
   * many. Sources that keep nothing once published need not have it.
   */
  prune?(olderThanMs: number, limit: number): Promise<number>;
}

/**
 * How long a claim holds: well over a healthy publish of one batch (milliseconds), and the
 * longest the outbox waits after a relay lost its database mid-pass (it could not release).
 */
const CLAIM_SECONDS = 10;
/** The advisory lock that makes claims one at a time, across every relay on the database. */
const CLAIM_LOCK = 0x7265796e; // "reyn"
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Event ids a claim leaves alone at most; beyond that a claim may take rows their writer is
 * publishing too, and the backbone keeps one of the two.
 */
const MAX_SKIPPED = 1000;

/**
 * The outbox rows matching `where`, locked in id order: every statement that updates several
 * rows takes their locks in that one order, so two of them (a writer marking the rows it
 * published, a pass claiming or marking the same rows) wait for each other rather than
 * deadlock, which they did under load when one went in event id order and the other in id order.
 */
const inIdOrder = (where: RawBuilder<unknown>) =>
  sql`select id from outbox where ${where} order by id for update`;

/**
 * The PostgreSQL outbox. A pass claims the oldest pending rows in a short transaction of its
 * own, commits, publishes, and then marks them sent; no transaction or connection is held while
 * the backbone is slow or down. A failed publish releases the claim; a relay that dies mid-pass
 * (or its database mid-pass) leaves a claim that expires after CLAIM_SECONDS, and the rows are then published again (the
 * backbone stores an event id once).
 *
 * Order per outbox: a relay claims only while no other claim is live, and claims are taken one
 * at a time under an advisory lock, so rows are published batch after batch in id order even
 * with several relays (they take turns rather than share a backlog).
 */
export class PgOutboxSource implements OutboxSource {
  readonly name = 'postgres';
  private readonly db: Kysely<DB>;
  private readonly pool: Pick<pg.Pool, 'connect'>;
  private readonly stats: { queries: number };
  constructor(database: Pick<Database, 'db' | 'pool'> & { stats?: Database['stats'] }) {
    this.db = database.db;
    this.pool = database.pool;
    this.stats = database.stats ?? { queries: 0 };
  }

  async pass(
    limit: number,
    publish: (entries: OutboxEntry[]) => Promise<void>,
    skip?: ReadonlySet<string>,
  ): Promise<number> {
    const rows = await this.claim(limit, skip);
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    try {
      await publish(rows);
    } catch (error) {
      // Released so the next pass retries at once; if the database is down too, the claim expires.
      await sql`update outbox set claimed_until = null
        where id in (${inIdOrder(sql`id = any(${ids}::bigint[]) and published_at is null`)})`
        .execute(this.db)
        .catch(() => {});
      throw error;
    }
    // Marks fail only if the database is down: the rows are then published again once their
    // claim expires, and the backbone drops the duplicates by event id.
    await sql`update outbox set published_at = now(), claimed_until = null
      from (select ${DISK_WAIT_OFF}) as lazy
      where id in (${inIdOrder(sql`id = any(${ids}::bigint[])`)})`.execute(this.db);
    return rows.length;
  }

  /**
   * The advisory lock and the claim, sent as one query of two statements: PostgreSQL runs them
   * as one transaction (an error in either rolls both back), the lock is held until it ends, and
   * the claim, a statement of its own, sees every claim committed before the lock was granted.
   * One round trip where begin, lock, claim and commit took four: the relay runs after every
   * write, so this is most of what a write costs the database beyond its own statement.
   */
  private async claim(
    limit: number,
    skip?: ReadonlySet<string>,
  ): Promise<{ id: number; event: unknown }[]> {
    // A query of two statements cannot take parameters: the ids are written in, each checked to
    // be a UUID (they are event ids this process made).
    const skipped = [...(skip ?? [])].filter((id) => UUID.test(id)).slice(0, MAX_SKIPPED);
    // One round trip, counted as one statement (Kysely counts the others).
    this.stats.queries += 1;
    const leave = skipped.length > 0 ? `and event_id <> all('{${skipped.join(',')}}'::uuid[])` : '';
    const results = (await onPoolClient(this.pool, (client) =>
      client.query(`
      select pg_advisory_xact_lock(${CLAIM_LOCK});
      update outbox set claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS})
      where id in (
        select id from outbox where published_at is null ${leave}
        order by id limit ${Math.trunc(limit)}
        for update
      )
      and not exists (
        select 1 from outbox where published_at is null and claimed_until > now()
      )
      returning id, event`),
    )) as unknown as pg.QueryResult<{ id: number; event: unknown }>[];
    const rows = results[1]?.rows;
    if (!rows) throw new Error('the outbox claim returned no result for its update');
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /**
   * Marks the rows of these events published (their writer published them), without waiting for
   * the disk (see DISK_WAIT_OFF).
   */
  async markPublished(eventIds: readonly string[]): Promise<void> {
    await sql`update outbox set published_at = now(), claimed_until = null
      from (select ${DISK_WAIT_OFF}) as lazy
      where id in (${inIdOrder(sql`event_id = any(${eventIds}::uuid[]) and published_at is null`)})`.execute(
      this.db,
    );
  }

  async prune(olderThanMs: number, limit: number): Promise<number> {
    const result = await sql`delete from outbox where id in (
        select id from outbox
        where created_at < now() - make_interval(secs => ${olderThanMs / 1000})
          and published_at is not null
        order by id limit ${limit}
        for update
      )`.execute(this.db);
    return Number(result.numAffectedRows ?? 0);
  }

  async backlog(): Promise<number> {
    const row = await this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('published_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

export interface OutboxRelayOptions {
  /** Rows per pass. Default 200. */
  batchSize?: number;
  /** Poll interval for rows written by other processes. Default 250 ms. */
  intervalMs?: number;
  /** How long published rows are kept (for looking into what was sent). Default a day. */
  retentionMs?: number;
}

/**
 * How long a row published for its writer waits for others to be marked with it. A longer wait
 * marks more rows per statement (in the pipeline bench, a passage of text expansion cost about
 * one mark statement at 20 ms, about a third of one at 100 ms); stopping cuts it short. A crash
 * in the wait only means the rows are published again once their claim expires, and the
 * backbone drops them by event id.
 */
const MARK_DELAY_MS = 100;

/** How often a relay prunes published rows, and how many at most each time. */
const PRUNE_EVERY_MS = 10 * 60_000;
const PRUNE_LIMIT = 10_000;

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private readonly retentionMs: number;
  private prunedAt = 0;
  /** The PostgreSQL outbox, where `committed` events are. */
  private readonly pg: PgOutboxSource | undefined;
  /** Event ids published for their writer and not yet marked: passes leave their rows alone. */
  private readonly direct = new Set<string>();
  /** Publishes for writers in flight (`stop` waits for them). */
  private readonly publishing = new Set<Promise<void>>();
  /** Event ids acknowledged by the backbone, waiting for the next mark. */
  private unmarked: string[] = [];
  private marking: Promise<void> | undefined;
  /** Ends the wait of the marking in flight (on stop). */
  private markNow: (() => void) | undefined;

  constructor(
    private readonly sources: readonly OutboxSource[],
    private readonly backbone: EventBackbone,
    private readonly log: Logger,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 200;
    this.intervalMs = options.intervalMs ?? 250;
    this.retentionMs = options.retentionMs ?? 24 * 3600_000;
    this.pg = sources.find((s): s is PgOutboxSource => s instanceof PgOutboxSource);
  }

  /** Removes published rows past their retention from every outbox that keeps them. */
  async prune(): Promise<number> {
    let total = 0;
    for (const source of this.sources) {
      if (source.prune) total += await source.prune(this.retentionMs, PRUNE_LIMIT);
    }
    return total;
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

  /**
   * Publishes, at once, events their writer has just committed to the PostgreSQL outbox, instead
   * of waking a pass: no claim (a statement, and the wait for a pass in flight) between a write
   * and its event. Writers call it right after their commit, in commit order, and the backbone
   * gets the messages in call order. The rows are marked published once the backbone has
   * acknowledged them, many in one statement; a publish that fails leaves its rows to the next
   * pass, as a crash does (the backbone stores an event id once).
   */
  committed(events: readonly StudioEvent[]): void {
    if (this.stopped || !this.pg) {
      this.kick();
      return;
    }
    if (events.length === 0) return;
    const ids = events.map((e) => e.id);
    for (const id of ids) this.direct.add(id);
    const done = Promise.all(events.map((event) => this.backbone.publish(event))).then(
      () => this.mark(ids),
      (error: unknown) => {
        for (const id of ids) this.direct.delete(id);
        this.log.warn("publishing a write's event failed; the relay publishes it", { error });
        this.kick();
      },
    );
    this.publishing.add(done);
    void done.finally(() => this.publishing.delete(done));
  }

  /**
   * Queues rows to be marked published. Nothing waits for the mark, so it waits MARK_DELAY_MS
   * for others to go with it: one statement for all the writes of that moment.
   */
  private mark(ids: readonly string[]): void {
    this.unmarked.push(...ids);
    this.marking ??= new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.stopped ? 0 : MARK_DELAY_MS);
      timer.unref();
      this.markNow = () => {
        clearTimeout(timer);
        resolve();
      };
    })
      .then(() => this.markAll())
      .finally(() => {
        this.marking = undefined;
        this.markNow = undefined;
      });
  }

  /** Marks what was acknowledged, in one statement per batch, until none is left. */
  private async markAll(): Promise<void> {
    const pg = this.pg!;
    while (this.unmarked.length > 0) {
      const ids = this.unmarked.splice(0, this.batchSize);
      try {
        await pg.markPublished(ids);
      } catch (error) {
        // Published, not marked: a later pass publishes them again and the backbone drops them.
        this.log.warn('marking published outbox rows failed; the relay passes over them', {
          error,
        });
      } finally {
        for (const id of ids) this.direct.delete(id);
      }
    }
  }

  /** Stops polling and waits for the pass in flight and for writers' publishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await Promise.allSettled([...this.publishing]);
    this.markNow?.();
    await this.marking;
  }

  /** Passes until every outbox is empty; returns how many events were published. */
  async drain(): Promise<number> {
    let total = 0;
    let failure: unknown;
    // One failing outbox (its database down) does not hold back the others.
    for (const source of this.sources) {
      try {
        for (;;) {
          const n = await source.pass(
            this.batchSize,
            (entries) => this.publish(source, entries),
            source === this.pg ? this.direct : undefined,
          );
          total += n;
          if (n < this.batchSize) break;
        }
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
    return total;
  }

  /** Events committed but not yet published, over every outbox. */
  async backlog(): Promise<number> {
    let total = 0;
    for (const source of this.sources) total += await source.backlog();
    return total;
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
    if (Date.now() - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = Date.now();
      await this.prune().catch((error) => {
        this.log.warn('outbox prune failed; trying again later', { error });
      });
    }
  }

  /** Publishes entries together, in order, on one connection; invalid ones are logged and skipped. */
  private async publish(source: OutboxSource, entries: OutboxEntry[]): Promise<void> {
    const events: StudioEvent[] = [];
    for (const entry of entries) {
      try {
        events.push(parseEvent(entry.event));
      } catch (error) {
        this.log.error('outbox entry is not a valid event; marked sent to unblock the relay', {
          source: source.name,
          id: entry.id,
          error,
        });
      }
    }
    await Promise.all(events.map((event) => this.backbone.publish(event)));
  }
}
