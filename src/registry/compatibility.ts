/**
 * Compatibility of a new schema version against the previous one.
 *
 * - BACKWARD (default): data valid under the previous version stays valid under the new one, so
 *   readers on the new version can read everything already stored. Narrowing changes break it.
 * - FORWARD: data valid under the new version is valid under the previous one, so readers still
 *   on the previous version can read new data. Widening changes break it.
 * - FULL: both. NONE: no check.
 *
 * The verdict comes from two sources: a structural diff of the keywords that matter for stored
 * documents (which also says *what* broke, with a JSON Pointer into the schema), and `jsoncompat`,
 * which checks the pair by its own analysis; anything it rejects that the diff did not explain is
 * reported as one extra change, so the list is never silently empty for an incompatible pair.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as jsoncompat from 'jsoncompat';
import type { BreakingChange } from '../errors';

export type CompatibilityMode = 'BACKWARD' | 'FORWARD' | 'FULL' | 'NONE';
export const COMPATIBILITY_MODES: CompatibilityMode[] = ['BACKWARD', 'FORWARD', 'FULL', 'NONE'];

/**
 * narrow: the new version rejects data the old accepted. widen: it accepts data the old rejected.
 * none: a change that no mode counts as breaking (an optional property declared on an open object).
 */
export type Direction = 'narrow' | 'widen' | 'both' | 'none';
export interface Change {
  path: string;
  kind: string;
  message: string;
  direction: Direction;
}

type S = Record<string, unknown>;
const isObj = (v: unknown): v is S => typeof v === 'object' && v !== null && !Array.isArray(v);
const ptr = (base: string, ...parts: string[]) =>
  base + parts.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

function typeSet(schema: S): Set<string> | undefined {
  const t = schema.type;
  if (t === undefined) return undefined;
  const list = (Array.isArray(t) ? t : [t]) as string[];
  const set = new Set(list);
  // "number" includes every integer.
  if (set.has('number')) set.add('integer');
  return set;
}

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];
const HANDLED = new Set([
  'type',
  'required',
  'properties',
  'additionalProperties',
  'enum',
  'const',
  'items',
  'pattern',
  'format',
  ...LOWER_BOUNDS,
  ...UPPER_BOUNDS,
  // Annotations never change which documents are valid.
  '$schema',
  '$id',
  '$comment',
  'title',
  'description',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
]);

type Diff = (oldS: S, newS: S, path: string, out: Change[]) => void;

/** One comparison per keyword family, in the order their changes are listed. */
const KEYWORD_DIFFS: Diff[] = [
  diffTypes,
  diffRequired,
  diffProperties,
  diffAdditionalProperties,
  diffEnum,
  diffConst,
  diffBounds,
  diffPatternAndFormat,
  diffItems,
  diffUnhandledKeywords,
];

function diff(oldS: unknown, newS: unknown, path: string, out: Change[]): void {
  if (oldS === true || oldS === undefined) oldS = {};
  if (newS === true || newS === undefined) newS = {};
  if (oldS === false || newS === false) {
    diffBooleanSchemas(oldS, newS, path, out);
    return;
  }
  if (!isObj(oldS) || !isObj(newS)) return;
  for (const keywordDiff of KEYWORD_DIFFS) keywordDiff(oldS, newS, path, out);
}

/** `false` (refuse everything) on either side: only a switch to or from it is a change. */
function diffBooleanSchemas(oldS: unknown, newS: unknown, path: string, out: Change[]): void {
  if (oldS === newS) return;
  out.push({
    path: path || '/',
    kind: oldS === false ? 'SCHEMA_OPENED' : 'SCHEMA_CLOSED',
    message: oldS === false ? 'now accepts values it refused' : 'now refuses every value',
    direction: oldS === false ? 'widen' : 'narrow',
  });
}

