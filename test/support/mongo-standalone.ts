/**
 * A peer that speaks enough of the MongoDB wire protocol (OP_QUERY and OP_MSG) to pass the
 * driver's handshake as a standalone server, answering every command with `{ ok: 1 }` and `hello`
 * with a standalone's reply (no `setName`). It stores nothing: it lets the real driver reach the
 * point where the store must notice that transactions are impossible.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { BSON, type Document } from 'mongodb';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

function cstringEnd(buf: Buffer, at: number): number {
  return buf.indexOf(0, at) + 1;
}

function answer(command: Document, connectionId: number): Document {
  const name = Object.keys(command)[0]?.toLowerCase();
  if (name === 'hello' || name === 'ismaster') {
    return {
      helloOk: true,
      ismaster: true,
      isWritablePrimary: true,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: 30,
      connectionId,
      minWireVersion: 0,
      maxWireVersion: 21,
      readOnly: false,
      ok: 1,
    };
  }
  return { ok: 1 };
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

function reply(socket: Socket, requestId: number, opCode: number, doc: Document) {
  const bson = Buffer.from(BSON.serialize(doc));
  if (opCode === OP_QUERY) {
    // OP_REPLY: flags, cursor id, starting from, number returned, documents.
    const fixed = Buffer.alloc(20);
    fixed.writeInt32LE(1, 16);
    const length = 16 + fixed.length + bson.length;
    socket.write(Buffer.concat([header(length, requestId + 1, requestId, OP_REPLY), fixed, bson]));
  } else {
    const fixed = Buffer.from([0, 0, 0, 0, 0]); // flag bits, then a kind-0 section
    const length = 16 + fixed.length + bson.length;
    socket.write(Buffer.concat([header(length, requestId + 1, requestId, OP_MSG), fixed, bson]));
  }
}

function commandOf(opCode: number, body: Buffer): Document {
  if (opCode === OP_QUERY) {
    // flags, full collection name, number to skip, number to return, query document.
    const at = cstringEnd(body, 4) + 8;
    return BSON.deserialize(body.subarray(at, at + body.readInt32LE(at)));
  }
  // OP_MSG: flag bits, then sections; the kind-0 section holds the command.
  let at = 4;
  while (at < body.length) {
    const kind = body[at]!;
    at += 1;
    const size = body.readInt32LE(at);
    if (kind === 0) return BSON.deserialize(body.subarray(at, at + size));
    at += size;
  }
  return {};
}

/** Listens on a free loopback port; returns the URL and a stopper. */
export async function startStandaloneMongo(): Promise<{ url: string; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const connectionId = ++connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 16 && pending.length >= pending.readInt32LE(0)) {
        const length = pending.readInt32LE(0);
        const requestId = pending.readInt32LE(4);
        const opCode = pending.readInt32LE(12);
        const body = pending.subarray(16, length);
        pending = pending.subarray(length);
        if (opCode !== OP_QUERY && opCode !== OP_MSG) continue;
        reply(socket, requestId, opCode, answer(commandOf(opCode, body), connectionId));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `mongodb://127.0.0.1:${port}/reyna`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
