/**
 * Hostile JSON Schemas and documents: the worst the registry's limits still accept, each with a
 * document of up to 1 MiB built to make it slow, and definitions the limits refuse.
 *
 * `runSchemaBattery()` registers each definition through the real `SchemaService` (whose checks
 * run on the `SchemaInspector` worker pool), then compiles it on this thread as the first
 * validation of a blob does (`SchemaValidator.validatorFor`), then validates its document. The
 * schema repository is an in-memory stand-in: the figures are about compiling and validating,
 * not SQL. `npx tsx bench/abuse-schemas.ts` prints the table. Aim: every accepted case compiles
 * and validates in under 50 ms.
 */
import { fileURLToPath } from 'node:url';
import { AppError } from '../src/errors';
import type { CompatibilityMode } from '../src/registry/compatibility';
import { COMPLEXITY_LIMITS } from '../src/registry/schema-complexity';
import { SchemaInspector } from '../src/registry/schema-inspector';
import type { SchemaRepository } from '../src/registry/schema-repository';
import { SchemaService } from '../src/registry/schema-service';
import type { SchemaRecord } from '../src/registry/schema-types';
import { SchemaValidator } from '../src/registry/validator';

type Json = Record<string, unknown>;
const MiB = 1024 * 1024;

export interface BatteryCase {
  name: string;
  definition: Json;
  /** A document built to be slow to validate; omitted for cases meant to be refused. */
  document?: () => unknown;
  /** The error code (and limit, when there is one) expected at registration. */
  refusedWith?: string;
}

/** `n` copies of `unit` and a tail that makes the match fail at the very end. */
const pump = (unit: string, tail = '!') => unit.repeat(Math.floor((MiB - 64) / unit.length)) + tail;
const arrayOf = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));

/** A chain of definitions, each applying the next `width` times: width^depth schemas per value. */
function fanOut(width: number, depth: number): Json {
  const definitions: Json = { leaf: { type: 'string', minLength: 1 } };
  for (let i = 0; i < depth; i++) {
    const next = i + 1 < depth ? `#/definitions/d${i + 1}` : '#/definitions/leaf';
    definitions[`d${i}`] = { anyOf: arrayOf(width, () => ({ $ref: next })) };
  }
  return { type: 'array', items: { $ref: '#/definitions/d0' }, definitions };
}

const L = COMPLEXITY_LIMITS;