function diffTypes(oldS: S, newS: S, path: string, out: Change[]): void {
  const oldTypes = typeSet(oldS);
  const newTypes = typeSet(newS);
  const p = ptr(path, 'type');
  if (!oldTypes && newTypes) {
    out.push({
      path: p,
      kind: 'TYPE_NARROWED',
      message: `type restricted to ${[...newTypes].join(', ')}`,
      direction: 'narrow',
    });
    return;
  }
  if (oldTypes && !newTypes) {
    out.push({
      path: p,
      kind: 'TYPE_WIDENED',
      message: 'type restriction removed',
      direction: 'widen',
    });
    return;
  }
  if (!oldTypes || !newTypes) return;
  const removed = [...oldTypes].filter((t) => !newTypes.has(t));
  const added = [...newTypes].filter((t) => !oldTypes.has(t));
  if (removed.length)
    out.push({
      path: p,
      kind: 'TYPE_NARROWED',
      message: `type no longer allows ${removed.join(', ')}`,
      direction: 'narrow',
    });
  if (added.length)
    out.push({
      path: p,
      kind: 'TYPE_WIDENED',
      message: `type now also allows ${added.join(', ')}`,
      direction: 'widen',
    });
}

function diffRequired(oldS: S, newS: S, path: string, out: Change[]): void {
  const oldReq = new Set((oldS.required as string[] | undefined) ?? []);
  const newReq = new Set((newS.required as string[] | undefined) ?? []);
  for (const name of newReq)
    if (!oldReq.has(name))
      out.push({
        path: ptr(path, 'required'),
        kind: 'REQUIRED_ADDED',
        message: `property "${name}" is now required`,
        direction: 'narrow',
      });
  for (const name of oldReq)
    if (!newReq.has(name))
      out.push({
        path: ptr(path, 'required'),
        kind: 'REQUIRED_REMOVED',
        message: `property "${name}" is no longer required`,
        direction: 'widen',
      });
}

/**
 * Properties described on both sides are compared in depth; one described on one side only
 * matters when the other side refuses properties it does not list.
 */
function diffProperties(oldS: S, newS: S, path: string, out: Change[]): void {
  const oldProps = isObj(oldS.properties) ? oldS.properties : {};
  const newProps = isObj(newS.properties) ? newS.properties : {};
  const oldClosed = oldS.additionalProperties === false;
  const newClosed = newS.additionalProperties === false;
  for (const name of new Set([...Object.keys(oldProps), ...Object.keys(newProps)])) {
    const p = ptr(path, 'properties', name);
    if (name in oldProps && name in newProps) diff(oldProps[name], newProps[name], p, out);
    else if (name in oldProps && newClosed)
      out.push({
        path: p,
        kind: 'PROPERTY_REMOVED',
        message: `property "${name}" removed while additional properties are refused`,
        direction: 'narrow',
      });
    else if (name in newProps && oldClosed)
      out.push({
        path: p,
        kind: 'PROPERTY_ADDED',
        message: `property "${name}" added to a closed object`,
        direction: 'widen',
      });
    else if (name in newProps)
      out.push({
        path: p,
        kind: 'PROPERTY_ADDED',
        message: `optional property "${name}" added`,
        direction: 'none',
      });
    else
      out.push({
        path: p,
        kind: 'PROPERTY_REMOVED',
        message: `property "${name}" no longer described (still allowed)`,
        direction: 'none',
      });
  }
}

function diffAdditionalProperties(oldS: S, newS: S, path: string, out: Change[]): void {
  const oldClosed = oldS.additionalProperties === false;
  const newClosed = newS.additionalProperties === false;
  const p = ptr(path, 'additionalProperties');
  if (!oldClosed && newClosed)
    out.push({
      path: p,
      kind: 'ADDITIONAL_PROPERTIES_REFUSED',
      message: 'properties not listed are now refused',
      direction: 'narrow',
    });
  else if (oldClosed && !newClosed)
    out.push({
      path: p,
      kind: 'ADDITIONAL_PROPERTIES_ALLOWED',
      message: 'properties not listed are now allowed',
      direction: 'widen',
    });
  else if (isObj(oldS.additionalProperties) || isObj(newS.additionalProperties))
    diff(oldS.additionalProperties, newS.additionalProperties, p, out);
}

