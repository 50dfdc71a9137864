/**
 * The LLM behind text expansion: the official `openai` client, Chat Completions with streaming,
 * against any OpenAI-compatible server (`baseURL`). Retries are the runtime's, not the client's.
 */
import OpenAI from 'openai';
import { CircuitBreaker } from './circuit-breaker';

export interface LlmOptions {
  baseURL?: string;
  apiKey?: string;
  model: string;
  /** Per request. Default 120 s. */
  timeoutMs?: number;
  breaker?: CircuitBreaker;
}

export interface Llm {
  readonly defaultModel: string;
  /** Streams a completion, calling `onDelta` with each piece; resolves with the whole text. */
  stream(
    request: { model: string; system: string; user: string },
    onDelta: (text: string) => void,
  ): Promise<string>;
}

export function createLlm(options: LlmOptions): Llm {
  const client = new OpenAI({
    baseURL: options.baseURL,
    // Local servers (Ollama, llama.cpp) take any key; the client insists on one.
    apiKey: options.apiKey ?? 'not-needed',
    timeout: options.timeoutMs ?? 120_000,
    maxRetries: 0,
  });
  const breaker = options.breaker ?? new CircuitBreaker();
  return {
    defaultModel: options.model,
    stream: (request, onDelta) =>
      breaker.run(async () => {
        const stream = await client.chat.completions.create({
          model: request.model,
          stream: true,
          messages: [
            { role: 'system', content: request.system },
            { role: 'user', content: request.user },
          ],
        });
        let text = '';
        let finished = false;
        for await (const chunk of stream) {
          const choice = chunk.choices[0];
          const delta = choice?.delta?.content ?? '';
          if (delta) {
            text += delta;
            onDelta(delta);
          }
          if (choice?.finish_reason) finished = true;
        }
        // A stream cut before its finish_reason is an incomplete answer, not a short one.
        if (!finished) throw new Error('The LLM stream ended before the answer was complete');
        return text;
      }),
  };
}
