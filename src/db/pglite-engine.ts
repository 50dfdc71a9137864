/**
 * PGlite's one session, shared by every `pg` connection of the embedded database: the engine runs
 * each connection's batch of protocol messages in the order written and answers with what
 * PostgreSQL wrote back. It runs either in this thread (`LocalEngine`) or in a worker thread of
 * its own (`pglite-thread.ts`, the default of `reyna serve`), which serves the same class there.
 *
 * Each batch runs under PGlite's own lock (`runExclusive`); a connection whose transaction is open
 * holds the session until it ends, and the other connections' batches wait (run inside it, they
 * would see and join its work). A connection that ends or breaks with its transaction open has it
 * rolled back.
 *
 * Prepared statements live in the session, so each connection's names are its own there: the
 * engine renames a connection's statements in the messages that name them (Parse, Bind, Describe,
 * Close, and the `deallocate <name>` that `prepared.ts` sends), and drops them when it ends.
 */
import type { PGlite } from '@electric-sql/pglite';

/** Terminate (`X`): the connection ends; the session is PGlite's and stays. */
const TERMINATE = 0x58;
const PARSE = 0x50;
const BIND = 0x42;
const DESCRIBE = 0x44;
const CLOSE = 0x43;
const QUERY = 0x51;
const STATEMENT = 0x53;
const DEALLOCATE = /^\s*deallocate\s+(?:prepare\s+)?("?)([A-Za-z0-9_]+)\1\s*;?\s*$/i;

/** The message with the statement name at `at` (a C string) replaced by `name`. */
function renamed(message: Uint8Array, at: number, name: string): Uint8Array {
  const end = message.indexOf(0, at);
  const encoded = Buffer.from(name);
  const out = Buffer.allocUnsafe(message.length - (end - at) + encoded.length);
  out.set(message.subarray(0, at), 0);
  encoded.copy(out, at);
  out.set(message.subarray(end), at + encoded.length);
  out.writeInt32BE(out.length - 1, 1);
  return out;
}

/** Whether `message` is a connection's Terminate. */
export const isTerminate = (message: Uint8Array) => message[0] === TERMINATE;

const cstring = (message: Uint8Array, at: number) =>
  Buffer.from(message.buffer, message.byteOffset + at, message.indexOf(0, at) - at).toString();

export interface PgliteEngine {
  /** Runs one connection's complete protocol messages; resolves to what PostgreSQL answered. */
  run(connection: number, messages: Uint8Array[]): Promise<Uint8Array[]>;
  /** The connection is gone: a transaction it left open is rolled back. */
  release(connection: number): Promise<void>;
  close(): Promise<void>;
}

/** The engine in this thread, around a PGlite of this thread. */
export class LocalEngine implements PgliteEngine {
  /** The connection whose transaction is open on the session, which the others wait for. */
  private owner: number | null = null;
  private waiters: (() => void)[] = [];
  /** The statements each connection prepared, by the name it gave them. */
  private readonly prepared = new Map<number, Set<string>>();
  private closed = false;

  /**
   * @param yieldFirst a turn of the event loop before each batch: in a thread that also serves
   * requests, statements queued for the pool's connection would otherwise run one after another
   * in microtasks, and requests waiting on their sockets only after the whole queue.
   */
  constructor(
    readonly lite: PGlite,
    private readonly yieldFirst = true,
  ) {}

  async run(connection: number, messages: Uint8Array[]): Promise<Uint8Array[]> {
    if (this.yieldFirst) await new Promise<void>((resolve) => setImmediate(resolve));
    for (;;) {
      await this.turn(connection);
      const out = await this.runHeld(connection, messages);
      if (out) return out;
    }
  }

  /** Resolves once no other connection's transaction is open on the session. */
  private async turn(connection: number): Promise<void> {
    while (this.heldByAnother(connection)) await new Promise<void>((r) => this.waiters.push(r));
  }

  /** Whether another connection's transaction is open on the session. */
  private heldByAnother(connection: number): boolean {
    return this.owner !== null && this.owner !== connection && !this.closed;
  }

  /**
   * Runs the batch under PGlite's lock, or resolves to null when another connection's transaction
   * opened while this batch waited for the lock: batches queue on the lock, and a `begin` ahead in
   * the queue would otherwise take in the batches behind it (and, as the session is then in a
   * transaction, make their connection its owner, leaving the transaction's own to wait forever).
   */
  private runHeld(connection: number, messages: Uint8Array[]): Promise<Uint8Array[] | null> {
    return this.lite.runExclusive(async () => {
      if (this.heldByAnother(connection)) return null;
      if (this.closed) {
        // The pool ends without waiting for its connections to close: a goodbye can come after.
        if (messages.every(isTerminate)) return [];
        throw new Error('The embedded database is closed');
      }
      const out: Uint8Array[] = [];
      for (const message of messages) {
        if (message[0] === TERMINATE) {
          await this.rollbackOpen(connection);
          continue;
        }
        await this.lite.execProtocolRawStream(this.named(connection, message), {
          // PGlite reuses the memory it hands over: each answer is copied out.
          onRawData: (data) => out.push(data.slice()),
        });
      }
      this.hold(connection, this.lite.isInTransaction());
      return out;
    });
  }

  async release(connection: number): Promise<void> {
    const names = this.prepared.get(connection);
    this.prepared.delete(connection);
    // Closed, the session is gone and with it anything the connection left.
    if (this.closed || (this.owner !== connection && !names)) return;
    // Its statements are dropped outside any other connection's transaction, which could have
    // failed and refuse them.
    for (;;) {
      await this.turn(connection);
      const done = await this.lite.runExclusive(async () => {
        if (this.closed) return true;
        if (this.heldByAnother(connection)) return false;
        await this.rollbackOpen(connection);
        for (const name of names ?? [])
          await this.lite.execProtocolRaw(
            simpleQuery(`deallocate "${sessionName(connection, name)}"`),
          );
        return true;
      });
      if (done) return;
    }
  }

  /** `message` with the statement it names renamed to the connection's own in the session. */
  private named(connection: number, message: Uint8Array): Uint8Array {
    switch (message[0]) {
      case PARSE: {
        const name = cstring(message, 5);
        if (name === '') return message;
        const names = this.prepared.get(connection) ?? new Set<string>();
        this.prepared.set(connection, names.add(name));
        return renamed(message, 5, sessionName(connection, name));
      }
      case BIND: {
        const statementAt = message.indexOf(0, 5) + 1;
        const name = cstring(message, statementAt);
        return name === '' ? message : renamed(message, statementAt, sessionName(connection, name));
      }
      case DESCRIBE:
      case CLOSE: {
        if (message[5] !== STATEMENT) return message;
        const name = cstring(message, 6);
        if (name === '') return message;
        if (message[0] === CLOSE) this.prepared.get(connection)?.delete(name);
        return renamed(message, 6, sessionName(connection, name));
      }
      case QUERY: {
        const match = DEALLOCATE.exec(cstring(message, 5));
        if (!match) return message;
        const names = this.prepared.get(connection);
        // Unquoted, SQL folds the name to lower case; quoted, it stays as written.
        const name = match[1] ? match[2]! : match[2]!.toLowerCase();
        if (match[1] || name !== 'all') {
          // A statement prepared in SQL (`prepare`) was not renamed, and is not here.
          if (!names?.delete(name)) return message;
          return simpleQuery(`deallocate "${sessionName(connection, name)}"`);
        }
        // All of this connection's statements; the others' are theirs.
        this.prepared.delete(connection);
        const each = [...(names ?? [])].map((n) => `deallocate "${sessionName(connection, n)}"`);
        return simpleQuery(each.length > 0 ? each.join('; ') : 'select where false');
      }
      default:
        return message;
    }
  }

  /** Closes PGlite once the batches already under way have run; later ones are refused. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of this.waiters.splice(0)) wake();
    await this.lite.runExclusive(async () => {});
    await this.lite.close();
  }

  private hold(connection: number, inTransaction: boolean): void {
    if (inTransaction) this.owner = connection;
    else if (this.owner === connection) {
      this.owner = null;
      for (const wake of this.waiters.splice(0)) wake();
    }
  }

  private async rollbackOpen(connection: number): Promise<void> {
    if (this.owner === connection && this.lite.isInTransaction())
      await this.lite.execProtocolRaw(simpleQuery('rollback'));
    this.hold(connection, false);
  }
}

/** What a connection's statement is called in the session. */
const sessionName = (connection: number, name: string) => `c${connection}_${name}`;

/** A simple-query (`Q`) protocol message. */
function simpleQuery(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`);
  const message = Buffer.alloc(5 + body.length);
  message[0] = 0x51;
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
}
