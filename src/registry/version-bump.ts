/**
 * The semantic-version bump a new schema version needs, read from the compatibility diff:
 *
 * - MAJOR: a breaking change under the name's mode. Under NONE nothing is refused, but a change
 *   that breaks BACKWARD (data already stored would be refused) still counts as MAJOR.
 * - MINOR: any other change to which documents are valid, or to the keywords that decide it (a
 *   new optional property, a widened enum, a narrowing under FORWARD).
 * - PATCH: annotations only (title, description, examples, $comment, default, deprecated,
 *   readOnly, writeOnly), or nothing but the `$id`.
 */
import semver from 'semver';
import type { BreakingChange } from '../errors';
import { breakingChanges, type CompatibilityMode, changesBetween } from './compatibility';

export type SemverBump = 'MAJOR' | 'MINOR' | 'PATCH';

/** What a new version changes, under a mode: what breaks it, and the bump it needs and why. */
export interface ChangeAssessment {
  breakingChanges: BreakingChange[];
  bump: SemverBump;
  reasons: BreakingChange[];
}

const ANNOTATIONS = new Set([
  '$comment',
  'title',
  'description',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
]);
/** Keywords whose value is a map of subschemas, an array of them, or one subschema. */
const SCHEMA_MAPS = new Set([
  'properties',
  'patternProperties',
  '$defs',
  'definitions',
  'dependentSchemas',
]);
const SCHEMA_ARRAYS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);
const SCHEMA_ONE = new Set([
  'additionalProperties',
  'additionalItems',
  'items',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
]);

type S = Record<string, unknown>;
const isObj = (v: unknown): v is S => typeof v === 'object' && v !== null && !Array.isArray(v);
const ptr = (base: string, part: string | number) =>
  `${base}/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/**
 * The definition without its annotations (and `$id`s), keys sorted, as JSON; the annotations go
 * to `notes` by JSON Pointer.
 */
function strip(schema: unknown, path: string, notes: Map<string, string>): unknown {
  if (!isObj(schema)) return schema;
  const out: S = {};
  for (const key of Object.keys(schema).sort()) {
    const value = schema[key];
    if (key === '$id') continue;
    if (ANNOTATIONS.has(key)) notes.set(ptr(path, key), JSON.stringify(value));
    else if (SCHEMA_MAPS.has(key) && isObj(value)) {
      const map: S = {};
      for (const name of Object.keys(value).sort())
        map[name] = strip(value[name], ptr(ptr(path, key), name), notes);
      out[key] = map;
    } else if (SCHEMA_ARRAYS.has(key) && Array.isArray(value))
      out[key] = value.map((v, i) => strip(v, ptr(ptr(path, key), i), notes));
    else if (SCHEMA_ONE.has(key)) out[key] = strip(value, ptr(path, key), notes);
    else out[key] = canonical(value);
  }
  return out;
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (!isObj(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical(value[k])]),
  );
}

function annotationChanges(before: Map<string, string>, after: Map<string, string>) {
  const changes: BreakingChange[] = [];
  for (const path of new Set([...before.keys(), ...after.keys()])) {
    const o = before.get(path);
    const n = after.get(path);
    if (o === n) continue;
    const keyword = path.slice(path.lastIndexOf('/') + 1);
    changes.push({
      path,
      kind: 'ANNOTATION_CHANGED',
      message: `"${keyword}" ${o === undefined ? 'added' : n === undefined ? 'removed' : 'changed'}`,
    });
  }
  return changes.sort((a, b) => a.path.localeCompare(b.path));
}

const plain = ({ path, kind, message }: BreakingChange): BreakingChange => ({
  path,
  kind,
  message,
});

/** The breaking changes of `next` against `previous` under `mode`, and the bump `next` needs. */
export function assessChange(
  previous: unknown,
  next: unknown,
  mode: CompatibilityMode,
): ChangeAssessment {
  const breaking = breakingChanges(previous, next, mode);
  const major = mode === 'NONE' ? breakingChanges(previous, next, 'BACKWARD') : breaking;
  if (major.length > 0) return { breakingChanges: breaking, bump: 'MAJOR', reasons: major };
  const changes = changesBetween(previous, next).map(plain);
  if (changes.length > 0) return { breakingChanges: breaking, bump: 'MINOR', reasons: changes };
  const before = new Map<string, string>();
  const after = new Map<string, string>();
  const same =
    JSON.stringify(strip(previous, '', before)) === JSON.stringify(strip(next, '', after));
  if (!same)
    return {
      breakingChanges: breaking,
      bump: 'MINOR',
      reasons: [
        {
          path: '/',
          kind: 'KEYWORDS_CHANGED',
          message: 'validation keywords changed without changing which documents are valid',
        },
      ],
    };
  const notes = annotationChanges(before, after);
  return {
    breakingChanges: breaking,
    bump: 'PATCH',
    reasons: notes.length
      ? notes
      : [{ path: '/', kind: 'UNCHANGED', message: 'nothing changed but the $id' }],
  };
}

/** The smallest version above `previous` that carries `bump`: 1.2.3 + MINOR -> 1.3.0. */
export function minimumVersion(previous: string, bump: SemverBump): string {
  return semver.inc(previous, bump === 'MAJOR' ? 'major' : bump === 'MINOR' ? 'minor' : 'patch')!;
}

/** The bump `version` makes over `previous` (the larger part that grew). */
export function bumpOf(previous: string, version: string): SemverBump {
  if (semver.major(version) > semver.major(previous)) return 'MAJOR';
  if (
    semver.minor(version) > semver.minor(previous) &&
    semver.major(version) === semver.major(previous)
  )
    return 'MINOR';
  return 'PATCH';
}
