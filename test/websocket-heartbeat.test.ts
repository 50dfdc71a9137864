/**
 * The WebSocket keep-alive: one timer pings every socket in turn; a socket that leaves a ping
 * unanswered for a whole period is dropped, one that answers stays open however long it is idle.
 * Real `ws` sockets on a real port; the client that never answers is a `ws` client with its
 * automatic pong turned off, as a peer behind a dead network path behaves.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { Heartbeat } from '../src/http/websocket';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

async function server(heartbeat: Heartbeat) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  open.push({ close: () => wss.close() }, { close: () => heartbeat.stop() });
  wss.on('connection', (socket) => {
    const group = heartbeat.add(socket);
    socket.once('close', () => heartbeat.remove(socket, group));
  });
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

function connect(url: string, autoPong: boolean) {
  const socket = new WebSocket(url, { autoPong });
  open.push({ close: () => socket.terminate() });
  let pings = 0;
  socket.on('ping', () => pings++);
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const opened = new Promise((resolve) => socket.once('open', resolve));
  return { socket, closed, opened, pings: () => pings };
}

describe('WebSocket heartbeat', () => {
  it('drops a socket that does not answer pings and keeps one that does', async () => {
    const url = await server(new Heartbeat(200, 4));
    const alive = connect(url, true);
    const silent = connect(url, false);
    await Promise.all([alive.opened, silent.opened]);

    // Dropped without a close frame (1006 on the client) after one unanswered period.
    const code = await silent.closed;
    expect(code).toBe(1006);
    expect(silent.pings()).toBeGreaterThanOrEqual(1);

    // The answering socket is pinged every period and is still open well after that.
    await new Promise((r) => setTimeout(r, 700));
    expect(alive.socket.readyState).toBe(WebSocket.OPEN);
    expect(alive.pings()).toBeGreaterThanOrEqual(3);
  });

  it('spreads the pings of many sockets over the period instead of one burst', async () => {
    const url = await server(new Heartbeat(400, 8));
    const sockets = Array.from({ length: 16 }, () => connect(url, true));
    await Promise.all(sockets.map((s) => s.opened));
    const at: number[] = [];
    for (const s of sockets) s.socket.on('ping', () => at.push(performance.now()));
    await new Promise((r) => setTimeout(r, 450));
    // Every socket was pinged once in the period, in eight groups of two at different times.
    expect(at.length).toBeGreaterThanOrEqual(14);
    const sorted = at.sort((a, b) => a - b);
    expect(sorted.at(-1)! - sorted[0]!).toBeGreaterThan(200);
  });

  it('forgets a socket once it has closed', async () => {
    const heartbeat = new Heartbeat(100, 2);
    const url = await server(heartbeat);
    const clients = [connect(url, true), connect(url, true), connect(url, false)];
    await Promise.all(clients.map((c) => c.opened));
    await expect.poll(() => heartbeat.size).toBe(3);
    clients[0]!.socket.close();
    await clients[0]!.closed;
    // The silent one is dropped by the heartbeat itself.
    await clients[2]!.closed;
    await expect.poll(() => heartbeat.size).toBe(1);
  });
});
