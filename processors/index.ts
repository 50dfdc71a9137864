/**
 * Every processor the studio runs. Adding one: a folder with its definition and handler (see
 * processors/kit.ts), and one line here.
 */
import { bookCompiler } from './book-compiler/index';
import type { Processor } from './kit';
import { CircuitBreaker } from './lib/circuit-breaker';
import { createLlm, isProviderFailure, type Llm } from './lib/llm';
import { pitchBuilder } from './pitch-builder/index';
import { textExpansion } from './text-expansion/index';

export interface ProcessorOptions {
  /** An OpenAI-compatible server; without one, LLM steps fail (or, for pitches, are skipped). */
  llm?: {
    baseURL?: string;
    apiKey?: string;
    model: string;
    timeoutMs?: number;
    maxOutputTokens?: number;
    breakerThreshold?: number;
    breakerOpenMs?: number;
    /**
     * The built-in demo endpoint: text expansion streams its labelled sample text; the pitch
     * builder assembles sections as written (polishing them with sample text would mislead).
     */
    demo?: boolean;
  };
  /** The models users may choose (the operator's allowlist). Default: only the LLM's model. */
  models?: readonly string[];
  /** LLM requests text expansion makes at once in one process (default 8). */
  expansionConcurrency?: number;
  /** Longest one format of a compiled book may take to render (default 5 minutes). */
  renderTimeLimitMs?: number;
}

export function createProcessors(options: ProcessorOptions): Processor[] {
  const o = options.llm;
  const llm: Llm | undefined = o
    ? createLlm({
        ...o,
        breaker: new CircuitBreaker(
          o.breakerThreshold ?? 10,
          o.breakerOpenMs ?? 30_000,
          Date.now,
          isProviderFailure,
        ),
      })
    : undefined;
  const models = options.models ?? (o ? [o.model] : []);
  return [
    textExpansion(llm, models, options.expansionConcurrency),
    bookCompiler({ renderTimeLimitMs: options.renderTimeLimitMs }),
    pitchBuilder(
      o?.demo ? undefined : llm,
      o?.demo
        ? 'assembled as written: the demo LLM does not polish pitches'
        : 'assembled as written: no LLM configured',
    ),
  ];
}
