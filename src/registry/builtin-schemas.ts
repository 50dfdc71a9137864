/**
 * Schemas registered at start-up, exactly as the design document gives them. Processors add
 * their own schemas through their definitions.
 */
export const TEXT_INPUT_V1 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'text-input-v1',
  type: 'object',
  required: ['content'],
  properties: {
    content: { type: 'string', minLength: 10, maxLength: 50000 },
    metadata: {
      type: 'object',
      properties: {
        book_id: { type: 'string' },
        chapter: { type: 'integer' },
        style: { type: 'string', enum: ['formal', 'casual', 'creative'] },
      },
    },
  },
} as const;

export const EXPANDED_TEXT_V1 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'expanded-text-v1',
  type: 'object',
  required: ['original', 'expanded', 'expansion_ratio'],
  properties: {
    original: { type: 'string' },
    expanded: { type: 'string' },
    expansion_ratio: { type: 'number', minimum: 1.0 },
    metrics: {
      type: 'object',
      properties: {
        readability_score: { type: 'number' },
        complexity: { type: 'number' },
        tone: { type: 'string' },
      },
    },
  },
} as const;

export interface BuiltinSchema {
  definition: Record<string, unknown>;
  ownerProcessorId: string;
  description: string;
}

export const BUILTIN_SCHEMAS: BuiltinSchema[] = [
  {
    definition: TEXT_INPUT_V1,
    ownerProcessorId: 'user-input',
    description: 'A passage the user writes in the Book Writer.',
  },
  {
    definition: EXPANDED_TEXT_V1,
    ownerProcessorId: 'text-expansion',
    description: 'A passage expanded 3-5x by the text-expansion processor.',
  },
];
