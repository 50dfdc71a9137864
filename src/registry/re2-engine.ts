/**
 * Regular expressions of registered schemas (`pattern`, `patternProperties`) run on RE2 (the
 * pure-JS `re2js` port): matching is linear in the input whatever the pattern, so no schema can
 * make a blob write backtrack for seconds. Patterns RE2 cannot run (backreferences, lookaround)
 * are refused at registration by `re2Problem`.
 */
import type { RegExpEngine, RegExpLike } from 'ajv/dist/types';
import { RE2JS } from 're2js';

/** Compiled patterns by source: Ajv asks once per keyword, and many schemas share patterns. */
const compiled = new Map<string, RE2JS>();
const MAX_CACHED = 2000;

/**
 * ECMAScript syntax (`\u00e9`, `(?<name>...)`) translated to RE2's, then compiled. Throws
 * RE2's syntax error for what RE2 cannot run.
 */
export function compileRe2(pattern: string): RE2JS {
  let re = compiled.get(pattern);
  if (!re) {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern));
    if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(pattern, re);
  }
  return re;
}

/** Why RE2 cannot run `pattern`, or null when it can. */
export function re2Problem(pattern: string): string | null {
  try {
    compileRe2(pattern);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/** RE2's own measure of a compiled pattern's size (its program length): the cost of compiling it. */
export function re2ProgramSize(pattern: string): number {
  return compileRe2(pattern).programSize();
}

/**
 * Ajv's `code.regExp` option. The flags Ajv passes ("u") need no translation: RE2 always
 * matches code points. `toString` must be unique per pattern: Ajv keys compiled patterns by it.
 */
export const re2RegExp: RegExpEngine = Object.assign(
  (pattern: string): RegExpLike => {
    const re = compileRe2(pattern);
    return { test: (s: string) => re.test(s), toString: () => `re2:${pattern}` } as RegExpLike;
  },
  { code: 're2' },
);