export const SCHEMA_BATTERY: BatteryCase[] = [
  // Accepted, at or near the limits.
  {
    name: 'catastrophic regex ^(a+)+$ on 1 MiB',
    definition: { type: 'string', pattern: '^(a+)+$' },
    document: () => pump('a'),
  },
  {
    name: `${L.regexPerString} DFA-hostile patterns on one 1 MiB string`,
    definition: {
      type: 'string',
      allOf: [
        { pattern: '[ab]*a[ab]{20}$' },
        { pattern: '.*a.{40}$' },
        { pattern: '^(.*a.{40})+$' },
        { pattern: '^[a-z]+$' },
      ],
    },
    document: () => arrayOf(MiB - 64, (i) => ((i * 7919) % 3 === 0 ? 'a' : 'b')).join(''),
  },
  {
    name: 'url format on 1 MiB of ":" (quadratic in ajv-formats)',
    definition: { type: 'string', format: 'url' },
    document: () => `http://[${pump(':', '')}`,
  },
  {
    name: 'date-time, email, uri, hostname on 1 MiB strings',
    definition: {
      type: 'array',
      items: {
        anyOf: [
          { format: 'date-time' },
          { format: 'email' },
          { format: 'uri' },
          { format: 'hostname' },
        ],
      },
    },
    document: () =>
      [pump('0:'), pump('a@'), pump('%20'), pump('a-')].map((s) => s.slice(0, MiB / 4)),
  },
  {
    name: '$ref/anyOf fan-out 2^4 (31 schemas per value) on 200k values',
    definition: fanOut(2, 4),
    document: () => arrayOf(200_000, () => 'x'),
  },
  {
    name: `enum of ${L.enumValues} objects on 60k items`,
    definition: {
      type: 'array',
      items: { enum: arrayOf(L.enumValues, (i) => ({ k: i, v: [i, `${i}`] })) },
    },
    document: () => arrayOf(60_000, (i) => ({ k: i, v: [i, `${i + 1}`] })),
  },
  {
    name: 'uniqueItems on 60k distinct objects',
    definition: { type: 'array', uniqueItems: true },
    document: () => arrayOf(60_000, (i) => ({ a: i, b: [i % 7, `${i}`] })),
  },
  {
    name: 'uniqueItems on 20k nested arrays of arrays',
    definition: { type: 'array', uniqueItems: true, items: { type: 'array', uniqueItems: true } },
    document: () => arrayOf(20_000, (i) => [[i], [i, 1], [i, 2], [i, 3]]),
  },
  {
    name: `${L.regexPerString / 2} patternProperties with additionalProperties on 60k keys`,
    definition: {
      type: 'object',
      patternProperties: { '^a[0-9]+$': { type: 'integer' }, '^(x+x+)+y$': { type: 'integer' } },
      additionalProperties: false,
    },
    document: () => Object.fromEntries(arrayOf(60_000, (i) => [`a${i}`, i])),
  },
  {
    name: `${L.subschemas - 2} properties, additionalProperties false, 60k keys`,
    definition: {
      type: 'object',
      properties: Object.fromEntries(
        arrayOf(L.subschemas - 3, (i) => [`p${i}`, { type: 'integer' }]),
      ),
      additionalProperties: false,
    },
    document: () => Object.fromEntries(arrayOf(60_000, (i) => [`p${i % 600}x${i}`, i])),
  },
  {
    name: `${L.branches - 1}-branch oneOf of objects on 20k items`,
    definition: {
      type: 'array',
      items: {
        oneOf: arrayOf(L.branches - 1, (i) => ({
          type: 'object',
          required: [`k${i}`],
          properties: { [`k${i}`]: { const: i } },
        })),
      },
    },
    document: () => arrayOf(20_000, (i) => ({ [`k${i % 64}`]: i % 64 })),
  },
  {
    name: 'a pattern on 250k short strings (past the regex budget)',
    definition: { type: 'array', items: { type: 'string', pattern: '^[a-z]+$' } },
    document: () => arrayOf(250_000, (i) => `a${i % 10}`),
  },
  {
    name: 'many failing maxLength values (error accumulation)',
    definition: { type: 'array', items: { type: 'string', maxLength: 1 } },
    document: () => arrayOf(150_000, () => 'abc'),
  },
  {
    name: 'recursive tree, 1 MiB nested 3,000 levels deep',
    definition: {
      type: 'object',
      properties: { c: { type: 'array', items: { $ref: '#' } }, n: { type: 'string' } },
    },
    document: () => {
      let node: Json = { n: 'leaf' };
      for (let i = 0; i < 3000; i++) node = { c: [node], n: 'x'.repeat(300) };
      return node;
    },
  },
  {
    name: 'recursive tree, nested 200,000 levels deep (refused as a document)',
    definition: {
      type: 'object',
      properties: { c: { type: 'array', items: { $ref: '#' } } },
    },
    document: () => {
      let node: Json = {};
      for (let i = 0; i < 200_000; i++) node = { c: [node] };
      return node;
    },
  },
  {
    name: 'required list of 8,000 names on an object of 8,000 keys',
    definition: { type: 'object', required: arrayOf(8000, (i) => `r${i}`) },
    document: () => Object.fromEntries(arrayOf(8000, (i) => [`r${i}`, i])),
  },
  {
    name: `${L.subschemas - 2} subschemas with patterns (compile cost)`,
    definition: {
      type: 'object',
      properties: Object.fromEntries(
        arrayOf(L.subschemas - 2, (i) => [
          `p${i}`,
          { type: 'string', maxLength: 10, pattern: '^[a-z]+$' },
        ]),
      ),
    },
    document: () => Object.fromEntries(arrayOf(L.subschemas - 2, (i) => [`p${i}`, 'abc'])),
  },
  {
    name: 'four nested 15-branch anyOfs',
    definition: (() => {
      let s: Json = { type: 'string' };
      for (let i = 0; i < 4; i++) s = { anyOf: [...arrayOf(14, (j) => ({ const: j })), s] };
      return s;
    })(),
    document: () => arrayOf(1, () => 'x')[0],
  },

  // Refused at registration.
  {
    name: 'backreference',
    definition: { type: 'string', pattern: '^(a+)\\1$' },
    refusedWith: 'INVALID_SCHEMA',
  },
  {
    name: 'lookahead in patternProperties',
    definition: { patternProperties: { '^(?!x)': {} } },
    refusedWith: 'INVALID_SCHEMA',
  },
  {
    name: 'regex too large for RE2',
    definition: { type: 'string', pattern: '(?:a{1,1000}){1,1000}' },
    refusedWith: 'INVALID_SCHEMA',
  },
  {
    name: 'regex programs over the total',
    definition: {
      allOf: arrayOf(4, () => ({ pattern: '^[\\s\\S]{0,999}x[\\s\\S]{0,999}$' })).map((s, i) => ({
        ...s,
        pattern: `${s.pattern}${i}`,
      })),
    },
    refusedWith: 'SCHEMA_TOO_COMPLEX regexProgram',
  },
  {
    name: `${L.regexPerString + 1} patterns on one string`,
    definition: { allOf: arrayOf(L.regexPerString + 1, (i) => ({ pattern: `a${i}` })) },
    refusedWith: 'SCHEMA_TOO_COMPLEX regexPerString',
  },
  {
    name: '$ref fan-out 2^20',
    definition: fanOut(2, 20),
    refusedWith: 'SCHEMA_TOO_COMPLEX schemasPerValue',
  },
  {
    name: '$ref fan-out 8^3',
    definition: fanOut(8, 3),
    refusedWith: 'SCHEMA_TOO_COMPLEX schemasPerValue',
  },
  {
    name: '$ref loop that never descends',
    definition: { $ref: '#' },
    refusedWith: 'SCHEMA_TOO_COMPLEX schemasPerValue',
  },
  {
    name: 'recursion doubling per level',
    definition: { type: 'object', properties: { c: { allOf: [{ $ref: '#' }, { $ref: '#' }] } } },
    refusedWith: 'SCHEMA_TOO_COMPLEX schemasPerValue',
  },
  {
    name: 'enum of 20,000 values',
    definition: { enum: arrayOf(20_000, (i) => i) },
    refusedWith: 'SCHEMA_TOO_COMPLEX enumValues',
  },
  {
    name: 'anyOf of 3,000 branches',
    definition: { anyOf: arrayOf(3000, (i) => ({ const: i })) },
    refusedWith: 'SCHEMA_TOO_COMPLEX branches',
  },
  {
    name: '3,000 $refs to one big definition (inlining bomb)',
    definition: {
      definitions: {
        big: { properties: Object.fromEntries(arrayOf(300, (i) => [`q${i}`, { minLength: 1 }])) },
      },
      allOf: arrayOf(3000, () => ({ $ref: '#/definitions/big' })),
    },
    refusedWith: 'SCHEMA_TOO_COMPLEX',
  },
  {
    name: 'nesting 200 levels deep',
    definition: (() => {
      let s: Json = {};
      for (let i = 0; i < 200; i++) s = { not: s };
      return s;
    })(),
    refusedWith: 'SCHEMA_TOO_LARGE',
  },
];

