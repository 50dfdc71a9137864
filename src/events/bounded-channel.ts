/**
 * A bounded async channel between a producer and one slow-or-fast reader: it never holds more than
 * `capacity` items. When a reader lets it fill up, the oldest item is dropped; with `onDrop`, the
 * item that function returns for it (a notice) is delivered before the items that remain, one
 * notice standing for every drop since the reader last read one.
 */
/** Shared by every channel with nothing to do on close (no closure per channel). */
const nothing = () => {};

export class BoundedChannel<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private head = 0;
  private waiting: ((r: IteratorResult<T>) => void) | undefined;
  private closed = false;
  private notice: T | undefined;

  constructor(
    private readonly capacity: number,
    private readonly onClose: () => void = nothing,
    private readonly onDrop?: (dropped: T) => T,
  ) {}

  /** Items waiting for the reader. */
  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    if (this.closed) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (this.size > this.capacity) {
      const oldest = this.items[this.head++] as T;
      if (this.onDrop) this.notice = this.onDrop(oldest);
      // Drop the consumed prefix now and then rather than shifting on every push.
      if (this.head > 1024) {
        this.items = this.items.slice(this.head);
        this.head = 0;
      }
    }
  }

  /**
   * What the reader could have now without waiting (the notice first), at most `max` items: lets
   * a reader take a batch at once.
   */
  takeAvailable(max: number): T[] {
    const out: T[] = [];
    if (max > 0 && this.notice !== undefined) {
      out.push(this.notice);
      this.notice = undefined;
    }
    const n = Math.min(max - out.length, this.size);
    if (n > 0) {
      for (let i = 0; i < n; i++) out.push(this.items[this.head + i] as T);
      this.head += n;
      if (this.head === this.items.length) {
        this.items = [];
        this.head = 0;
      }
    }
    return out;
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

  /** The next item, waiting for one if none is ready (done once closed and drained). */
  take(): Promise<IteratorResult<T>> {
    if (this.notice !== undefined) {
      const value = this.notice;
      this.notice = undefined;
      return Promise.resolve({ value, done: false });
    }
    if (this.size > 0) {
      const value = this.items[this.head++] as T;
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

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => this.take(),
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }
}