function diffEnum(oldS: S, newS: S, path: string, out: Change[]): void {
  if (oldS.enum === undefined && newS.enum === undefined) return;
  const key = (v: unknown) => JSON.stringify(v);
  const oldE = Array.isArray(oldS.enum) ? new Set(oldS.enum.map(key)) : undefined;
  const newE = Array.isArray(newS.enum) ? new Set(newS.enum.map(key)) : undefined;
  const p = ptr(path, 'enum');
  if (!oldE && newE) {
    out.push({
      path: p,
      kind: 'ENUM_ADDED',
      message: `values restricted to ${[...newE].join(', ')}`,
      direction: 'narrow',
    });
    return;
  }
  if (oldE && !newE) {
    out.push({
      path: p,
      kind: 'ENUM_REMOVED',
      message: 'value restriction removed',
      direction: 'widen',
    });
    return;
  }
  if (!oldE || !newE) return;
  const removed = [...oldE].filter((v) => !newE.has(v));
  const added = [...newE].filter((v) => !oldE.has(v));
  if (removed.length)
    out.push({
      path: p,
      kind: 'ENUM_VALUE_REMOVED',
      message: `no longer allows ${removed.join(', ')}`,
      direction: 'narrow',
    });
  if (added.length)
    out.push({
      path: p,
      kind: 'ENUM_VALUE_ADDED',
      message: `now also allows ${added.join(', ')}`,
      direction: 'widen',
    });
}

function diffConst(oldS: S, newS: S, path: string, out: Change[]): void {
  if (JSON.stringify(oldS.const) === JSON.stringify(newS.const)) return;
  out.push({
    path: ptr(path, 'const'),
    kind: 'CONST_CHANGED',
    message: 'constant value changed',
    direction: oldS.const === undefined ? 'narrow' : newS.const === undefined ? 'widen' : 'both',
  });
}

/** Numeric bounds: a higher lower bound or a lower upper bound narrows, the reverse widens. */
function diffBounds(oldS: S, newS: S, path: string, out: Change[]): void {
  for (const k of LOWER_BOUNDS) diffBound(oldS[k], newS[k], k, ptr(path, k), (o, n) => n > o, out);
  for (const k of UPPER_BOUNDS) diffBound(oldS[k], newS[k], k, ptr(path, k), (o, n) => n < o, out);
}

function diffBound(
  o: unknown,
  n: unknown,
  k: string,
  p: string,
  tighter: (o: number, n: number) => boolean,
  out: Change[],
): void {
  if (o === n) return;
  if (typeof n === 'number' && typeof o !== 'number')
    out.push({ path: p, kind: 'BOUND_ADDED', message: `${k} ${n} added`, direction: 'narrow' });
  else if (typeof o === 'number' && typeof n !== 'number')
    out.push({ path: p, kind: 'BOUND_REMOVED', message: `${k} removed`, direction: 'widen' });
  else if (typeof o === 'number' && typeof n === 'number')
    out.push(
      tighter(o, n)
        ? { path: p, kind: 'BOUND_TIGHTENED', message: `${k} ${o} -> ${n}`, direction: 'narrow' }
        : { path: p, kind: 'BOUND_LOOSENED', message: `${k} ${o} -> ${n}`, direction: 'widen' },
    );
}

/** Patterns and formats are not compared by meaning: any change to one may break both ways. */
function diffPatternAndFormat(oldS: S, newS: S, path: string, out: Change[]): void {
  for (const k of ['pattern', 'format']) {
    const o = oldS[k];
    const n = newS[k];
    if (o === n) continue;
    const direction: Direction = o === undefined ? 'narrow' : n === undefined ? 'widen' : 'both';
    out.push({
      path: ptr(path, k),
      kind: k === 'pattern' ? 'PATTERN_CHANGED' : 'FORMAT_CHANGED',
      message: `${k} ${o === undefined ? 'added' : n === undefined ? 'removed' : 'changed'}`,
      direction,
    });
  }
}

