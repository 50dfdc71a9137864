/**
 * The pitch builder's schemas: pitch-sections-v1 (what the author writes) and pitch-document-v1
 * (the structured pitch the processor assembles from it).
 */

/** Keys of the sections a pitch document holds, in the order they appear. */
export const PITCH_SECTION_KEYS = [
  'logline',
  'synopsis',
  'characters',
  'comparable_titles',
  'market',
  'author_bio',
] as const;

export type PitchSectionKey = (typeof PITCH_SECTION_KEYS)[number];

export const PITCH_SECTIONS_V1 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'pitch-sections-v1',
  type: 'object',
  required: ['title', 'logline'],
  additionalProperties: false,
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 300 },
    logline: { type: 'string', minLength: 10, maxLength: 1000 },
    synopsis: { type: 'string', maxLength: 20000 },
    characters: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          description: { type: 'string', maxLength: 5000 },
        },
      },
    },
    comparable_titles: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        required: ['title'],
        additionalProperties: false,
        properties: {
          title: { type: 'string' },
          author: { type: 'string' },
          year: { type: 'integer' },
          note: { type: 'string' },
        },
      },
    },
    market: { type: 'string', maxLength: 5000 },
    author_bio: { type: 'string', maxLength: 5000 },
    genre: { type: 'string', maxLength: 100 },
    word_count: { type: 'integer', minimum: 0 },
    book_id: { type: 'string' },
  },
  examples: [
    {
      title: 'The Lantern Keeper',
      logline: 'A lighthouse keeper discovers her lamp summons ships from other centuries.',
      synopsis: 'Maren tends the last manual lighthouse on the northern coast...',
      characters: [{ name: 'Maren Holt', description: 'The keeper, stubborn and curious.' }],
      comparable_titles: [
        { title: 'The Night Circus', author: 'Erin Morgenstern', year: 2011, note: 'Atmosphere.' },
      ],
      market: 'Adult speculative fiction readers.',
      author_bio: 'The author grew up on the coast.',
      genre: 'Speculative fiction',
      word_count: 92000,
    },
  ],
} as const;

export const PITCH_DOCUMENT_V1 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'pitch-document-v1',
  type: 'object',
  required: ['title', 'logline', 'sections', 'polished'],
  additionalProperties: false,
  properties: {
    title: { type: 'string' },
    logline: { type: 'string' },
    sections: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['key', 'heading', 'body'],
        additionalProperties: false,
        properties: {
          key: { type: 'string', enum: [...PITCH_SECTION_KEYS] },
          heading: { type: 'string' },
          body: { type: 'string' },
        },
      },
    },
    polished: {
      type: 'boolean',
      description: 'Whether an LLM polished the section text.',
    },
    genre: { type: 'string' },
    word_count: { type: 'integer', minimum: 0 },
    exports: {
      type: 'array',
      description: 'The exported files (downloaded from their url with your token).',
      items: {
        type: 'object',
        required: ['format', 'file_id', 'url', 'size', 'media_type'],
        additionalProperties: false,
        properties: {
          format: { type: 'string', enum: ['markdown', 'docx', 'pdf'] },
          file_id: { type: 'string' },
          url: { type: 'string' },
          size: { type: 'integer', minimum: 0 },
          media_type: { type: 'string' },
        },
      },
    },
  },
  examples: [
    {
      title: 'The Lantern Keeper',
      logline: 'A lighthouse keeper discovers her lamp summons ships from other centuries.',
      sections: [
        {
          key: 'logline',
          heading: 'Logline',
          body: 'A lighthouse keeper discovers her lamp summons ships from other centuries.',
        },
      ],
      polished: false,
      genre: 'Speculative fiction',
      word_count: 92000,
    },
  ],
} as const;

export interface PitchCharacter {
  name: string;
  description?: string;
}

export interface ComparableTitle {
  title: string;
  author?: string;
  year?: number;
  note?: string;
}

/** An instance of pitch-sections-v1. */
export interface PitchSections {
  title: string;
  logline: string;
  synopsis?: string;
  characters?: PitchCharacter[];
  comparable_titles?: ComparableTitle[];
  market?: string;
  author_bio?: string;
  genre?: string;
  word_count?: number;
  book_id?: string;
}

export interface PitchSection {
  key: PitchSectionKey;
  heading: string;
  body: string;
}

/** An instance of pitch-document-v1. */
export interface PitchDocument {
  title: string;
  logline: string;
  sections: PitchSection[];
  /** Whether an LLM polished the section text. */
  polished: boolean;
  genre?: string;
  word_count?: number;
}
