/**
 * A small OpenAI-compatible server for tests: POST /v1/chat/completions, streaming (SSE) and not,
 * with delays, HTTP errors, cut streams, seeded random failures and outages on demand. It speaks the real protocol, so the real
 * `openai` client is what talks to it.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLlmBehaviour {
  /** The answer to a prompt; default: the user's text four times over. */
  reply: (user: string) => string;
  /** Before the first token. */
  firstTokenDelayMs: number;
  /** Between chunks. */
  chunkDelayMs: number;
  /** The next N requests fail with this status. */
  fail: { status: number; times: number } | null;
  /** The next N streams are cut after two chunks. */
  cutStreams: number;
  /** Requests for these models always fail with the status given (e.g. 404: unknown model). */
  failModels: Record<string, number>;
  /** Streams for these prompts write without end until the client goes away (every chunkDelayMs, if set). */
  endless: (user: string) => boolean;
  /** The finish_reason of the last chunk (`length`: the answer hit max_tokens). */
  finishReason: string;
  /**
   * Each request fails with `status` with probability `rate`, drawn from a generator seeded with
   * `seed` (a new object starts the sequence again).
   */
  randomFailures: { rate: number; seed: number; status: number } | null;
  /** Until this performance.now() time, every connection is reset before an answer (a dead server). */
  downUntil: number;
}

export interface FakeLlm {
  /** Base URL for OPENAI_BASE_URL (ends in /v1). */
  url: string;
  behaviour: FakeLlmBehaviour;
  /** `at` and `finishedAt` are performance.now() when the request arrived and was answered. */
  requests: {
    model: string;
    stream: boolean;
    user: string;
    maxTokens: number | undefined;
    at: number;
    finishedAt?: number;
    /** When the connection closed: the answer ended, or the client went away. */
    closedAt?: number;
    /** Characters streamed to the client. */
    sent: number;
    /** How it was answered: an HTTP status, or 'reset' (the connection dropped while down). */
    outcome: number | 'reset';
  }[];
  /** Requests being answered right now, and the most at once. */
  inFlight: number;
  maxInFlight: number;
  /** Down (every connection reset) for `ms` from now. */
  downFor(ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

const defaults = (): FakeLlmBehaviour => ({
  reply: (user) =>
    Array.from({ length: 4 }, (_, i) => `${i === 0 ? '' : 'And again, '}${user}`).join(' '),
  firstTokenDelayMs: 0,
  chunkDelayMs: 0,
  fail: null,
  cutStreams: 0,
  failModels: {},
  endless: () => false,
  finishReason: 'stop',
  randomFailures: null,
  downUntil: 0,
});

/** A small seeded generator (mulberry32): the same seed gives the same failures. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

/** The part of a chat completion request the fake reads; the client sends the rest unread. */
interface ChatRequest {
  model: string;
  stream?: boolean;
  max_tokens?: number;
  messages?: { role: string; content: string }[];
}

async function body(req: IncomingMessage): Promise<ChatRequest> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString() || '{}') as ChatRequest;
}

export async function startFakeLlm(): Promise<FakeLlm> {
  const fake: FakeLlm = {
    url: '',
    behaviour: defaults(),
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
    downFor(ms) {
      fake.behaviour.downUntil = performance.now() + ms;
    },
    reset() {
      fake.behaviour = defaults();
      fake.requests = [];
      fake.maxInFlight = 0;
    },
    close: async () => {},
  };
  const generators = new WeakMap<object, () => number>();
  const server: Server = createServer(async (req, res) => {
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404).end();
      return;
    }
    const request = await body(req);
    const user = (request.messages ?? [])
      .filter((m) => m.role === 'user')
      .map((m) => m.content)
      .join('\n');
    const entry: FakeLlm['requests'][number] = {
      model: request.model,
      stream: Boolean(request.stream),
      user,
      maxTokens: request.max_tokens,
      at: performance.now(),
      sent: 0,
      outcome: 200,
    };
    fake.requests.push(entry);
    res.on('finish', () => {
      entry.finishedAt = performance.now();
    });
    res.on('close', () => {
      entry.closedAt = performance.now();
    });
    const b = fake.behaviour;
    if (entry.at < b.downUntil) {
      entry.outcome = 'reset';
      res.socket?.destroy();
      return;
    }
    if (b.randomFailures) {
      let random = generators.get(b.randomFailures);
      if (!random) {
        random = seeded(b.randomFailures.seed);
        generators.set(b.randomFailures, random);
      }
      if (random() < b.randomFailures.rate) {
        entry.outcome = b.randomFailures.status;
        res.writeHead(b.randomFailures.status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { message: 'fake random failure', type: 'server_error' } }),
        );
        return;
      }
    }
    const modelStatus = b.failModels[request.model];
    if (modelStatus !== undefined) {
      entry.outcome = modelStatus;
      res.writeHead(modelStatus, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message: `The model \`${request.model}\` does not exist`,
            type: 'invalid_request_error',
            code: 'model_not_found',
          },
        }),
      );
      return;
    }
    if (b.fail && b.fail.times > 0) {
      b.fail.times--;
      entry.outcome = b.fail.status;
      res.writeHead(b.fail.status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `fake failure ${b.fail.status}`, type: 'server_error' },
        }),
      );
      return;
    }
    fake.inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight);
    try {
      const text = b.reply(user);
      const id = `chatcmpl-${fake.requests.length}`;
      const created = Math.floor(Date.now() / 1000);
      await sleep(b.firstTokenDelayMs);
      if (!request.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id,
            object: 'chat.completion',
            created,
            model: request.model,
            choices: [
              { index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' },
            ],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
        return;
      }
      let gone = false;
      res.on('close', () => {
        gone = true;
      });
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: request.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }, null));
      if (b.endless(user)) {
        while (!gone) {
          res.write(chunk({ content: 'and on ' }, null));
          entry.sent += 7;
          // As fast as it can unless told to pace itself (a run that must stay RUNNING a while).
          if (b.chunkDelayMs > 0) await sleep(b.chunkDelayMs);
          else await new Promise((r) => setImmediate(r));
        }
        return;
      }
      const pieces = text.match(/\S+\s*/g) ?? [text];
      const cut = b.cutStreams > 0;
      if (cut) b.cutStreams--;
      for (const [i, piece] of pieces.entries()) {
        // The client went away (an aborted request): stop writing, as a real server does.
        if (gone) return;
        if (cut && i === 2) {
          res.socket?.destroy();
          return;
        }
        res.write(chunk({ content: piece }, null));
        entry.sent += piece.length;
        await sleep(b.chunkDelayMs);
      }
      res.write(chunk({}, b.finishReason));
      res.end('data: [DONE]\n\n');
    } finally {
      fake.inFlight--;
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
