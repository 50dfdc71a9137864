/**
 * text-expansion: turns a text-input-v1 passage into an expanded-text-v1 passage 3-5x longer,
 * streaming the text to the user as the model writes it.
 */
import { createHash } from 'node:crypto';
import { type BlobView, PermanentError, type Processor, type ProcessorKit } from '../kit';
import type { Llm } from './llm';
import { expansionRatio, measure } from './metrics';

export const STYLES = ['formal', 'casual', 'creative'] as const;

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 200 },
    default_style: { type: 'string', enum: [...STYLES] },
    target_ratio_min: { type: 'number', minimum: 1, maximum: 20 },
    target_ratio_max: { type: 'number', minimum: 1, maximum: 20 },
  },
} as const;

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
  'server (OpenAI, Ollama, vLLM, llama.cpp), OPENAI_API_KEY if it needs one, and REYNA_LLM_MODEL.';

export function textExpansion(llm: Llm | undefined): Processor {
  return {
    definition: {
      id: 'text-expansion',
      name: 'Text expansion',
      version: '1.0.0',
      description: 'Expands a passage 3-5x with an LLM, streaming the text as it is written.',
      inputSchemaIds: ['text-input-v1'],
      outputSchemaIds: ['expanded-text-v1'],
      subscribes: ['blob.created.text-input-v1'],
      emits: ['blob.created.expanded-text-v1', 'processor.completed.text-expansion'],
      maxConcurrency: 8,
      maxPerUser: 2,
      maxAttempts: 5,
      configSchema: CONFIG_SCHEMA,
    },
    async handle(kit: ProcessorKit, input: BlobView | null) {
      if (!input) throw new PermanentError('text-expansion needs an input blob');
      if (!llm) throw new PermanentError(NO_LLM_MESSAGE);
      const data = input.data as TextInput;
      const config = (await kit.config()) as {
        model?: string;
        default_style?: string;
        target_ratio_min?: number;
        target_ratio_max?: number;
      };
      const style = data.metadata?.style ?? config.default_style ?? 'creative';
      const min = config.target_ratio_min ?? 3;
      const max = Math.max(min, config.target_ratio_max ?? 5);
      const model = config.model ?? llm.defaultModel;
      const prompt = buildPrompt(data.content, style, min, max);
      kit.setModel(model);
      const expanded = (
        await llm.stream({ model, ...prompt }, (textDelta) => {
          // Stop paying for tokens nobody will read: leaving the stream aborts the request.
          if (kit.cancelled()) throw new Error('cancelled');
          kit.progress({ textDelta });
        })
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
      });
    },
  };
}
