/**
 * PGlite for `pg` without a socket: a stream `pg` reads and writes as it would a connection
 * (its `stream` option), whose other end is PGlite in this process. What `pg` writes is cut into
 * protocol messages and run by PGlite in the order written; what PGlite answers is handed to
 * `pg` as read data. The same `pg` + Kysely path as on PostgreSQL, without the two socket ends
 * of a socket server, their system calls and hops: a query by id costs this process about half
 * the CPU it did through PGlite's socket server on a Unix socket.
 *
 * PGlite has one session, shared by every stream. Each batch runs under PGlite's own lock
 * (`runExclusive`); a stream whose transaction is open holds the session until it ends, and the
 * other streams' statements wait (run inside it, they would see and join its work). A stream
 * that ends or breaks with its transaction open has it rolled back. The pool keeps one connection,
 * so others exist only while it replaces one.
 */
import { Duplex } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';

/** The SSLRequest code: answered "no" (`N`), as a server without TLS does. */
const SSL_REQUEST = 80877103;
/** Terminate (`X`): the connection ends; the session is PGlite's and stays. */
const TERMINATE = 0x58;

/**
 * Who holds PGlite's one session: the stream whose transaction is open there, which the other
 * streams' statements wait for (theirs would run inside it).
 */
class Session {
  owner: PgliteStream | null = null;
  private waiters: (() => void)[] = [];

  async enter(stream: PgliteStream): Promise<void> {
    while (this.owner && this.owner !== stream)
      await new Promise<void>((r) => this.waiters.push(r));
  }

  set(stream: PgliteStream, inTransaction: boolean): void {
    if (inTransaction) this.owner = stream;
    else if (this.owner === stream) {
      this.owner = null;
      for (const wake of this.waiters.splice(0)) wake();
    }
  }
}

const sessions = new WeakMap<PGlite, Session>();

export class PgliteStream extends Duplex {
  private pending: Buffer = Buffer.alloc(0);
  /** Until the startup message has gone by, messages have no type byte. */
  private started = false;
  private released = false;
  private readonly session: Session;

  constructor(private readonly lite: PGlite) {
    super();
    const known = sessions.get(lite);
    this.session = known ?? new Session();
    if (!known) sessions.set(lite, this.session);
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
    // A turn of the event loop first: statements queued for the pool's connection would
    // otherwise run one after another in microtasks, and requests waiting on their sockets (a
    // user's createBlob) only after the whole queue.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.session.enter(this);
    await this.lite.runExclusive(async () => {
      for (const message of messages) {
        if (message[0] === TERMINATE) {
          await this.rollbackOpen();
          continue;
        }
        await this.lite.execProtocolRawStream(message, {
          onRawData: (data) => {
            if (!this.released) this.push(Buffer.from(data));
          },
        });
      }
      this.session.set(this, this.lite.isInTransaction());
    });
  }

  /** The session outlives this stream: a transaction it left open is rolled back. */
  private async rollbackOpen(): Promise<void> {
    if (this.session.owner === this && this.lite.isInTransaction())
      await this.lite.execProtocolRaw(simpleQuery('rollback'));
    this.session.set(this, false);
  }

  private async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if (this.session.owner === this) await this.lite.runExclusive(() => this.rollbackOpen());
    this.push(null);
  }
}

/** A simple-query (`Q`) protocol message. */
function simpleQuery(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`);
  const message = Buffer.alloc(5 + body.length);
  message[0] = 0x51;
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
}
