/**
 * A bounded queue between a backbone and one subscriber. A slow subscriber never makes it grow
 * past `capacity`: the oldest undelivered events are dropped and the subscriber gets a RESET
 * (with the cursor of the last dropped event) before the events that remain.
 */
import type { Delivery } from './backbone';

export class DeliveryQueue implements AsyncIterable<Delivery> {
  private items: Delivery[] = [];
  private head = 0;
  private waiting: ((r: IteratorResult<Delivery>) => void) | undefined;
  private closed = false;
  private dropped: string | undefined;

  constructor(
    private readonly capacity: number,
    private readonly onClose: () => void = () => {},
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: Delivery): void {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (this.size > this.capacity) {
      const oldest = this.items[this.head++]!;
      this.dropped = oldest.cursor;
      if (this.head > 1024) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.items = [];
    this.head = 0;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
    this.onClose();
  }

  private next(): Promise<IteratorResult<Delivery>> {
    if (this.dropped !== undefined) {
      const cursor = this.dropped;
      this.dropped = undefined;
      return Promise.resolve({ value: { kind: 'reset', cursor }, done: false });
    }
    if (this.size > 0) {
      const value = this.items[this.head++]!;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<Delivery> {
    return {
      next: () => this.next(),
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }
}
