/**
 * JSON Schema validation: one Ajv per draft (draft-07 and 2020-12), with formats, and a cache of
 * compiled validators keyed by schema id and version. Compiling costs milliseconds; validating a
 * small document with a cached validator costs about a microsecond.
 *
 * Definitions come from users, so every keyword runs in time linear in the document: patterns on
 * RE2, `uniqueItems` and `enum` by hashing, `url` through the URL parser; what remains (fan-out,
 * sizes) is bounded by `measureSchema` before anything compiles.
 */
import Ajv, {
  _,
  type CodeKeywordDefinition,
  type ErrorObject,
  str,
  type ValidateFunction,
} from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { AppError, ErrorCode, type ValidationIssue } from '../errors';
import { type CostMeter, metered } from '../http/cost-meter';
import { enumKeyword, uniqueItemsKeyword, urlFormat } from './linear-keywords';
import { REGEX_BUDGET, RegexBudgetExceeded, re2RegExp, withRegexBudget } from './re2-engine';
import { measureSchema } from './schema-complexity';

export type Draft = 'draft-07' | '2020-12';

const DRAFT_URIS: Record<string, Draft> = {
  'http://json-schema.org/draft-07/schema#': 'draft-07',
  'http://json-schema.org/draft-07/schema': 'draft-07',
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
  'https://json-schema.org/draft/2020-12/schema#': '2020-12',
};

/** At most this many issues are reported for one document: enough to fix it, bounded in size. */
const MAX_ISSUES = 50;

