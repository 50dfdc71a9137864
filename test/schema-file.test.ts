import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printSortedSchema } from '../src/graphql/schema';

describe('schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema:print` after changing types)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printSortedSchema());
  });

  it('keeps the public names clients rely on', () => {
    const sdl = printSortedSchema();
    for (const name of [
      'blob(id: ID!): Blob',
      'blobs(',
      'schema(id: ID!): Schema',
      'schemas(',
      'validate(data: JSON!, schemaId: ID!): ValidationResult!',
      'processor(id: ID!): Processor',
      'processors(',
      'book(id: ID!): Book',
      'books(after: String, first: Int): BookConnection!',
      'conversation(id: ID!): Conversation',
      'conversations(after: String, first: Int): ConversationConnection!',
      'me: UserState!',
      'createBlob(input: CreateBlobInput!): Blob!',
      'updateBlob(',
      'deleteBlob(',
      'registerSchema(',
      'registerProcessor(',
      'createBook(',
      'createConversation(',
    ]) {
      expect(sdl).toContain(name);
    }
  });

  it('offers no backward paging: no list takes last or before (every list pages with first/after)', () => {
    const sdl = printSortedSchema();
    expect(sdl).toContain('blobs(after: String, filter: BlobFilter, first: Int,');
    expect(sdl).not.toMatch(/\blast: Int/);
    expect(sdl).not.toMatch(/\bbefore: String/);
  });
});
