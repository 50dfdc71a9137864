/**
 * The main thread's handle on the load thread of `bench:processors` (`load-worker.ts`): an LLM
 * server, and the 8 writers of the throughput phases.
 */
import { Worker } from 'node:worker_threads';

export type LoadCommand = { id: number } & (
  | { kind: 'writers'; url: string; secret: string; names: string[] }
  | { kind: 'write'; from: number; until: number }
  | { kind: 'stopWriters' }
  | { kind: 'close' }
);
export type LoadReply = { id: number; result?: unknown; error?: string };

type Without<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface LoadThread {
  /** The LLM server's base URL (for OPENAI_BASE_URL). */
  llmUrl: string;
  /** Starts a writer per name on the API at `url`. */
  writers(url: string, secret: string, names: string[]): Promise<void>;
  /**
   * The writers write (each waits for its expansion) until `until` (performance.now() of this
   * thread): how many expansions ended before `from`, between the two, and after `until`.
   */
  write(from: number, until: number): Promise<{ warming: number; done: number; after: number }>;
  stopWriters(): Promise<void>;
  close(): Promise<void>;
}

export async function startLoadThread(): Promise<LoadThread> {
  const worker = new Worker(new URL('./load-worker.mjs', import.meta.url));
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  const llmUrl = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { ready: string }) => resolve(m.ready));
  });
  worker.on('message', (reply: LoadReply) => {
    const w = waiting.get(reply.id);
    if (!w) return;
    waiting.delete(reply.id);
    if (reply.error !== undefined) w.reject(new Error(reply.error));
    else w.resolve(reply.result);
  });
  worker.on('error', (error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  });
  const ask = <T>(command: Without<LoadCommand>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...command, id });
    });
  /** Epoch milliseconds of a performance.now() time of this thread. */
  const epoch = (t: number) => performance.timeOrigin + t;
  return {
    llmUrl,
    writers: (url, secret, names) => ask({ kind: 'writers', url, secret, names }),
    write: (from, until) => ask({ kind: 'write', from: epoch(from), until: epoch(until) }),
    stopWriters: () => ask({ kind: 'stopWriters' }),
    async close() {
      await ask({ kind: 'close' });
      await worker.terminate();
    },
  };
}
