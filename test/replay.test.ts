/**
 * Resuming with a cursor replays every retained event after it at the pace the subscriber reads,
 * however long the gap and however small the live buffer; RESET only when events are gone. Real
 * graphql-ws clients whose sockets are paused stand for subscribers that read slowly.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { CreateBlobDocument } from '../client-sdk/index';
import type { StudioEvent } from '../src/events/event';
import { useHarness } from './support/harness';
import { natsEnabled } from './support/nats';
import {
  eventually,
  purgeRetained,
  subOf,
  subscribedOn,
  subscribeWs,
  wsClient,
} from './support/realtime';

const BUFFER = 100;
const h = useHarness({ REYNA_SUBSCRIPTION_BUFFER: String(BUFFER) });
let url = '';
const clients: Client[] = [];
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
});
beforeAll(async () => {
  url = await h().app.listen();
});

/** A graphql-ws client whose socket can be paused: the server then cannot send to it. */
function pausable(token: string): { client: Client; socket: () => WebSocket } {
  let socket: WebSocket | undefined;
  const client = wsClient(url, token);
  clients.push(client);
  client.on('connected', (s) => {
    socket = s as WebSocket;
  });
  return {
    client,
    socket: () => {
      if (!socket) throw new Error('not connected');
      return socket;
    },
  };
}

interface Ev {
  cursor: string;
  kind: string;
  eventId: string | null;
  blobId: string | null;
  blob?: { id: string } | null;
}
type Item = { blobEvents: Ev };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WITH_BLOB = `subscription($after: String) {
  blobEvents(after: $after) { cursor kind eventId blobId blob { id data } }
}`;
const WITHOUT_BLOB = `subscription($after: String) {
  blobEvents(after: $after) { cursor kind eventId blobId }
}`;

async function createBlob(token: string, content: string): Promise<string> {
  const r = await h().gql(
    CreateBlobDocument,
    { input: { schemaId: 'text-input-v1', data: { content } } },
    token,
  );
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.createBlob.id;
}

/** `n` update events of the user's blobs, published in order; their event ids. */
async function publishUpdates(token: string, blobIds: string[], n: number): Promise<string[]> {
  const userId = subOf(token);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const event: StudioEvent = {
      id: randomUUID(),
      type: 'blob.updated.text-input-v1',
      userId,
      blobId: blobIds[i % blobIds.length]!,
      parentId: null,
      processorId: 'user-input',
      schemaId: 'text-input-v1',
      bookId: null,
      time: new Date().toISOString(),
    };
    await h().app.events.publish(event);
    ids.push(event.id);
  }
  return ids;
}

/** A cursor to resume from: the last event a first subscription saw before it went away. */
async function cursorNow(token: string): Promise<string> {
  const first = subscribeWs<Item>(wsClient(url, token), WITHOUT_BLOB);
  await subscribedOn(h().app.events, token, 1);
  const id = await createBlob(token, 'Seen before the subscriber went away.');
  // Earlier writes' events may still be on their way when it subscribes: the cursor is the one of
  // this blob's event, after which only what the test sends next can come.
  await eventually(() => first.items.some((d) => d.blobEvents.blobId === id));
  const seen = first.items.find((d) => d.blobEvents.blobId === id)!;
  first.stop();
  await eventually(() => h().app.events.subscriptionCount(subOf(token)) === 0);
  return seen.blobEvents.cursor;
}

describe(`replay after a long gap (${natsEnabled ? 'NATS' : 'in-process'} backbone, buffer ${BUFFER})`, () => {
  it('delivers all 5,000 missed events in order, without RESET, to a reader that starts slowly', async () => {
    const token = await h().token(h().user());
    const blobs = [
      await createBlob(token, 'The first passage of the book.'),
      await createBlob(token, 'The second passage of the book.'),
    ];
    const after = await cursorNow(token);
    const sent = await publishUpdates(token, blobs, 5000);
    const { client, socket } = pausable(token);
    let got: Ev[] = [];
    const queries = await h().countQueries(async () => {
      const resumed = subscribeWs<Item>(client, WITH_BLOB, { after });
      // Reads nothing for a while, then a little, then nothing again, then keeps up.
      await eventually(() => {
        try {
          socket().pause();
          return true;
        } catch {
          return false;
        }
      });
      await sleep(1500);
      socket().resume();
      await resumed.take(300, 20_000);
      socket().pause();
      await sleep(1000);
      socket().resume();
      got = (await resumed.take(5000, 60_000)).map((d) => d.blobEvents);
      await sleep(300);
      expect(resumed.items).toHaveLength(5000);
      resumed.stop();
    });
    expect(got.filter((e) => e.kind === 'RESET')).toEqual([]);
    expect(got.map((e) => e.eventId)).toEqual(sent);
    const cursors = got.map((e) => Number(e.cursor));
    expect(cursors.every((c, i) => i === 0 || c > cursors[i - 1]!)).toBe(true);
    expect(got.every((e, i) => e.blob?.id === blobs[i % 2])).toBe(true);
    // Blobs are read a batch at a time, not once per event (5,000 queries before).
    expect(queries).toBeLessThan(200);
  }, 120_000);

  it('reads no blob at all when the selection does not ask for one', async () => {
    const token = await h().token(h().user());
    const blob = await createBlob(token, 'A passage that changes often.');
    const after = await cursorNow(token);
    const sent = await publishUpdates(token, [blob], 2000);
    const queries = await h().countQueries(async () => {
      const resumed = subscribeWs<Item>(wsClient(url, token), WITHOUT_BLOB, { after });
      const got = (await resumed.take(2000, 30_000)).map((d) => d.blobEvents);
      expect(got.map((e) => e.eventId)).toEqual(sent);
      resumed.stop();
    });
    // Whatever else runs meanwhile (the outbox relay's polling) is far below one per event.
    expect(queries).toBeLessThan(40);
  }, 60_000);
});