/** A schema repository in memory: enough for `SchemaService.register` and `validate`. */
function memoryRepository(): SchemaRepository {
  const rows = new Map<string, SchemaRecord>();
  const modes = new Map<string, CompatibilityMode>();
  const repo = {
    findById: async (id: string) => rows.get(id) ?? null,
    findByIds: async (ids: readonly string[]) => ids.flatMap((id) => rows.get(id) ?? []),
    latestOfName: async (name: string) => [...rows.values()].find((r) => r.name === name) ?? null,
    modeOfName: async (name: string) => modes.get(name) ?? null,
    nameOwner: async (name: string) => (modes.has(name) ? { owner: 'bench' } : null),
    setModeOfName: async () => true,
    list: async () => [...rows.values()],
    insert: async (record: SchemaRecord, mode: CompatibilityMode) => {
      if (rows.has(record.id)) return 'conflict';
      rows.set(record.id, record);
      modes.set(record.name, mode);
      return 'inserted';
    },
    setActive: async () => null,
  };
  return repo as unknown as SchemaRepository;
}

export interface BatteryResult {
  name: string;
  /** Checking the definition at registration (on a worker). */
  registerMs: number;
  /** Compiling it on the main thread, as the first validation of a blob does. */
  compileMs: number;
  /** Validating the case's document. */
  validateMs: number;
  valid?: boolean;
  refused?: string;
}

