/**
 * The worker thread of the embedded database (`pglite-thread.ts`): opens PGlite in the data folder
 * it is given and serves its engine's calls. Started by `pglite-worker.mjs`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { LocalEngine } from './pglite-engine';
import type { WorkerOptions } from './pglite-thread';

export type EngineCall =
  | { id: number; op: 'run'; connection: number; messages: Uint8Array[] }
  | { id: number; op: 'release'; connection: number }
  | { id: number; op: 'close' };

export type EngineReply =
  | { id: number; data?: Uint8Array[]; error?: string }
  | { ready: true }
  | { failed: string };

const port = parentPort!;
const reply = (message: EngineReply, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);
const messageOf = (error: unknown) => String((error as Error)?.message ?? error);

let engine: LocalEngine;
try {
  // Nothing else runs in this thread: the engine need not yield before each batch.
  const { dir, initOnly, ...modules } = workerData as WorkerOptions;
  const lite = await PGlite.create(dir, modules);
  if (initOnly) {
    await lite.close();
    reply({ ready: true });
    await new Promise(() => {});
  }
  engine = new LocalEngine(lite, false);
} catch (error) {
  // The thread that started this one ends it.
  reply({ failed: messageOf(error) });
  await new Promise(() => {});
}

port.on('message', async (call: EngineCall) => {
  try {
    if (call.op === 'run') {
      const data = await engine.run(call.connection, call.messages);
      reply(
        { id: call.id, data },
        data.map((d) => d.buffer as ArrayBuffer),
      );
    } else {
      await (call.op === 'release' ? engine.release(call.connection) : engine.close());
      reply({ id: call.id });
    }
  } catch (error) {
    reply({ id: call.id, error: messageOf(error) });
  }
});
reply({ ready: true });
