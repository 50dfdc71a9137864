import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, HTTP_STATUS } from '../src/errors';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
/** The README's "Error codes" section, up to the next heading. */
const section = readme.slice(readme.indexOf('### Error codes')).split(/\n#{2,3} /)[0]!;
/** The rows of its table: code -> HTTP column. */
const rows = new Map(
  [...section.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]),
);

describe('README error codes', () => {
  it('lists every ErrorCode with its HTTP status', () => {
    for (const code of Object.values(ErrorCode)) {
      expect(rows.has(code), `${code} is missing from the README's Error codes table`).toBe(true);
      expect(rows.get(code)).toContain(String(HTTP_STATUS[code]));
    }
  });

  it('lists the codes GraphQL and Yoga answer with themselves', () => {
    for (const code of [
      'GRAPHQL_PARSE_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
      'BAD_REQUEST',
      'OPERATION_RESOLUTION_FAILURE',
    ]) {
      expect(rows.has(code), code).toBe(true);
    }
  });
});