/** Length in code points, as JSON Schema counts it: a surrogate pair is one character. */
function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * minLength and maxLength with the exact code-point count only when it matters. A string of L
 * UTF-16 units holds between ceil(L/2) and L code points, so most limits are decided without
 * walking the string (Ajv's own check walks it every time: about 10 us for 2 KB here).
 */
function lengthWithin(data: string, limit: number, min: boolean): boolean {
  const units = data.length;
  return min
    ? units >= limit && ((units + 1) >> 1 >= limit || codePoints(data) >= limit)
    : units <= limit || ((units + 1) >> 1 <= limit && codePoints(data) <= limit);
}

/** Generated code, not a `compile` keyword: Ajv merges those errors quadratically. */
function lengthKeyword(keyword: 'minLength' | 'maxLength'): CodeKeywordDefinition {
  const min = keyword === 'minLength';
  return {
    keyword,
    type: 'string',
    schemaType: 'number',
    error: {
      message: ({ schemaCode }) =>
        str`must NOT have ${min ? 'fewer' : 'more'} than ${schemaCode} characters`,
      params: ({ schemaCode }) => _`{limit: ${schemaCode}}`,
    },
    code(cxt) {
      const fn = cxt.gen.scopeValue('func', { ref: lengthWithin });
      cxt.fail(_`!${fn}(${cxt.data}, ${cxt.schemaCode}, ${min})`);
    },
  };
}

/**
 * Values (objects, arrays, strings, numbers, ...) a document may hold to be validated. Validation
 * costs grow with values x schemas applied per value; the complexity measure bounds the second,
 * this the first. Generous for writing (a 1 MiB chapter is a few values), small for a flood of
 * tiny ones.
 */
const MAX_DOCUMENT_VALUES = 50_000;

/**
 * Documents up to this many values are validated a second time, with every error collected, when
 * the first (fail-fast) pass finds them invalid: small documents get every issue, big ones the
 * first, so a flood of failing values cannot make error reporting the expensive part.
 */
const FULL_REPORT_VALUES = 5_000;

/** How many values `data` holds, counting stops past `limit` (iterative: no stack to overflow). */
function countValues(data: unknown, limit: number): number {
  let n = 0;
  const stack: unknown[] = [data];
  while (stack.length > 0) {
    const current = stack.pop();
    if (++n > limit) return n;
    if (Array.isArray(current)) {
      for (const item of current) stack.push(item);
    } else if (typeof current === 'object' && current !== null) {
      for (const key in current) stack.push((current as Record<string, unknown>)[key]);
    }
  }
  return n;
}

function makeAjv<T extends Ajv>(AjvClass: new (options: object) => T, allErrors = true): T {
  const ajv = new AjvClass({
    allErrors,
    // Unknown keywords in a submitted schema are almost always typos ("requried"): refuse them.
    strictSchema: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    // A schema may not make Ajv fetch anything or compile code from `$data` references.
    loadSchema: undefined,
    $data: false,
    messages: true,
    // Patterns run on RE2 (linear time). Ajv's code optimiser is superlinear in the schema's
    // size (160 ms instead of 50 ms for 500 properties) and validation does not need it.
    // A `$ref` compiles to a call, never a copy: inlining lets 3,000 small `$ref`s to one big
    // definition expand into gigabytes of code.
    code: { regExp: re2RegExp, optimize: false },
    inlineRefs: false,
  });
  addFormats(ajv as unknown as Ajv);
  ajv.addFormat('url', urlFormat);
  for (const keyword of ['minLength', 'maxLength'] as const) {
    ajv.removeKeyword(keyword);
    ajv.addKeyword(lengthKeyword(keyword));
  }
  for (const definition of [uniqueItemsKeyword, enumKeyword]) {
    ajv.removeKeyword(definition.keyword as string);
    ajv.addKeyword(definition);
  }
  return ajv;
}

export function toIssues(errors: ErrorObject[] | null | undefined): ValidationIssue[] {
  return (errors ?? []).slice(0, MAX_ISSUES).map((e) => {
    let path = e.instancePath || '';
    let message = e.message ?? e.keyword;
    // Point at the missing property itself rather than at its parent object.
    if (e.keyword === 'required' && typeof e.params.missingProperty === 'string') {
      path = `${path}/${e.params.missingProperty}`;
    } else if (
      e.keyword === 'additionalProperties' &&
      typeof e.params.additionalProperty === 'string'
    ) {
      path = `${path}/${e.params.additionalProperty}`;
      // Name the key: a misspelt one is the usual cause.
      message = `is not an allowed key ("${e.params.additionalProperty}"): ${message}`;
    }
    return { path: path || '/', message, keyword: e.keyword };
  });
}

export interface SchemaRef {
  id: string;
  version: string;
  draft: Draft;
  definition: unknown;
}

export class SchemaValidator {
  private readonly ajv: Record<Draft, Ajv> = {
    'draft-07': makeAjv(Ajv),
    '2020-12': makeAjv(Ajv2020),
  };
  /** Fail-fast twins: the first pass over a stored document stops at its first error. */
  private readonly fastAjv: Record<Draft, Ajv> = {
    'draft-07': makeAjv(Ajv, false),
    '2020-12': makeAjv(Ajv2020, false),
  };
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly fastCache = new Map<string, ValidateFunction>();

  /** Which draft a definition declares; a missing `$schema` means draft-07. Throws on others. */
  draftOf(definition: Record<string, unknown>): Draft {
    const declared = definition.$schema;
    if (declared === undefined) return 'draft-07';
    const draft = typeof declared === 'string' ? DRAFT_URIS[declared] : undefined;
    if (!draft) {
      throw new AppError(
        ErrorCode.INVALID_SCHEMA,
        `Unsupported $schema ${JSON.stringify(declared)}: use draft-07 or 2020-12`,
        { issues: [{ path: '/$schema', message: 'unsupported meta-schema', keyword: '$schema' }] },
      );
    }
    return draft;
  }

  /**
   * Meta-validates, measures and compiles a definition without keeping it. Throws INVALID_SCHEMA
   * with the failing paths of the definition, or SCHEMA_TOO_COMPLEX naming the limit it exceeds.
   * Costly on hostile input: run it on a `SchemaInspector` worker for anything a user sent.
   */
  check(draft: Draft, definition: object): ValidateFunction {
    const ajv = this.ajv[draft];
    if (!ajv.validateSchema(definition)) {
      throw new AppError(ErrorCode.INVALID_SCHEMA, 'The definition is not a valid JSON Schema', {
        issues: toIssues(ajv.errors),
      });
    }
    measureSchema(definition as Record<string, unknown>);
    try {
      // Compile a copy without `$id` so that a refused or dry-run schema leaves no trace in Ajv.
      const { $id: _ignored, ...rest } = definition as Record<string, unknown>;
      const validate = ajv.compile(rest);
      // Ajv keeps every compiled schema keyed by its object; a checked-only schema must not stay.
      ajv.removeSchema(rest);
      return validate;
    } catch (error) {
      if (error instanceof RangeError) {
        throw new AppError(
          ErrorCode.SCHEMA_TOO_COMPLEX,
          'The definition nests too deeply to compile (limit compileNesting)',
          {
            limitName: 'compileNesting',
            issues: [{ path: '/', message: error.message, keyword: 'compile' }],
          },
        );
      }
      throw new AppError(
        ErrorCode.INVALID_SCHEMA,
        `The definition cannot be compiled: ${(error as Error).message}`,
        { issues: [{ path: '/', message: (error as Error).message, keyword: 'compile' }] },
      );
    }
  }

  /**
   * The compiled validator for a registered schema, compiled once per id and version. Compiled
   * without `$id`, exactly as `check` compiled it at registration: otherwise Ajv would keep the
   * schema under its id and later definitions could `$ref` it only in processes that happened to
   * have validated it (and fail after a restart).
   */
  validatorFor(schema: SchemaRef, fast = false): ValidateFunction {
    const key = `${schema.id}@${schema.version}`;
    const cache = fast ? this.fastCache : this.cache;
    let validate = cache.get(key);
    if (!validate) {
      const { $id: _ignored, ...rest } = schema.definition as Record<string, unknown>;
      validate = (fast ? this.fastAjv : this.ajv)[schema.draft].compile(rest);
      cache.set(key, validate);
    }
    return validate;
  }

  /** The issues a compiled validator found in its last call. */
  issuesOf(validate: ValidateFunction): ValidationIssue[] {
    return toIssues(validate.errors);
  }

  /**
   * The issues of `data` under a registered schema; empty when valid. Bounded whatever the schema
   * and the document: at most MAX_DOCUMENT_VALUES values, a fail-fast first pass, every issue only
   * for small documents, and a budget for regular expressions.
   */
  validate(schema: SchemaRef, data: unknown, meter?: CostMeter): ValidationIssue[] {
    return metered(meter, () => this.validateNow(schema, data));
  }

  private validateNow(schema: SchemaRef, data: unknown): ValidationIssue[] {
    const values = countValues(data, MAX_DOCUMENT_VALUES);
    if (values > MAX_DOCUMENT_VALUES) {
      return [
        {
          path: '/',
          message: `must hold at most ${MAX_DOCUMENT_VALUES} values (objects, arrays, strings, numbers...)`,
          keyword: 'maxValues',
        },
      ];
    }
    try {
      const fast = this.validatorFor(schema, true);
      if (withRegexBudget(REGEX_BUDGET, () => fast(data))) return [];
      if (values > FULL_REPORT_VALUES) return toIssues(fast.errors);
      const full = this.validatorFor(schema);
      return withRegexBudget(REGEX_BUDGET, () => full(data)) ? [] : toIssues(full.errors);
    } catch (error) {
      if (error instanceof RegexBudgetExceeded) {
        return [{ path: '/', message: error.message, keyword: 'regexBudget' }];
      }
      // A recursive schema follows the document down; a document nested thousands of levels
      // deep overflows the stack before it ends. It is refused, not a server error.
      if (!(error instanceof RangeError)) throw error;
      return [
        { path: '/', message: 'the document nests too deeply to validate', keyword: 'depth' },
      ];
    }
  }
}
