/** compiled-book-v1: what the book compiler produced; the files themselves live outside the blob. */
export const COMPILED_BOOK_V1 = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'compiled-book-v1',
  type: 'object',
  required: ['title', 'author', 'chapters', 'word_count', 'formats'],
  additionalProperties: false,
  properties: {
    title: { type: 'string' },
    author: { type: 'string' },
    book_id: { type: 'string' },
    chapters: {
      type: 'array',
      items: {
        type: 'object',
        required: ['title', 'word_count', 'source', 'blob_id'],
        additionalProperties: false,
        properties: {
          title: { type: 'string' },
          word_count: { type: 'integer', minimum: 0 },
          source: { type: 'string', enum: ['original', 'expanded'] },
          blob_id: { type: 'string' },
        },
      },
    },
    word_count: { type: 'integer', minimum: 0 },
    formats: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['format', 'file_id', 'url', 'size', 'media_type'],
        additionalProperties: false,
        properties: {
          format: { type: 'string', enum: ['markdown', 'html', 'epub', 'docx', 'pdf'] },
          file_id: { type: 'string' },
          url: { type: 'string' },
          size: { type: 'integer', minimum: 0 },
          media_type: { type: 'string' },
        },
      },
    },
  },
} as const;
