/**
 * text-expansion: turns a text-input-v1 or -v2 passage into an expanded-text-v1 passage 3-5x longer,
 * streaming the text to the user as the model writes it.
 */
import { createHash } from 'node:crypto';
import {
  type BlobView,
  type ConfigIssue,
  PermanentError,
  type Processor,
  type ProcessorKit,
} from '../kit';
import type { Llm } from '../lib/llm';
import { expansionRatio, measure } from '../lib/text-metrics';

export const STYLES = ['formal', 'casual', 'creative'] as const;

/** The expansion ratios a user may ask for: beyond 10x an answer is padding, and costs. */
export const RATIO_LIMITS = { min: 1, max: 10 } as const;

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 200 },
    default_style: { type: 'string', enum: [...STYLES] },
    target_ratio_min: { type: 'number', minimum: RATIO_LIMITS.min, maximum: RATIO_LIMITS.max },
    target_ratio_max: { type: 'number', minimum: RATIO_LIMITS.min, maximum: RATIO_LIMITS.max },
  },
} as const;

interface ExpansionConfig {
  model?: string;
  default_style?: string;
  target_ratio_min?: number;
  target_ratio_max?: number;
}

/**
 * What the config schema cannot say: the model must be one the operator offers, and the ratios
 * must make a range inside the limits (the stored schema may predate the current limits).
 */
export function configIssues(config: ExpansionConfig, models: readonly string[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.model !== undefined && !models.includes(config.model)) {
    issues.push({
      path: '/model',
      message: `Model "${String(config.model).slice(0, 200)}" is not offered here; choose one of: ${models.join(', ') || '(none)'}`,
    });
  }
  for (const key of ['target_ratio_min', 'target_ratio_max'] as const) {
    const value = config[key];
    if (value !== undefined && !(value >= RATIO_LIMITS.min && value <= RATIO_LIMITS.max)) {
      issues.push({
        path: `/${key}`,
        message: `${key} must be from ${RATIO_LIMITS.min} to ${RATIO_LIMITS.max}`,
      });
    }
  }
  const { target_ratio_min: min, target_ratio_max: max } = config;
  if (min !== undefined && max !== undefined && min > max) {
    issues.push({
      path: '/target_ratio_max',
      message: `target_ratio_max (${max}) must not be below target_ratio_min (${min})`,
    });
  }
  return issues;
}

/**
 * Output tokens one expansion may use: the input's tokens (about 4 characters each) times the
 * top ratio, with half again as headroom. The LLM client caps it at the operator's hard cap.
 */
export function outputBudget(content: string, maxRatio: number): number {
  return Math.ceil((content.length / 4) * maxRatio * 1.5) + 256;
}

interface TextInput {
  content: string;
  metadata?: { style?: string; chapter?: number; book_id?: string };
}

export function buildPrompt(content: string, style: string, min: number, max: number) {
  const system =
    'You are a skilled co-author. Expand the passage you are given into a richer, longer passage ' +
    `that keeps its meaning, voice and point of view. Write ${min} to ${max} times as many words. ` +
    `Style: ${style}. Answer with the expanded passage only: no title, no preamble, no notes.`;
  return { system, user: content };
}

export const NO_LLM_MESSAGE =
  'Text expansion needs an LLM and none is configured: set OPENAI_BASE_URL to an OpenAI-compatible ' +
  'server (OpenAI, Ollama, vLLM, llama.cpp), OPENAI_API_KEY if it needs one, and REYNA_LLM_MODEL. ' +
  'To try the studio without one, REYNA_LLM=demo streams labelled sample text (not in production).';

/** LLM requests one process makes at once for text expansion, unless the operator says. */
export const EXPANSION_CONCURRENCY = 16;

export function textExpansion(
  llm: Llm | undefined,
  models: readonly string[],
  concurrency = EXPANSION_CONCURRENCY,
): Processor {
  return {
    definition: {
      id: 'text-expansion',
      name: 'Text expansion',
      version: '1.0.0',
      description: 'Expands a passage 3-5x with an LLM, streaming the text as it is written.',
      inputSchemaIds: ['text-input-v1', 'text-input-v2'],
      outputSchemaIds: ['expanded-text-v1'],
      subscribes: ['blob.created.text-input-v1', 'blob.created.text-input-v2'],
      // An edited passage is expanded again (a burst of edits once, for the last version).
      followsUpdates: true,
      // Only the text and its style change what the model writes: a title or chapter number does not.
      inputKey: (data) => {
        const input = data as TextInput;
        return { content: input.content, style: input.metadata?.style ?? null };
      },
      emits: ['blob.created.expanded-text-v1', 'processor.completed.text-expansion'],
      maxConcurrency: concurrency,
      maxPerUser: 2,
      maxAttempts: 5,
      configSchema: CONFIG_SCHEMA,
      checkConfig: (config) => configIssues(config, models),
    },
    async handle(kit: ProcessorKit, input: BlobView | null) {
      if (!input) throw new PermanentError('text-expansion needs an input blob');
      if (!llm) throw new PermanentError(NO_LLM_MESSAGE);
      const data = input.data as TextInput;
      const config = (await kit.config()) as ExpansionConfig;
      // The operator may have narrowed the allowlist since the user configured this.
      const issues = configIssues(config, models);
      if (issues.length > 0)
        throw new PermanentError(
          `The text-expansion config is not allowed: ${issues.map((i) => i.message).join('; ')}`,
        );
      const style = data.metadata?.style ?? config.default_style ?? 'creative';
      const min = config.target_ratio_min ?? 3;
      const max = Math.max(min, config.target_ratio_max ?? 5);
      const model = config.model ?? llm.defaultModel;
      const prompt = buildPrompt(data.content, style, min, max);
      kit.setModel(model);
      const expanded = (
        await llm.stream(
          { model, ...prompt, maxTokens: outputBudget(data.content, max) },
          (textDelta) => {
            // Stop paying for tokens nobody will read: leaving the stream aborts the request.
            if (kit.cancelled()) throw new Error('cancelled');
            kit.progress({ textDelta });
          },
        )
      ).trim();
      if (kit.cancelled()) return;
      const ratio = expansionRatio(data.content, expanded);
      if (ratio < 1)
        throw new Error(`The LLM answer is shorter than the input (ratio ${ratio}); trying again`);
      await kit.derive({
        schemaId: 'expanded-text-v1',
        data: {
          original: data.content,
          expanded,
          expansion_ratio: ratio,
          metrics: measure(expanded, data.metadata?.style),
        },
        bookId: input.bookId,
        provenance: {
          model,
          promptHash: createHash('sha256').update(JSON.stringify(prompt)).digest('hex'),
          style,
          targetRatio: [min, max],
        },
        // The run's output and its end: recorded SUCCEEDED in the same write.
        last: true,
      });
    },
  };
}
