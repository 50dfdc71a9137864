/**
 * Schemas registered at start-up: the design document's two, as it gives them, and the versions
 * that followed. Processors add their own schemas through their definitions.
 */
import type { CompatibilityMode } from './compatibility';

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

/**
 * Version 2 of `text-input`: a chapter title, and a `metadata` that refuses keys it does not know
 * (v1 silently accepted a misspelt `stlye`). Every v2 document is a valid v1 document (FORWARD
 * compatible), so whatever reads text-input-v1 reads v2 unchanged; v1 stays registered and
 * active, so stored blobs and existing clients keep working.
 */
export const TEXT_INPUT_V2 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'text-input-v2',
  type: 'object',
  required: ['content'],
  properties: {
    content: { type: 'string', minLength: 10, maxLength: 50000 },
    metadata: {
      type: 'object',
      additionalProperties: false,
      properties: {
        book_id: { type: 'string' },
        chapter: { type: 'integer' },
        style: { type: 'string', enum: ['formal', 'casual', 'creative'] },
        title: {
          type: 'string',
          minLength: 1,
          maxLength: 200,
          description: "The chapter's title in every export of its book.",
        },
      },
    },
  },
} as const;

/** The schemas whose blobs are chapters of a book and passages to expand, oldest first. */
export const TEXT_INPUT_IDS = ['text-input-v1', 'text-input-v2'] as const;

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
  /**
   * How this version must relate to the previous one of its name; checked at start-up (with the
   * semver bump its change needs, see version-bump.ts), and it becomes the name's mode. Defaults
   * to the name's mode (BACKWARD for a new name).
   */
  compatibility?: CompatibilityMode;
}

export const BUILTIN_SCHEMAS: BuiltinSchema[] = [
  {
    definition: TEXT_INPUT_V1,
    ownerProcessorId: 'user-input',
    description: 'A passage the user writes in the Book Writer.',
  },
  {
    definition: TEXT_INPUT_V2,
    ownerProcessorId: 'user-input',
    description:
      'A passage the user writes in the Book Writer, with an optional chapter title; metadata keys are checked.',
    compatibility: 'FORWARD',
  },
  {
    definition: EXPANDED_TEXT_V1,
    ownerProcessorId: 'text-expansion',
    description: 'A passage expanded 3-5x by the text-expansion processor.',
  },
];
