/**
 * Renders a book off the server's event loop. A compile's EPUB blocked the thread that made it
 * for about 100 ms per MB of text (measured: 215 ms for 2 MB), and a run may read 64 MiB: every
 * other user's requests would have waited that long. Each compile gets a worker thread of its
 * own, which renders its formats one after another and ends with it (or when the run is
 * cancelled: `close` stops a render midway).
 */
import { Worker } from 'node:worker_threads';
import type { BookFormat, BookManuscript } from './render';
import type { RenderReply, RenderRequest } from './render-worker';

const WORKER_URL = new URL('./render-worker.mjs', import.meta.url);

export interface Renderer {
  render(format: BookFormat): Promise<Buffer>;
  /** Ends the thread, and with it any render in progress (which then rejects). */
  close(): Promise<void>;
}

/** A render that passed its time limit (its thread was ended). */
export class RenderTimeoutError extends Error {
  override name = 'RenderTimeoutError';
}

/**
 * A thread that renders `manuscript`, once it has started. A render taking longer than
 * `timeLimitMs` ends the thread and rejects with RenderTimeoutError.
 */
export async function openRenderer(
  manuscript: BookManuscript,
  { timeLimitMs = Number.POSITIVE_INFINITY }: { timeLimitMs?: number } = {},
): Promise<Renderer> {
  const worker = new Worker(WORKER_URL);
  let ended: Error | null = null;
  /** The render waiting for its reply (one at a time). */
  let waiting: { resolve: (b: Buffer) => void; reject: (e: Error) => void } | null = null;
  const fail = (error: Error) => {
    ended ??= error;
    waiting?.reject(error);
    waiting = null;
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`The renderer thread ended (exit code ${code})`)));
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (reply: RenderReply) =>
      'ready' in reply ? resolve() : reject(new Error('The renderer thread did not start')),
    );
    worker.once('error', reject);
    worker.once('exit', () => reject(ended ?? new Error('The renderer thread did not start')));
  });
  worker.on('message', (reply: RenderReply) => {
    const w = waiting;
    waiting = null;
    if (!w) return;
    if ('bytes' in reply)
      w.resolve(Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset, reply.bytes.byteLength));
    else if ('failed' in reply) w.reject(new Error(reply.failed));
  });
  worker.postMessage({ manuscript } satisfies RenderRequest);
  return {
    render(format) {
      if (ended) return Promise.reject(ended);
      if (waiting) return Promise.reject(new Error('One render at a time'));
      const rendered = new Promise<Buffer>((resolve, reject) => {
        waiting = { resolve, reject };
        worker.postMessage({ format } satisfies RenderRequest);
      });
      if (!Number.isFinite(timeLimitMs)) return rendered;
      const timer = setTimeout(() => {
        fail(
          new RenderTimeoutError(
            `Rendering the book as ${format} took longer than ${timeLimitMs} ms, the most one format may take here (REYNA_RENDER_TIME_LIMIT_MS)`,
          ),
        );
        void worker.terminate();
      }, timeLimitMs);
      return rendered.finally(() => clearTimeout(timer));
    },
    async close() {
      ended ??= new Error('The renderer was closed');
      await worker.terminate();
    },
  };
}
