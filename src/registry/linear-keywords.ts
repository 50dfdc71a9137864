/**
 * Replacements for Ajv keywords whose cost grows faster than the document: `uniqueItems` (Ajv
 * compares every pair of object items: quadratic) and `enum` (a scan of every allowed value for
 * every instance), plus the `url` format (ajv-formats' regex backtracks quadratically on long
 * input). Each runs in time linear in the instance it checks.
 *
 * Values are bucketed by a structural hash seeded at random per process (so no one can craft
 * colliding documents), and compared for deep equality only within a bucket.
 */
import { randomInt } from 'node:crypto';
import { _, type CodeKeywordDefinition, type FormatDefinition, type KeywordCxt, str } from 'ajv';

const SEED = randomInt(1, 2 ** 31 - 1);
/** Hashes of arrays and objects, so nested arrays under `uniqueItems` are hashed once each. */
const hashes = new WeakMap<object, number>();

const mix = (h: number, v: number) => Math.imul(h ^ v, 0x9e3779b1) ^ (h >>> 15);

function hashString(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h, s.length);
}

/** Deep equality of JSON values, as Ajv's own `equal` decides it (key order does not matter). */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** A structural hash: equal JSON values (as Ajv's `equal` sees them) hash equal. */
function hashValue(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return hashString(value, SEED ^ 0x51);
    case 'number':
      // Small integers hash as themselves; other numbers by their shortest text, in which 0
      // and -0 (equal to Ajv) are both "0".
      return (value | 0) === value
        ? mix(SEED ^ 0x4e, value)
        : hashString(String(value), SEED ^ 0x4e);
    case 'boolean':
      return mix(SEED, value ? 0x7 : 0x3);
    case 'object': {
      if (value === null) return mix(SEED, 0x11);
      const known = hashes.get(value);
      if (known !== undefined) return known;
      let h: number;
      if (Array.isArray(value)) {
        h = SEED ^ 0x41;
        for (const item of value) h = mix(h, hashValue(item));
        h = mix(h, value.length);
      } else {
        // Key order does not matter to equality: combine the entries with a commutative sum.
        let sum = 0;
        let n = 0;
        for (const key in value) {
          if (!Object.hasOwn(value, key)) continue;
          const v = (value as Record<string, unknown>)[key];
          sum = (sum + mix(hashString(key, SEED ^ 0x4b), hashValue(v))) | 0;
          n++;
        }
        h = mix(mix(SEED ^ 0x4f, sum), n);
      }
      hashes.set(value, h);
      return h;
    }
    default:
      return mix(SEED, 0x55);
  }
}

/**
 * The index pair of the first duplicate items, or null. One pass: items are bucketed by hash and
 * compared only with earlier items of the same hash.
 */
function firstDuplicate(data: unknown[]): [number, number] | null {
  const first = new Map<number, number>();
  let more: Map<number, number[]> | undefined;
  for (let i = 0; i < data.length; i++) {
    const h = hashValue(data[i]);
    const j = first.get(h);
    if (j === undefined) {
      first.set(h, i);
      continue;
    }
    if (equal(data[j], data[i])) return [j, i];
    more ??= new Map();
    const others = more.get(h);
    const k = others?.find((x) => equal(data[x], data[i]));
    if (k !== undefined) return [k, i];
    if (others) others.push(i);
    else more.set(h, [i]);
  }
  return null;
}

/**
 * Keywords are generated code calling these functions, not `compile` keywords: Ajv merges a
 * `compile` keyword's errors with `concat`, so a document with 60,000 failing values took
 * 20 s (quadratic); generated code pushes each error.
 */
const call = (cxt: KeywordCxt, fn: unknown) => cxt.gen.scopeValue('func', { ref: fn });

/** `uniqueItems: true` in one pass over the items. Same error shape as Ajv's own. */
export const uniqueItemsKeyword: CodeKeywordDefinition = {
  keyword: 'uniqueItems',
  type: 'array',
  schemaType: 'boolean',
  error: {
    message: ({ params: { i, j } }) =>
      str`must NOT have duplicate items (items ## ${j} and ${i} are identical)`,
    params: ({ params: { i, j } }) => _`{i: ${i}, j: ${j}}`,
  },
  code(cxt) {
    if (cxt.schema !== true) return;
    const { gen, data } = cxt;
    const pair = gen.const('dup', _`${call(cxt, firstDuplicate)}(${data})`);
    cxt.setParams({ i: _`${pair} && ${pair}[1]`, j: _`${pair} && ${pair}[0]` });
    cxt.fail(_`${pair} !== null`);
  },
};

const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A membership test for `allowed` by hash: one lookup per value, whatever the enum's size. */
function enumTest(allowed: unknown[]): (data: unknown) => boolean {
  const types = new Set(allowed.map(typeOf));
  const buckets = new Map<number, unknown[]>();
  for (const value of allowed) {
    const h = hashValue(value);
    const bucket = buckets.get(h);
    if (bucket) bucket.push(value);
    else buckets.set(h, [value]);
  }
  // A value of a type no allowed value has is refused without hashing it.
  return (data) =>
    types.has(typeOf(data)) && (buckets.get(hashValue(data))?.some((v) => equal(v, data)) ?? false);
}

/** `enum` as one hash lookup. Same error shape as Ajv's own. */
export const enumKeyword: CodeKeywordDefinition = {
  keyword: 'enum',
  schemaType: 'array',
  error: {
    message: 'must be equal to one of the allowed values',
    params: ({ schemaCode }) => _`{allowedValues: ${schemaCode}}`,
  },
  code(cxt) {
    const test = call(cxt, enumTest(cxt.schema as unknown[]));
    cxt.fail(_`!${test}(${cxt.data})`);
  },
};

/**
 * The `url` format (http, https or ftp with a host) through the WHATWG URL parser, which is
 * linear, instead of ajv-formats' regex (quadratic on 20 KB of ':').
 */
export const urlFormat: FormatDefinition<string> = {
  type: 'string',
  validate(s: string) {
    if (/\s/.test(s)) return false;
    let url: URL;
    try {
      url = new URL(s);
    } catch {
      return false;
    }
    return ['http:', 'https:', 'ftp:'].includes(url.protocol) && url.hostname.length > 0;
  },
};
