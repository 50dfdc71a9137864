/**
 * PGlite for `pg` without a socket: a stream `pg` reads and writes as it would a connection
 * (its `stream` option), whose other end is PGlite's engine (`pglite-engine.ts`), in this thread
 * or in a worker thread. What `pg` writes is cut into protocol messages and run by the engine in
 * the order written; what PGlite answers is handed to `pg` as read data. The same `pg` + Kysely
 * path as on PostgreSQL, without the two socket ends of a socket server, their system calls and
 * hops: a query by id costs this process about half the CPU it did through PGlite's socket server
 * on a Unix socket.
 *
 * PGlite has one session, shared by every stream (see the engine for how they take turns). The
 * pool keeps one connection, so others exist only while it replaces one.
 */
import { Duplex } from 'node:stream';
import type { PgliteEngine } from './pglite-engine';

/** The SSLRequest code: answered "no" (`N`), as a server without TLS does. */
const SSL_REQUEST = 80877103;

let connections = 0;

export class PgliteStream extends Duplex {
  private pending: Buffer = Buffer.alloc(0);
  /** Until the startup message has gone by, messages have no type byte. */
  private started = false;
  private released = false;
  private readonly connection = ++connections;

  constructor(private readonly engine: PgliteEngine) {
    super();
  }

  // The socket methods `pg` calls: there is nothing to connect to or tune.
  connect(): this {
    queueMicrotask(() => this.emit('connect'));
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void) {
    this.run([chunk]).then(() => done(), done);
  }

  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    done: (error?: Error | null) => void,
  ) {
    this.run(chunks.map((c) => c.chunk)).then(() => done(), done);
  }

  override _final(done: (error?: Error | null) => void) {
    this.release().then(() => done(), done);
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void) {
    this.release().then(
      () => done(error),
      () => done(error),
    );
  }

  /** The complete messages written so far, each as PGlite takes it; the rest stays pending. */
  private messages(chunks: Buffer[]): Buffer[] {
    let buffer =
      this.pending.length > 0
        ? Buffer.concat([this.pending, ...chunks])
        : chunks.length === 1
          ? chunks[0]!
          : Buffer.concat(chunks);
    const out: Buffer[] = [];
    for (;;) {
      if (!this.started) {
        if (buffer.length < 8) break;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) break;
        if (length === 8 && buffer.readInt32BE(4) === SSL_REQUEST) {
          this.push(Buffer.from('N'));
        } else {
          out.push(buffer.subarray(0, length));
          this.started = true;
        }
        buffer = buffer.subarray(length);
        continue;
      }
      if (buffer.length < 5) break;
      const length = 1 + buffer.readInt32BE(1);
      if (buffer.length < length) break;
      out.push(buffer.subarray(0, length));
      buffer = buffer.subarray(length);
    }
    this.pending = buffer;
    return out;
  }

  private async run(chunks: Buffer[]): Promise<void> {
    const messages = this.messages(chunks);
    if (messages.length === 0 || this.released) return;
    const answers = await this.engine.run(this.connection, messages);
    if (this.released) return;
    for (const data of answers)
      this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  private async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.engine.release(this.connection);
    this.push(null);
  }
}
