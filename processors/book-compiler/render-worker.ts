/**
 * The book compiler's renderers in a thread of their own (see render-thread.ts): it receives a
 * manuscript once, then renders it in each format it is asked for, answering with the file's
 * bytes (moved, not copied) or the error's message.
 */
import { parentPort } from 'node:worker_threads';
import { type BookFormat, type BookManuscript, renderBook } from './render';

export type RenderRequest = { manuscript: BookManuscript } | { format: BookFormat };
export type RenderReply = { ready: true } | { bytes: Uint8Array } | { failed: string };

let manuscript: BookManuscript | null = null;
const port = parentPort!;
port.on('message', async (request: RenderRequest) => {
  if ('manuscript' in request) {
    manuscript = request.manuscript;
    return;
  }
  try {
    if (!manuscript) throw new Error('no manuscript to render');
    const content = await renderBook(manuscript, request.format);
    const bytes = new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
    // A Buffer may share its memory with other small Buffers (Node's pool): copy those.
    const own = content.byteOffset === 0 && content.buffer.byteLength === content.byteLength;
    const reply: RenderReply = { bytes: own ? bytes : bytes.slice() };
    port.postMessage(reply, [reply.bytes.buffer as ArrayBuffer]);
  } catch (error) {
    const reply: RenderReply = { failed: error instanceof Error ? error.message : String(error) };
    port.postMessage(reply);
  }
});
port.postMessage({ ready: true } satisfies RenderReply);
