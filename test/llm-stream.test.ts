/**
 * How the LLM client reads a streamed answer (processors/lib/llm.ts, `readEvents`): the text and
 * its pieces in order whatever way the events are cut on the wire, `[DONE]`, an error event from
 * the server, a stream cut short, one that stalls, an overlong one, and a caller that stops
 * reading; an answer sent compressed, and questions asked one after another over one connection.
 * The real `openai` client over real HTTP, against a server written for each case.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '../processors/kit';
import {
  createLlm,
  LlmOutputTooLongError,
  LlmStalledError,
  LlmStoppedError,
} from '../processors/lib/llm';

type Script = (res: ServerResponse) => unknown;
let script: Script = () => {};
let server: Server;
let baseURL: string;
/** Whether the last response was closed before the server ended it (the client went away). */
let leftEarly = false;
/** Headers the next answers carry besides their content type. */
let extraHeaders: Record<string, string> = {};
/** The last request's headers, and the connections the server has accepted so far. */
let asked: IncomingHttpHeaders = {};
let connections = 0;

const chunk = (content: string | null, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }] })}\n\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = createServer(async (req, res) => {
    asked = req.headers;
    for await (const _ of req) {
      // The request body is not needed.
    }
    leftEarly = false;
    res.on('close', () => {
      if (!res.writableEnded) leftEarly = true;
    });
    res.writeHead(200, { 'content-type': 'text/event-stream', ...extraHeaders });
    await script(res);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ask = (timeoutMs?: number, maxTokens?: number) => {
  const deltas: string[] = [];
  const llm = createLlm({ baseURL, model: 'm', timeoutMs });
  const answer = llm.stream({ model: 'm', system: 's', user: 'u', maxTokens }, (d) =>
    deltas.push(d),
  );
  return { deltas, answer };
};
const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as Error,
  );

describe('reading a streamed answer', () => {
  it('gives the text and its pieces in order, whether events come together, apart or split', async () => {
    const words = Array.from({ length: 30 }, (_, i) => `word${i}ü `);
    const wire = `: a comment\n\n${words.map((w) => chunk(w)).join('')}${chunk(null, 'stop')}data: [DONE]\n\n`;
    for (const cut of ['whole', 'each-event', 'every-7-bytes']) {
      script = async (res) => {
        const bytes = Buffer.from(wire);
        if (cut === 'whole') res.end(bytes);
        else if (cut === 'each-event') {
          for (const piece of wire.split(/(?<=\n\n)/)) {
            res.write(piece);
            await sleep(0);
          }
          res.end();
        } else {
          // Cuts inside events and inside a two-byte character.
          for (let i = 0; i < bytes.length; i += 7) {
            res.write(bytes.subarray(i, i + 7));
            if (i % 70 === 0) await sleep(1);
          }
          res.end();
        }
      };
      const { deltas, answer } = ask();
      expect(await answer, cut).toBe(words.join(''));
      expect(deltas, cut).toEqual(words);
    }
  });

  it('ignores what follows [DONE]', async () => {
    script = (res) => res.end(`${chunk('one ', 'stop')}data: [DONE]\n\n${chunk('two')}`);
    expect(await ask().answer).toBe('one ');
  });

  it('an error event from the server fails the answer, with the server’s message', async () => {
    script = (res) =>
      res.end(
        `${chunk('partial ')}data: ${JSON.stringify({ error: { message: 'the model is overloaded', type: 'server_error' } })}\n\n`,
      );
    const failure = await failureOf(ask().answer);
    expect(failure?.message).toMatch(/overloaded/);
    // Not a permanent failure: asking again may succeed.
    expect(failure).not.toBeInstanceOf(PermanentError);
  });

  it('a stream that ends before its finish_reason is an incomplete answer', async () => {
    script = (res) => res.end(chunk('half an answer'));
    const failure = await failureOf(ask().answer);
    expect(failure?.message).toMatch(/ended before the answer was complete/);
  });

  it('a stream that goes quiet midway fails as stalled, and the request is dropped', async () => {
    script = async (res) => {
      res.write(chunk('started '));
      // Never a second event.
    };
    const failure = await failureOf(ask(300).answer);
    expect(failure).toBeInstanceOf(LlmStalledError);
    await sleep(50);
    expect(leftEarly).toBe(true);
  });

  it('stops reading past the character cap, and drops the request', async () => {
    script = async (res) => {
      for (let i = 0; i < 1000 && !res.destroyed; i++) {
        res.write(chunk('0123456789'));
        await sleep(0);
      }
      res.end();
    };
    // 4 tokens allowed: 32 characters.
    const { deltas, answer } = ask(undefined, 4);
    const failure = await failureOf(answer);
    expect(failure).toBeInstanceOf(LlmOutputTooLongError);
    expect(deltas.join('').length).toBeLessThanOrEqual(32);
    await sleep(50);
    expect(leftEarly).toBe(true);
  });

  it('a caller that stops reading ends the request', async () => {
    script = async (res) => {
      for (let i = 0; i < 1000 && !res.destroyed; i++) {
        res.write(chunk(`piece${i} `));
        await sleep(1);
      }
      res.end();
    };
    const llm = createLlm({ baseURL, model: 'm' });
    let seen = 0;
    const failure = await failureOf(
      llm.stream({ model: 'm', system: 's', user: 'u' }, () => {
        seen++;
        if (seen === 3) throw new Error('cancelled');
      }),
    );
    expect(failure).toBeInstanceOf(LlmStoppedError);
    expect(seen).toBe(3);
    await sleep(50);
    expect(leftEarly).toBe(true);
  });

  it('reads an answer the server compressed, event by event', async () => {
    // Servers behind a compressing proxy send the stream gzipped when the client accepts it.
    const words = Array.from({ length: 20 }, (_, i) => `gz${i} `);
    extraHeaders = { 'content-encoding': 'gzip' };
    script = async (res) => {
      const gzip = createGzip();
      gzip.pipe(res);
      for (const w of words) {
        gzip.write(chunk(w));
        gzip.flush();
        await sleep(0);
      }
      gzip.end(`${chunk(null, 'stop')}data: [DONE]\n\n`);
    };
    try {
      const { deltas, answer } = ask();
      expect(await answer).toBe(words.join(''));
      expect(deltas).toEqual(words);
      expect(asked['accept-encoding']).toMatch(/gzip/);
    } finally {
      extraHeaders = {};
    }
  });

  it('asks one question after another over one kept-alive connection', async () => {
    script = (res) => res.end(`${chunk('again ', 'stop')}data: [DONE]\n\n`);
    const llm = createLlm({ baseURL, model: 'm' });
    const ask1 = () => llm.stream({ model: 'm', system: 's', user: 'u' }, () => {});
    await ask1();
    const before = connections;
    for (let i = 0; i < 5; i++) expect(await ask1()).toBe('again ');
    expect(connections).toBe(before);
  });
});
