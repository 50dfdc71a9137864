/**
 * JSON that survives the trip into PostgreSQL and back, checked at the door with the path of what
 * fails:
 * - a number JSON.parse turned into Infinity (`1e400`) would be stored as `null`;
 * - a string or key holding U+0000 or a lone surrogate cannot be stored as jsonb or text at all;
 * - nesting deeper than MAX_JSON_DEPTH exhausts the database's parser stack.
 */
import { AppError, ErrorCode, type ValidationIssue } from './errors';
import { type CostMeter, metered } from './http/cost-meter';

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Deepest nesting accepted in a JSON value: far past real documents, far below PostgreSQL's. */
export const MAX_JSON_DEPTH = 128;

/** A high surrogate not followed by a low one, or a low one not after a high one (linear). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored, or null when it can. */
export function unstorableString(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone surrogate (ill-formed UTF-16)';
  return null;
}

/**
 * The issues of `value` that cannot round-trip through JSON, as JSON Pointers (at most 20).
 * Strings are checked only with `strings` set: a document that is only validated may hold them.
 * The walk is charged to `meter` when given (a scalar parsed while an operation runs is charged
 * with the operation).
 */
export function nonRoundTripIssues(
  value: unknown,
  options: { strings?: boolean; meter?: CostMeter } = {},
): ValidationIssue[] {
  return metered(options.meter, () => walk(value, options));
}

function walk(value: unknown, options: { strings?: boolean }): ValidationIssue[] {
  const strings = options.strings ?? false;
  const issues: ValidationIssue[] = [];
  // Iterative, so a deeply nested document cannot exhaust the stack.
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length > 0 && issues.length < 20) {
    const [current, path, depth] = stack.pop()!;
    if (depth > MAX_JSON_DEPTH) {
      issues.push({
        path: path || '/',
        message: `must not nest deeper than ${MAX_JSON_DEPTH} levels`,
        keyword: 'maxDepth',
      });
      break;
    }
    if (typeof current === 'string') {
      const why = strings ? unstorableString(current) : null;
      if (why) issues.push({ path: path || '/', message: why, keyword: 'storable' });
    } else if (typeof current === 'number') {
      if (!Number.isFinite(current)) {
        issues.push({
          path: path || '/',
          message: 'must be a finite number JSON can hold (this one overflows to infinity)',
          keyword: 'finite',
        });
      }
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) {
        stack.push([current[i], `${path}/${i}`, depth + 1]);
      }
    } else if (typeof current === 'object' && current !== null) {
      for (const [k, v] of Object.entries(current)) {
        const why = strings ? unstorableString(k) : null;
        if (why)
          issues.push({
            path: `${path}/${escapePointer(k)}`,
            message: `key ${why}`,
            keyword: 'storable',
          });
        stack.push([v, `${path}/${escapePointer(k)}`, depth + 1]);
      }
    }
  }
  return issues;
}

/**
 * Throws VALIDATION_FAILED (with paths under `field`) when `value` cannot round-trip, or with
 * `stored`, cannot be stored (strings with NUL or lone surrogates). The walk is charged to `meter`.
 */
export function assertRoundTrips(
  value: unknown,
  field?: string,
  stored = false,
  meter?: CostMeter,
): void {
  const issues = nonRoundTripIssues(value, { strings: stored, meter });
  if (issues.length === 0) return;
  throw new AppError(
    ErrorCode.VALIDATION_FAILED,
    `${field ? `"${field}"` : 'The JSON'} cannot be stored as given: ${issues[0]!.path} ${issues[0]!.message}`,
    { issues, ...(field ? { field } : {}) },
  );
}