describe('blobDerived replay', () => {
  it('delivers every blob derived from the parent since the cursor, past the buffer', async () => {
    const token = await h().token(h().user());
    const parent = await createBlob(token, 'The parent passage to expand.');
    const other = await createBlob(token, 'Another parent, not watched.');
    const after = await cursorNow(token);
    const userId = subOf(token);
    const mine: string[] = [];
    for (let i = 0; i < 600; i++) {
      const derived: StudioEvent = {
        id: randomUUID(),
        type: 'blob.created.expanded-text-v1',
        userId,
        blobId: randomUUID(),
        parentId: i % 3 === 0 ? other : parent,
        processorId: 'user-input',
        schemaId: 'expanded-text-v1',
        bookId: null,
        time: new Date().toISOString(),
      };
      await h().app.events.publish(derived);
      if (derived.parentId === parent) mine.push(derived.blobId!);
    }
    const resumed = subscribeWs<{ blobDerived: { reset: boolean; derivedId: string | null } }>(
      wsClient(url, token),
      `subscription($parentId: ID, $after: String) {
        blobDerived(parentId: $parentId, after: $after) { cursor reset derivedId }
      }`,
      { parentId: parent, after },
    );
    const got = (await resumed.take(mine.length, 30_000)).map((d) => d.blobDerived);
    expect(got.filter((d) => d.reset)).toEqual([]);
    expect(got.map((d) => d.derivedId)).toEqual(mine);
    resumed.stop();
  }, 60_000);
});

describe('RESET only when events are gone', () => {
  it('sends exactly one RESET for a cursor older than the stream retains, then live events', async () => {
    const token = await h().token(h().user());
    const blob = await createBlob(token, 'An old passage, soon forgotten.');
    const after = await cursorNow(token);
    const old = await publishUpdates(token, [blob], 50);
    await purgeRetained(h().app.events);
    const retained = await publishUpdates(token, [blob], 5);
    const resumed = subscribeWs<Item>(wsClient(url, token), WITHOUT_BLOB, { after });
    const [reset] = await resumed.take(1);
    expect(reset!.blobEvents.kind).toBe('RESET');
    await subscribedOn(h().app.events, token, 1);
    const [live] = await publishUpdates(token, [blob], 1);
    const got = (await resumed.take(2)).map((d) => d.blobEvents);
    await sleep(300);
    expect(resumed.items.filter((d) => d.blobEvents.kind === 'RESET')).toHaveLength(1);
    expect(got[1]!.eventId).toBe(live);
    expect(old).toHaveLength(50);
    expect(retained).toHaveLength(5);
    resumed.stop();
  });

  it('still drops the oldest live events of a subscriber that stops reading, with a RESET', async () => {
    const token = await h().token(h().user());
    // Big blobs fill the socket's buffers quickly, so the server has to hold what it cannot send.
    const blob = await createBlob(token, 'x'.repeat(49_000));
    const { client, socket } = pausable(token);
    const live = subscribeWs<Item>(client, WITH_BLOB);
    await subscribedOn(h().app.events, token, 1);
    socket().pause();
    const sent = await publishUpdates(token, [blob], 1500);
    await sleep(1000);
    socket().resume();
    await eventually(() => live.items.some((d) => d.blobEvents.eventId === sent.at(-1)), 30_000);
    const got = live.items.map((d) => d.blobEvents);
    expect(got.filter((e) => e.kind === 'RESET').length).toBeGreaterThanOrEqual(1);
    expect(got.filter((e) => e.kind !== 'RESET').length).toBeLessThan(sent.length);
    live.stop();
  }, 60_000);
});
