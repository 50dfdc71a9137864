/**
 * The LLM client the processors share (text expansion writes with it, the pitch builder polishes
 * with it): the official `openai` client, Chat Completions with streaming, against any
 * OpenAI-compatible server (`baseURL`). Retries are the runtime's, not the client's.
 *
 * Every answer is bounded: the request carries `max_tokens` (the caller's budget, never above
 * `maxOutputTokens`), and the client stops reading past `CHARS_PER_TOKEN` characters per token
 * of that budget, for servers that ignore the limit. An answer cut by either is a permanent
 * failure: asking again would pay for the same overlong answer.
 */
import { createParser } from 'eventsource-parser';
import nodeFetch from 'node-fetch';
import type OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { PermanentError } from '../kit';
import { CircuitBreaker } from './circuit-breaker';

/** Characters read per token of budget before the client stops reading (tokens average ~4). */
export const CHARS_PER_TOKEN = 8;

export interface LlmOptions {
  baseURL?: string;
  apiKey?: string;
  model: string;
  /** Until the response starts, and then between two pieces of the stream. Default 120 s. */
  timeoutMs?: number;
  /** The most output tokens any request asks for. Default 16,384. */
  maxOutputTokens?: number;
  breaker?: CircuitBreaker;
}

export interface LlmRequest {
  model: string;
  system: string;
  user: string;
  /** Output budget for this request; capped at the operator's `maxOutputTokens`. */
  maxTokens?: number;
}

export interface Llm {
  readonly defaultModel: string;
  /** The most output tokens any request may ask for. */
  readonly maxOutputTokens: number;
  /** Streams a completion, calling `onDelta` with each piece; resolves with the whole text. */
  stream(request: LlmRequest, onDelta: (text: string) => void): Promise<string>;
}

/** The server refused this request (unknown model, bad request, content policy): no retry fixes it. */
export class LlmRefusedError extends PermanentError {
  override name = 'LlmRefusedError';
}

/** The answer passed its budget (`finish_reason: length`, or the character cap). */
export class LlmOutputTooLongError extends PermanentError {
  override name = 'LlmOutputTooLongError';
}

/** The caller stopped the stream (a cancelled run). */
export class LlmStoppedError extends PermanentError {
  override name = 'LlmStoppedError';
}

/** No piece of the answer arrived within the timeout. */
export class LlmStalledError extends Error {
  override name = 'LlmStalledError';
}

/** The caller's own errors, and the answers the server refused, say nothing of its health. */
export function isProviderFailure(error: unknown): boolean {
  if (error instanceof LlmRefusedError || error instanceof LlmOutputTooLongError) return false;
  if (error instanceof LlmStoppedError) return false;
  return true;
}

/** 400, 403, 404, 422: this request is refused (another user's may not be). */
const REFUSED = new Set([400, 403, 404, 422]);

/**
 * The `openai` package, imported on the first request rather than with the server (it is a
 * quarter of a second of every start, and a server without an LLM never needs it).
 */
type OpenAiModule = typeof import('openai');
let openai: Promise<OpenAiModule> | undefined;
const loadOpenAi = () => {
  openai ??= import('openai');
  return openai;
};

/** Whether fetch refused the request because the server answered with a redirect. */
function redirected(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (/redirect/i.test(e.message)) return true;
  return false;
}

function classify(
  { APIConnectionError, APIError, APIUserAbortError }: OpenAiModule,
  error: unknown,
  model: string,
): unknown {
  if (error instanceof APIConnectionError && redirected(error))
    return new PermanentError(
      'The LLM server answered with a redirect, which is not followed: set OPENAI_BASE_URL to the address it redirects to',
    );
  if (error instanceof APIConnectionError || error instanceof APIUserAbortError) return error;
  if (!(error instanceof APIError) || error.status === undefined) return error;
  const detail = error.message.slice(0, 300);
  if (error.status === 404)
    return new LlmRefusedError(
      `The LLM server does not know the model "${model}" (404): ${detail}`,
    );
  if (REFUSED.has(error.status))
    return new LlmRefusedError(`The LLM server refused the request (${error.status}): ${detail}`);
  // A rejected key fails every run alike: no retry, but the breaker hears of it.
  if (error.status === 401)
    return new PermanentError(`The LLM server rejected the API key (401): ${detail}`);
  return error;
}

/**
 * Reads a streamed chat completion's server-sent events from `response`, calling `onChunk` with
 * each chunk, and `touch` with each piece read. The same protocol as the `openai` client's own
 * stream (`[DONE]` ends it; an event carrying `error` is the server's APIError), read without it:
 * its stream (6.x) passes every event through three async generators and, for a read that holds
 * many events, copies its buffer once per event; that stream allocated a fifth of everything one
 * pipeline passage does. Against a local server, an answer of 41 events costs the client and the
 * server 1.06-1.22 ms of CPU this way, and cost 1.48-1.63 ms through the client's stream. A throw
 * from `onChunk` ends the read, and leaving the read cancels the response.
 */
