/**
 * The demo LLM: a small OpenAI-compatible server on 127.0.0.1 (Chat Completions, streamed as SSE
 * like the real ones) that answers with a labelled, deterministic "expansion" of the user's text,
 * one word per token with a delay per token. The studio then runs end to end without an API key,
 * through the same `openai` client a real provider is called with; its text is never AI-written
 * and says so in its first words, and its model is `demo` in every run and provenance.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { words } from './text-metrics';

/** The model name the demo answers to, and what runs and provenance record. */
export const DEMO_MODEL = 'demo';

/** The first words of every demo answer. */
export const DEMO_LABEL = '[Demo expansion — not AI-written]';

/** Largest request body read, in bytes: a passage is at most 50,000 characters. */
const MAX_BODY = 1024 * 1024;

/** Ten-odd words each; `{a}` and `{b}` take words of the sentence they follow. */
const TEMPLATES = [
  'Nothing about {a} was simple, and everyone present could feel it.',
  'For a long moment, {a} seemed to fill the whole of the scene.',
  'It was the kind of detail about {a} that stays with a reader.',
  'Somewhere beneath it all, {a} and {b} pulled in different directions.',
  'The air itself seemed to hold its breath around {a}.',
  'Later, much later, the memory of {b} would return unbidden.',
  'And still {a} remained, quiet and certain, waiting to be noticed.',
  'Every small sound in the room carried the weight of {b}.',
  'No one spoke of {a}, yet it shaped every glance that followed.',
  'There was a patience in {b} that felt almost deliberate.',
  'The light shifted, and {a} looked different than it had before.',
  'It would take years to understand what {a} had really meant.',
];

const STOP_WORDS = new Set(
  'about after again also because been before being could every from have into just more most much only other over some such than that their them then there these they this those through very were what when where which while with would your'.split(
    ' ',
  ),
);

/** A generator seeded from the text (mulberry32): the same input always picks the same words. */
function seededBy(text: string): () => number {
  let a = createHash('sha256').update(text).digest().readUInt32LE(0);
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Sentences of a paragraph, each with its closing punctuation (one linear scan). */
function sentencesOf(paragraph: string): string[] {
  return (paragraph.match(/[^.!?…]+[.!?…]*/g) ?? []).map((s) => s.trim()).filter(Boolean);
}

/**
 * The demo's answer to `input`: the label, then each sentence of the input followed by made-up
 * sentences built from its own words until it is about four times as long. Deterministic.
 */
export function demoExpansion(input: string): string {
  const random = seededBy(input);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const paragraphs = input
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((paragraph) =>
      sentencesOf(paragraph)
        .map((sentence) => {
          const own = words(sentence);
          const keys = own
            .map((w) => w.toLowerCase())
            .filter((w) => w.length >= 4 && !STOP_WORDS.has(w));
          const choices = keys.length > 0 ? keys : ['the moment'];
          const parts = [sentence];
          let added = 0;
          while (added < own.length * 3) {
            const line = pick(TEMPLATES)
              .replace('{a}', pick(choices))
              .replace('{b}', pick(choices));
            parts.push(line);
            added += words(line).length;
          }
          return parts.join(' ');
        })
        .join(' '),
    );
  return `${DEMO_LABEL}\n\n${paragraphs.join('\n\n')}`;
}

export interface DemoLlmOptions {
  /** Delay before each token (word) of a streamed answer. Default 30 ms. */
  tokenDelayMs?: number;
  /**
   * Longest a streamed answer takes: past `maxStreamMs / tokenDelayMs` tokens, several go in one
   * piece, so a 50,000-character passage streams in about this long. Default 20 s.
   */
  maxStreamMs?: number;
}

export interface DemoLlm {
  /** Base URL for the `openai` client (ends in /v1). */
  url: string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sendError(res: ServerResponse, status: number, message: string, code: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type: 'invalid_request_error', code } }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new RangeError('request body too large');
    chunks.push(chunk as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

interface ChatRequest {
  model: string;
  stream: boolean;
  maxTokens: number | undefined;
  user: string;
}

/** The parts of a Chat Completions request the demo reads, or why it cannot. */
function parseRequest(body: unknown): ChatRequest | string {
  if (typeof body !== 'object' || body === null) return 'the body must be a JSON object';
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string') return 'model is required';
  if (!Array.isArray(b.messages)) return 'messages must be an array';
  const user = b.messages
    .filter((m) => m && typeof m === 'object' && m.role === 'user' && typeof m.content === 'string')
    .map((m) => m.content as string)
    .join('\n\n');
  const maxTokens =
    typeof b.max_tokens === 'number' && b.max_tokens > 0 ? Math.floor(b.max_tokens) : undefined;
  return { model: b.model, stream: b.stream === true, maxTokens, user };
}

/** Starts the demo endpoint on a random loopback port. */
export async function startDemoLlm(options: DemoLlmOptions = {}): Promise<DemoLlm> {
  const tokenDelayMs = options.tokenDelayMs ?? 30;
  const maxStreamMs = options.maxStreamMs ?? 20_000;
  let counter = 0;
  const server = createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: [{ id: DEMO_MODEL, object: 'model', created: 0, owned_by: 'reyna' }],
        }),
      );
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      sendError(res, 404, `No route ${req.method} ${req.url}`, 'not_found');
      return;
    }
    let request: ChatRequest | string;
    try {
      request = parseRequest(await readJson(req));
    } catch (error) {
      if (error instanceof RangeError) sendError(res, 413, error.message, 'too_large');
      else sendError(res, 400, 'The body is not valid JSON', 'invalid_json');
      return;
    }
    if (typeof request === 'string') {
      sendError(res, 400, request, 'invalid_request');
      return;
    }
    if (request.model !== DEMO_MODEL) {
      sendError(
        res,
        404,
        `The model \`${request.model.slice(0, 200)}\` does not exist: the demo LLM serves only "${DEMO_MODEL}"`,
        'model_not_found',
      );
      return;
    }
    // One token per word (with its trailing space), as far as the budget goes.
    let tokens: string[] = demoExpansion(request.user).match(/\S+\s*/g) ?? [];
    const cut = request.maxTokens !== undefined && tokens.length > request.maxTokens;
    if (cut) tokens = tokens.slice(0, request.maxTokens);
    const finish = cut ? 'length' : 'stop';
    const id = `chatcmpl-demo-${++counter}`;
    const created = Math.floor(Date.now() / 1000);
    if (!request.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model: DEMO_MODEL,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: tokens.join('') },
              finish_reason: finish,
            },
          ],
          usage: {
            prompt_tokens: words(request.user).length,
            completion_tokens: tokens.length,
            total_tokens: words(request.user).length + tokens.length,
          },
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
    const chunk = (delta: object, finishReason: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: DEMO_MODEL, choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }, null));
    const perPiece =
      tokenDelayMs > 0
        ? Math.max(1, Math.ceil((tokens.length * tokenDelayMs) / Math.max(1, maxStreamMs)))
        : 1;
    for (let i = 0; i < tokens.length; i += perPiece) {
      if (tokenDelayMs > 0) await sleep(tokenDelayMs);
      // The client went away (a cancelled run): stop writing, as a real server does.
      if (gone) return;
      res.write(chunk({ content: tokens.slice(i, i + perPiece).join('') }, null));
    }
    if (gone) return;
    res.write(chunk({}, finish));
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
