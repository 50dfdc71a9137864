/**
 * Size caps on what users store outside blobs (registry entries, titles, configs): one shared
 * measure, so every field is counted in serialised bytes and refused the same way.
 */
import { AppError, badInput, ErrorCode } from './errors';

/** Free text a user or registrant stores: descriptions of schemas, processors and books. */
export const MAX_DESCRIPTION_BYTES = 16 * 1024;
/** A processor's config schema, and one user's config of it. */
export const MAX_CONFIG_BYTES = 64 * 1024;
/** All examples of one schema together. */
export const MAX_EXAMPLES_BYTES = 256 * 1024;
/** Nesting of a JSON Schema (definition or config schema) and of a config. */
export const MAX_JSON_DEPTH = 32;

export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '');

/** The nesting depth of a JSON value, counted no further than just past `limit`. */
export function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || typeof value !== 'object' || value === null) return depth;
  let max = depth;
  for (const child of Object.values(value)) {
    max = Math.max(max, depthOf(child, limit, depth + 1));
    if (max > limit) break;
  }
  return max;
}

/** Refuses text over `maxBytes` (UTF-8) with BAD_USER_INPUT naming the field. */
export function capText(field: string, value: string | null | undefined, maxBytes: number): void {
  if (value == null) return;
  const bytes = Buffer.byteLength(value);
  if (bytes > maxBytes) {
    throw new AppError(
      ErrorCode.BAD_USER_INPUT,
      `${field} is ${bytes} bytes; the limit is ${maxBytes}`,
      { field, limit: maxBytes, actual: bytes },
    );
  }
}

/**
 * Refuses a JSON Schema over `maxBytes` or nested deeper than `maxDepth` with SCHEMA_TOO_LARGE
 * naming the field, before anything compiles it.
 */
export function capSchema(field: string, definition: unknown, maxBytes: number, maxDepth: number) {
  const bytes = jsonBytes(definition);
  if (bytes > maxBytes) {
    throw new AppError(
      ErrorCode.SCHEMA_TOO_LARGE,
      `${field} is ${bytes} bytes; the limit is ${maxBytes}`,
      { field, limit: maxBytes, actual: bytes },
    );
  }
  if (depthOf(definition, maxDepth) > maxDepth) {
    throw new AppError(
      ErrorCode.SCHEMA_TOO_LARGE,
      `${field} nests deeper than ${maxDepth} levels`,
      {
        field,
        limit: maxDepth,
      },
    );
  }
}

/** Refuses a JSON value over `maxBytes` or `maxDepth` with BAD_USER_INPUT naming the field. */
export function capJson(field: string, value: unknown, maxBytes: number, maxDepth: number) {
  const bytes = jsonBytes(value);
  if (bytes > maxBytes) {
    throw new AppError(
      ErrorCode.BAD_USER_INPUT,
      `${field} is ${bytes} bytes; the limit is ${maxBytes}`,
      { field, limit: maxBytes, actual: bytes },
    );
  }
  if (depthOf(value, maxDepth) > maxDepth)
    throw badInput(field, `${field} nests deeper than ${maxDepth} levels`);
}
