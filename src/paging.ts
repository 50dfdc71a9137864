/**
 * Forward keyset pagination for every list that grows: a page size checked at the door, an opaque
 * cursor that carries the sort key of the last row, and repositories that ask the database for
 * `first + 1` rows after that key (the extra row only says whether there is a next page).
 */
import { sql } from 'kysely';
import { badInput } from './errors';
import { isUuid } from './ids';

/** Largest page any list returns, and the size of a page when `first` is not given. */
export const MAX_PAGE = 100;

export interface PageRequest<K> {
  first: number;
  /** The sort key of the last row of the previous page; null for the first page. */
  after: K | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  hasNextPage: boolean;
}

/**
 * Checks `first` and decodes `after`. `kind` names the list, so a cursor of one list is refused by
 * another; `isKey` checks the decoded key's shape. Throws BAD_USER_INPUT naming the argument.
 */
export function pageRequest<K>(
  kind: string,
  first: number | null | undefined,
  after: string | null | undefined,
  isKey: (key: unknown) => key is K,
): PageRequest<K> {
  const size = first ?? MAX_PAGE;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE)
    throw badInput('first', `first must be from 0 to ${MAX_PAGE}`);
  if (after == null) return { first: size, after: null };
  let key: unknown;
  try {
    const text = Buffer.from(after, 'base64url').toString();
    key = text.startsWith(`${kind}:`) ? JSON.parse(text.slice(kind.length + 1)) : undefined;
  } catch {
    key = undefined;
  }
  if (!isKey(key)) throw badInput('after', 'after is not a cursor returned by this list');
  return { first: size, after: key };
}

function encodeKey(kind: string, key: unknown): string {
  return Buffer.from(`${kind}:${JSON.stringify(key)}`).toString('base64url');
}

/** A page from the `first + 1` rows a repository read, each cursor holding `keyOf(row)`. */
export function toPage<T>(kind: string, rows: T[], first: number, keyOf: (row: T) => unknown) {
  const nodes = rows.slice(0, first);
  return {
    edges: nodes.map((node) => ({ cursor: encodeKey(kind, keyOf(node)), node })),
    hasNextPage: rows.length > first,
  } satisfies Page<T>;
}

export const isString = (key: unknown): key is string =>
  typeof key === 'string' && key.length <= 256;

export const isUuidKey = (key: unknown): key is string => typeof key === 'string' && isUuid(key);

/**
 * Rows that sort after the user's row `id` by (created_at, id), or before it with `direction`
 * '<'. The cursor holds only the id: timestamps have microseconds that a JavaScript Date drops.
 * A cursor naming a row the user does not have matches nothing.
 */
export function afterRow(
  table: 'books' | 'conversations' | 'processor_runs',
  userId: string,
  id: string,
  direction: '>' | '<' = '>',
) {
  return sql<boolean>`(created_at, id) ${sql.raw(direction)} (select created_at, id from ${sql.table(table)} where id = ${id} and user_id = ${userId})`;
}