async function readEvents(
  module: OpenAiModule,
  response: Response,
  touch: () => void,
  onChunk: (chunk: ChatCompletionChunk) => void,
): Promise<void> {
  if (!response.body) throw new Error('The LLM server answered without a body');
  let done = false;
  const parser = createParser({
    onEvent: (event) => {
      if (done) return;
      if (event.data.startsWith('[DONE]')) {
        done = true;
        return;
      }
      const data = JSON.parse(event.data) as ChatCompletionChunk & { error?: unknown };
      if (event.event === 'error' || data?.error)
        throw new module.APIError(undefined, data?.error as object, undefined, response.headers);
      if (Array.isArray(data?.choices)) onChunk(data);
    },
  });
  const decoder = new TextDecoder();
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
    touch();
    parser.feed(decoder.decode(bytes, { stream: true }));
  }
  parser.feed(decoder.decode());
}

export function createLlm(options: LlmOptions): Llm {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxOutputTokens = options.maxOutputTokens ?? 16_384;
  let client: OpenAI | undefined;
  const clientOf = (module: OpenAiModule) => {
    client ??= new module.default({
      baseURL: options.baseURL,
      // Local servers (Ollama, llama.cpp) take any key; the client insists on one.
      apiKey: options.apiKey ?? 'not-needed',
      timeout: timeoutMs,
      maxRetries: 0,
      // A redirect is refused rather than followed (see `classify`).
      fetchOptions: { redirect: 'error' },
      // The requests go over `node:http` (node-fetch), not Node's own fetch (undici): that fetch
      // ties each response's body to a WeakRef, whose target V8's young-generation collector
      // always keeps, so every answer read survived into the old generation. In the pipeline
      // bench that was half of what each young collection copied (1.4 MB against 0.8 MB), and
      // the collector's pauses, which fall inside about 6% of passages, were half again as long
      // (p50 3.5-3.7 ms against 2.4 ms). node-fetch's Response is close enough to the standard
      // one for the client (status, headers, text()); its body is a Node stream, which
      // `readEvents` reads the same way.
      fetch: nodeFetch as unknown as typeof fetch,
    });
    return client;
  };
  const breaker = options.breaker ?? new CircuitBreaker(10, 30_000, Date.now, isProviderFailure);
  const once = async (request: LlmRequest, onDelta: (text: string) => void) => {
    const module = await loadOpenAi();
    const maxTokens = Math.max(1, Math.min(request.maxTokens ?? maxOutputTokens, maxOutputTokens));
    const maxChars = maxTokens * CHARS_PER_TOKEN;
    const controller = new AbortController();
    // The client's timeout ends when the response starts; a stream that then goes quiet would
    // hold its run (and its heartbeats) forever.
    // One timer, re-armed by every piece read (`refresh`: no timer made and dropped per event).
    let stalled = false;
    const idle = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, timeoutMs);
    const touch = () => {
      idle.refresh();
    };
    let text = '';
    let finish: string | null = null;
    try {
      // The client makes the request and turns a refusal into its APIError; the answer's events
      // are read here, not through the client's stream (see `readEvents`).
      const response = await clientOf(module)
        .chat.completions.create(
          {
            model: request.model,
            stream: true,
            max_tokens: maxTokens,
            messages: [
              { role: 'system', content: request.system },
              { role: 'user', content: request.user },
            ],
          },
          { signal: controller.signal },
        )
        .asResponse();
      await readEvents(module, response, touch, (chunk) => {
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content ?? '';
        if (delta) {
          if (text.length + delta.length > maxChars) {
            throw new LlmOutputTooLongError(
              `The LLM answer passed ${maxChars} characters (${maxTokens} tokens asked for); stopped reading it`,
            );
          }
          text += delta;
          try {
            onDelta(delta);
          } catch (error) {
            throw error instanceof PermanentError
              ? error
              : new LlmStoppedError(error instanceof Error ? error.message : String(error));
          }
        }
        if (choice?.finish_reason) finish = choice.finish_reason;
      });
    } catch (error) {
      // Whatever ended the read early, the server stops writing.
      controller.abort();
      if (stalled)
        throw new LlmStalledError(`The LLM sent nothing for ${timeoutMs} ms; gave up on it`);
      throw classify(module, error, request.model);
    } finally {
      clearTimeout(idle);
    }
    if (finish === 'length')
      throw new LlmOutputTooLongError(
        `The LLM answer reached its limit of ${maxTokens} tokens before it was complete`,
      );
    if (finish === 'content_filter')
      throw new LlmRefusedError('The LLM server withheld the answer (content filter)');
    // A stream cut before its finish_reason is an incomplete answer, not a short one.
    if (finish === null) throw new Error('The LLM stream ended before the answer was complete');
    return text;
  };
  return {
    defaultModel: options.model,
    maxOutputTokens,
    stream: (request, onDelta) => breaker.run(() => once(request, onDelta)),
  };
}
