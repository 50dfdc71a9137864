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
function compileRe2(pattern: string): RE2JS {
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
 * Regex work one validation may do, in units of one test plus one per 16 characters tested:
 * about 40 ms of RE2 here. RE2 is linear, but a 1 MiB document of 250,000 short strings under
 * a pattern still costs 0.45 us a string; past the budget the document is refused instead.
 * A text-input-v1 document (50,000 characters) under a pattern needs about 3,000.
 */
export const REGEX_BUDGET = 80_000;
let budget = Number.POSITIVE_INFINITY;

/** Thrown out of a validation that spent its regex budget. */
export class RegexBudgetExceeded extends Error {
  constructor() {
    super(`validating this document runs more regex work than ${REGEX_BUDGET} units`);
  }
}

/** Runs `fn` (one validation) with `units` of regex work; unlimited outside. */
export function withRegexBudget<T>(units: number, fn: () => T): T {
  const saved = budget;
  budget = units;
  try {
    return fn();
  } finally {
    budget = saved;
  }
}

/**
 * Ajv's `code.regExp` option. The flags Ajv passes ("u") need no translation: RE2 always
 * matches code points. `toString` must be unique per pattern: Ajv keys compiled patterns by it.
 */
export const re2RegExp: RegExpEngine = Object.assign(
  (pattern: string): RegExpLike => {
    const re = compileRe2(pattern);
    const test = (s: string) => {
      budget -= 1 + (s.length >> 4);
      if (budget < 0) throw new RegexBudgetExceeded();
      return re.test(s);
    };
    return { test, toString: () => `re2:${pattern}` } as RegExpLike;
  },
  { code: 're2' },
);
