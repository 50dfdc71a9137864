/**
 * Work waiting in one process, in one lane per user, started in turn across the lanes: a user
 * with fifty deliveries queued gets one turn like everyone else, not fifty turns first.
 *
 * At most `concurrency` items run at once, at most `perKey` of one user, and at most `capacity`
 * wait: a producer awaits `room()` before taking more from its broker, so what a worker holds is
 * bounded and the rest stays in the stream. A user's items behind more than `capacity` others
 * still wait for those to be taken in; within the buffer, order between users is fair.
 */
import type { WorkOptions } from './backbone';

export interface FairLanesOptions {
  concurrency: number;
  perKey: number;
  capacity: number;
}

interface Lane<T> {
  waiting: T[];
  running: number;
}

export class FairLanes<T> {
  private readonly lanes = new Map<string, Lane<T>>();
  /** Keys with items waiting, in turn order. */
  private turn: string[] = [];
  private running = 0;
  private waitingCount = 0;
  private roomWaiters: (() => void)[] = [];

  /** `start` runs one item; it should not reject (a rejection is ignored). */
  constructor(
    private readonly options: FairLanesOptions,
    private readonly start: (item: T) => Promise<void>,
  ) {}

  /** Items waiting their turn. */
  get size(): number {
    return this.waitingCount;
  }

  /** Whether `capacity` items wait (`room` then waits). */
  get full(): boolean {
    return this.waitingCount >= this.options.capacity;
  }

  /** Resolves once fewer than `capacity` items wait. */
  room(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  push(key: string, item: T): void {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { waiting: [], running: 0 };
      this.lanes.set(key, lane);
    }
    if (lane.waiting.length === 0) this.turn.push(key);
    lane.waiting.push(item);
    this.waitingCount++;
    this.pump();
  }

  /** The items waiting, every lane (to keep them alive). */
  *waiting(): Generator<T> {
    for (const lane of this.lanes.values()) yield* lane.waiting;
  }

  /** Takes out the waiting items `which` selects (a consumer stopping) and returns them. */
  remove(which: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (const [key, lane] of this.lanes) {
      const keep = lane.waiting.filter((item) => !which(item));
      if (keep.length === lane.waiting.length) continue;
      out.push(...lane.waiting.filter(which));
      lane.waiting = keep;
      if (keep.length === 0) {
        this.turn = this.turn.filter((k) => k !== key);
        if (lane.running === 0) this.lanes.delete(key);
      }
    }
    this.waitingCount -= out.length;
    this.wake();
    return out;
  }

  private pump(): void {
    // A lane at its per-user limit keeps its place and is skipped; stop once every lane waiting
    // has been skipped in a row.
    let skipped = 0;
    while (this.running < this.options.concurrency && skipped < this.turn.length) {
      const key = this.turn.shift()!;
      const lane = this.lanes.get(key)!;
      if (lane.running >= this.options.perKey) {
        this.turn.push(key);
        skipped++;
        continue;
      }
      skipped = 0;
      const item = lane.waiting.shift()!;
      this.waitingCount--;
      if (lane.waiting.length > 0) this.turn.push(key);
      lane.running++;
      this.running++;
      void this.start(item)
        .catch(() => {})
        .finally(() => {
          lane.running--;
          this.running--;
          if (lane.running === 0 && lane.waiting.length === 0) this.lanes.delete(key);
          this.pump();
        });
    }
    this.wake();
  }

  private wake(): void {
    while (this.roomWaiters.length > 0 && this.waitingCount < this.options.capacity)
      this.roomWaiters.shift()!();
  }
}

/** One delivery in a lane, whichever backbone brought it. */
export interface LaneItem {
  /** The consumer that took it in (to find its items when it stops). */
  owner: object;
  /** Tells the broker the delivery is still being worked on. */
  keepAlive(): void;
  /** Hands the delivery back to the broker unstarted. */
  release(): void;
  run(): Promise<void>;
}

/** Deliveries waiting in a worker, per processor, when WorkOptions names no buffer. */
export const DEFAULT_WORK_BUFFER = 500;

/**
 * The lanes of each group (processor) in this process: consumers of one group (its event and
 * its retries) share them, so the per-user and per-process limits hold across both.
 */
export class GroupLanes {
  private readonly groups = new Map<string, { lanes: FairLanes<LaneItem>; consumers: number }>();

  join(options: WorkOptions): FairLanes<LaneItem> {
    let group = this.groups.get(options.group);
    if (!group) {
      group = {
        lanes: new FairLanes<LaneItem>(
          {
            concurrency: options.concurrency,
            perKey: options.perKey ?? options.concurrency,
            capacity: options.buffer ?? DEFAULT_WORK_BUFFER,
          },
          (item) => item.run(),
        ),
        consumers: 0,
      };
      this.groups.set(options.group, group);
    }
    group.consumers++;
    return group.lanes;
  }

  leave(group: string): void {
    const g = this.groups.get(group);
    if (g && --g.consumers === 0) this.groups.delete(group);
  }
}