/** One `items` schema is compared in depth; tuple forms are compared whole. */
function diffItems(oldS: S, newS: S, path: string, out: Change[]): void {
  if (!isObj(oldS.items) && !isObj(newS.items) && oldS.items === newS.items) return;
  if (!Array.isArray(oldS.items) && !Array.isArray(newS.items))
    diff(oldS.items, newS.items, ptr(path, 'items'), out);
  else if (JSON.stringify(oldS.items) !== JSON.stringify(newS.items))
    out.push({
      path: ptr(path, 'items'),
      kind: 'ITEMS_CHANGED',
      message: 'tuple items changed',
      direction: 'both',
    });
}

/**
 * Keywords the diff does not reason about (allOf, oneOf, $ref, if/then, ...): any change in them
 * is reported as breaking in both directions rather than guessed at.
 */
function diffUnhandledKeywords(oldS: S, newS: S, path: string, out: Change[]): void {
  for (const k of new Set([...Object.keys(oldS), ...Object.keys(newS)])) {
    if (HANDLED.has(k)) continue;
    if (JSON.stringify(oldS[k]) !== JSON.stringify(newS[k]))
      out.push({
        path: ptr(path, k),
        kind: 'KEYWORD_CHANGED',
        message: `"${k}" changed`,
        direction: 'both',
      });
  }
}

/** Every difference the structural diff finds between two definitions, breaking or not. */
export function changesBetween(oldDef: unknown, newDef: unknown): Change[] {
  const all: Change[] = [];
  diff(oldDef, newDef, '', all);
  return all.map((c) => ({ ...c, path: c.path || '/' }));
}

let wasmReady = false;
function ensureWasm(): void {
  if (wasmReady) return;
  const require = createRequire(import.meta.url);
  jsoncompat.initSync({
    module: readFileSync(require.resolve('jsoncompat/jsoncompat_wasm_bg.wasm')),
  });
  wasmReady = true;
}

function jsoncompatAgrees(oldDef: unknown, newDef: unknown, role: 'deserializer' | 'serializer') {
  try {
    ensureWasm();
    return jsoncompat.check_compat(JSON.stringify(oldDef), JSON.stringify(newDef), role);
  } catch {
    // jsoncompat refuses some keywords it cannot analyse; the structural diff still stands.
    return true;
  }
}

/**
 * The breaking changes of `newDef` against `oldDef` under `mode`; empty when compatible.
 * Paths are JSON Pointers into the new definition.
 */
export function breakingChanges(
  oldDef: unknown,
  newDef: unknown,
  mode: CompatibilityMode,
): BreakingChange[] {
  if (mode === 'NONE') return [];
  const all = changesBetween(oldDef, newDef);
  const checkNarrow = mode === 'BACKWARD' || mode === 'FULL';
  const checkWiden = mode === 'FORWARD' || mode === 'FULL';
  const breaking = all.filter(
    (c) =>
      c.direction === 'both' ||
      (checkNarrow && c.direction === 'narrow') ||
      (checkWiden && c.direction === 'widen'),
  );
  if (breaking.length === 0) {
    if (checkNarrow && !jsoncompatAgrees(oldDef, newDef, 'deserializer'))
      breaking.push({
        path: '/',
        kind: 'REFUSES_OLD_DATA',
        message: 'some documents valid under the previous version are refused',
        direction: 'narrow',
      });
    if (checkWiden && !jsoncompatAgrees(oldDef, newDef, 'serializer'))
      breaking.push({
        path: '/',
        kind: 'ACCEPTS_NEW_DATA',
        message: 'some documents valid under this version are refused by the previous one',
        direction: 'widen',
      });
  }
  return breaking.map(({ path, kind, message }) => ({ path, kind, message }));
}
