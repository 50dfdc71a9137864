/**
 * Typed blob content: `blob.data` is JSON (`unknown`) in every operation's result; these narrow
 * it to the generated type of its schema once `schemaId` says which it is. The server validated
 * the data against that schema before storing it, so the check here is the id alone.
 */
import type { ContentSchemaId, ContentTypes } from './generated/content.js';

export * from './generated/content.js';

/** Anything with a schema id and data: a Blob, a BlobVersion, a subscription's `blob`. */
export interface HasContent {
  schemaId: string;
  data: unknown;
}

/** `blob` with its data typed by schema `K`. */
export type ContentOf<B, K extends ContentSchemaId> = B & { schemaId: K; data: ContentTypes[K] };

/**
 * Whether `blob` holds data of schema `schemaId`; in the true branch `blob.data` has its type.
 *
 * ```ts
 * if (isContent(blob, 'expanded-text-v1')) show(blob.data.expanded);
 * ```
 */
export function isContent<B extends HasContent, K extends ContentSchemaId>(
  blob: B,
  schemaId: K,
): blob is ContentOf<B, K> {
  return blob.schemaId === schemaId;
}

/**
 * `blob.data` typed by schema `schemaId`, or `undefined` when the blob (if any) has another
 * schema: `dataOf(blob, 'text-input-v1')?.content`.
 */
export function dataOf<K extends ContentSchemaId>(
  blob: HasContent | null | undefined,
  schemaId: K,
): ContentTypes[K] | undefined {
  return blob?.schemaId === schemaId ? (blob.data as ContentTypes[K]) : undefined;
}

/**
 * A `createBlob` input whose data is checked against the schema's type at compile time:
 * `createBlob({ input: { ...content('text-input-v1', { content: '...' }), bookId } })`.
 */
export function content<K extends ContentSchemaId>(
  schemaId: K,
  data: ContentTypes[K],
): { schemaId: K; data: ContentTypes[K] } {
  return { schemaId, data };
}