export async function runSchemaBattery(): Promise<BatteryResult[]> {
  const validator = new SchemaValidator();
  const inspector = new SchemaInspector(validator, { timeoutMs: 10_000 });
  const schemas = new SchemaService(memoryRepository(), validator, async () => null, inspector);
  const results: BatteryResult[] = [];
  try {
    for (const [index, c] of SCHEMA_BATTERY.entries()) {
      const id = `battery-${index}-v1`;
      const definition = {
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: id,
        ...c.definition,
      };
      let start = performance.now();
      try {
        await schemas.register({ userId: 'bench', admin: true }, { definition });
      } catch (error) {
        const e = error as AppError;
        const refused =
          e instanceof AppError
            ? [e.code, e.details.limitName].filter(Boolean).join(' ')
            : String(e);
        results.push({
          name: c.name,
          registerMs: performance.now() - start,
          compileMs: 0,
          validateMs: 0,
          refused,
        });
        continue;
      }
      const registerMs = performance.now() - start;
      const record = (await schemas.get(id))!;
      start = performance.now();
      validator.validatorFor(record);
      const compileMs = performance.now() - start;
      const document = c.document?.() ?? null;
      start = performance.now();
      const issues = validator.validate(record, document);
      const validateMs = performance.now() - start;
      results.push({ name: c.name, registerMs, compileMs, validateMs, valid: issues.length === 0 });
    }
  } finally {
    await inspector.close();
  }
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const results = await runSchemaBattery();
  const pad = (s: string, n: number) => s.padEnd(n).slice(0, n);
  const ms = (n: number) => n.toFixed(1).padStart(8);
  console.log(`${pad('case', 64)} register  compile validate  outcome`);
  for (const r of results) {
    const outcome = r.refused ? `refused: ${r.refused}` : r.valid ? 'valid' : 'invalid';
    console.log(
      `${pad(r.name, 64)}${ms(r.registerMs)}${ms(r.compileMs)}${ms(r.validateMs)}  ${outcome}`,
    );
  }
  const accepted = results.filter((r) => !r.refused);
  const worst = (k: 'compileMs' | 'validateMs') => accepted.reduce((a, b) => (b[k] > a[k] ? b : a));
  const wc = worst('compileMs');
  const wv = worst('validateMs');
  console.log(`\nworst compile:  ${wc.compileMs.toFixed(1)} ms (${wc.name})`);
  console.log(`worst validate: ${wv.validateMs.toFixed(1)} ms (${wv.name})`);
  const expected = SCHEMA_BATTERY.filter((c) => c.refusedWith);
  const missed = expected.filter(
    (c) => !results.find((r) => r.name === c.name)?.refused?.startsWith(c.refusedWith!),
  );
  console.log(
    `refused as expected: ${expected.length - missed.length}/${expected.length}${missed.length ? ` (not: ${missed.map((m) => m.name).join(', ')})` : ''}`,
  );
  console.log(
    `accepted cases over 50 ms: ${accepted.filter((r) => r.compileMs > 50 || r.validateMs > 50).length}`,
  );
}
