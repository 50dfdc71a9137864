/**
 * The embedded database in a worker thread of its own: PostgreSQL in WebAssembly is most of the
 * CPU a passage costs the embedded server, and in its own thread it runs beside the requests,
 * the event backbone and the processors instead of between them. `pg` reaches it through the same
 * stream as in this thread (`pglite-stream.ts`); each batch of protocol messages is posted to the
 * worker and its answer posted back.
 *
 * The worker holds the process open only while a call is in flight, as a socket would. If it
 * dies, every call in flight and every later one fails with the reason, as on a lost server.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isTerminate, type PgliteEngine } from './pglite-engine';
import type { EngineCall, EngineReply } from './pglite-worker';

const WORKER_URL = new URL('./pglite-worker.mjs', import.meta.url);

export interface WorkerOptions {
  dir: string;
  /** Create the database (initdb) and close it: the thread then has nothing more to do. */
  initOnly?: boolean;
  /** PostgreSQL and initdb compiled once in this process, whichever thread instantiates them. */
  pgliteWasmModule: WebAssembly.Module;
  initdbWasmModule: WebAssembly.Module;
}

let compiled: Promise<Omit<WorkerOptions, 'dir'>> | undefined;
/** PGlite's WebAssembly, compiled once per process (each worker would compile it again). */
function compiledModules(): Promise<Omit<WorkerOptions, 'dir'>> {
  compiled ??= (async () => {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const compile = async (name: string) =>
      WebAssembly.compile(await readFile(new URL(name, pathToFileURL(entry))));
    const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
      compile('./pglite.wasm'),
      compile('./initdb.wasm'),
    ]);
    return { pgliteWasmModule, initdbWasmModule };
  })();
  compiled.catch(() => {
    compiled = undefined;
  });
  return compiled;
}

type Call =
  | { op: 'run'; connection: number; messages: Uint8Array[] }
  | { op: 'release'; connection: number }
  | { op: 'close' };

class ThreadEngine implements PgliteEngine {
  private seq = 0;
  private readonly calls = new Map<
    number,
    { resolve: (data: Uint8Array[]) => void; reject: (error: Error) => void }
  >();
  private dead: Error | null = null;
  private closing = false;

  constructor(private readonly worker: Worker) {
    worker.on('message', (message: EngineReply) => {
      if (!('id' in message)) return;
      const call = this.calls.get(message.id);
      if (!call) return;
      this.calls.delete(message.id);
      if (this.calls.size === 0) worker.unref();
      if (message.error !== undefined) call.reject(new Error(message.error));
      else call.resolve(message.data ?? []);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', () => this.fail(new Error('The embedded database thread exited')));
  }

  run(connection: number, messages: Uint8Array[]): Promise<Uint8Array[]> {
    // The pool ends without waiting for its connections to close: their goodbyes may follow.
    if (this.closing && messages.every(isTerminate)) return Promise.resolve([]);
    // Each message copied into memory of its own, handed over rather than copied again.
    const copies = messages.map((m) => new Uint8Array(m));
    return this.call(
      { op: 'run', connection, messages: copies },
      copies.map((c) => c.buffer),
    );
  }

  async release(connection: number): Promise<void> {
    // Closing, the session goes and with it anything the connection left.
    if (!this.dead && !this.closing) await this.call({ op: 'release', connection });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (!this.dead) await this.call({ op: 'close' });
    this.dead ??= new Error('The embedded database is closed');
    await this.worker.terminate();
  }

  private call(call: Call, transfer: ArrayBuffer[] = []): Promise<Uint8Array[]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      if (this.calls.size === 1) this.worker.ref();
      this.worker.postMessage({ ...call, id } satisfies EngineCall, transfer);
    });
  }

  private fail(error: Error): void {
    this.dead ??= error;
    for (const call of this.calls.values()) call.reject(this.dead);
    this.calls.clear();
    this.worker.unref();
  }
}

/**
 * Starts PGlite on `dir` in a worker thread; resolves once it is open, or rejects saying why not.
 *
 * A data folder not created yet is created first in a thread of its own, which then ends:
 * PostgreSQL's initdb grows WebAssembly memory that is never given back (the server at rest took
 * about 1 GB after its first start, and half that once its folder existed), and memory goes only
 * with the thread that grew it.
 */
export async function startPgliteThread(dir: string): Promise<PgliteEngine> {
  const modules = await compiledModules();
  if (!dir.includes('://') && !existsSync(join(dir, 'PG_VERSION'))) {
    const init = await openThread({ dir, ...modules, initOnly: true });
    await init.terminate();
  }
  const worker = await openThread({ dir, ...modules });
  worker.unref();
  return new ThreadEngine(worker);
}

/** A worker thread running `pglite-worker.ts`, once it says it is ready. */
async function openThread(workerData: WorkerOptions): Promise<Worker> {
  const worker = new Worker(WORKER_URL, { workerData });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: EngineReply) => {
      if ('ready' in message) done(null);
      else if ('failed' in message)
        done(new Error(`The embedded database did not open: ${message.failed}`));
    };
    const onError = (error: Error) => done(error);
    const onExit = () => done(new Error('The embedded database thread exited while opening'));
    function done(error: Error | null) {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (error) {
        worker.on('error', () => {});
        void worker.terminate();
        reject(error);
      } else resolve();
    }
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
  return worker;
}
