/**
 * A subscription that first replays a backlog from the retained log, then goes live. The backlog
 * is read a page at a time when the subscriber asks for more, so a gap of any length arrives in
 * full at the reader's pace; only live events pass through the drop-oldest queue, whose RESET
 * then means the subscriber fell behind the live flow, not that it asked for a long replay.
 */
import { type Delivery, type EventSubscription, REPLAY_PAGE } from './backbone';
import type { DeliveryQueue } from './delivery-queue';

export interface ReplaySource {
  /**
   * The next retained deliveries after those already read (at most `max`; a RESET first when
   * retention dropped events on the way). When none is left it starts live delivery into the
   * queue from there, with nothing missed in between, and returns null.
   */
  page(max: number): Promise<Delivery[] | null>;
}

export class ReplaySubscription implements EventSubscription {
  private page: Delivery[] = [];
  private source: ReplaySource | null;
  private closed = false;

  /**
   * `queue` takes live events (its close releases what the backbone holds); `source` is null
   * when there is nothing to replay and the queue is already live. `first` goes out before all.
   */
  constructor(
    private readonly queue: DeliveryQueue,
    source: ReplaySource | null,
    first: Delivery[] = [],
    private readonly onClose?: () => Promise<void>,
  ) {
    this.source = source;
    this.page = first;
  }

  async nextBatch(max: number): Promise<Delivery[]> {
    while (!this.closed) {
      if (this.page.length > 0) return this.page.splice(0, max);
      if (!this.source) break;
      const page = await this.source.page(Math.max(max, REPLAY_PAGE));
      if (this.closed) return [];
      if (page === null) this.source = null;
      else this.page = page;
    }
    if (this.closed) return [];
    const first = await this.queue.take();
    if (first.done) return [];
    return [first.value, ...this.queue.takeAvailable(max - 1)];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.page = [];
    this.queue.close();
    await this.onClose?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<Delivery> {
    let batch: Delivery[] = [];
    return {
      next: async () => {
        if (batch.length === 0) batch = await this.nextBatch(REPLAY_PAGE);
        const value = batch.shift();
        return value === undefined ? { value: undefined, done: true } : { value, done: false };
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }
}
