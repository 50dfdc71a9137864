/**
 * TypeScript types for the content of blobs: one type per built-in JSON Schema (the registry's
 * and every processor's) and per processor config schema, written to
 * client-sdk/generated/content.ts. `npm run sdk:generate` runs it after GraphQL codegen; a test
 * fails when the committed file drifts from what this produces.
 *
 * The built-in schemas use a small part of JSON Schema (object, array, enum, the scalar types),
 * so a small renderer is enough; anything it does not know how to type (`$ref`, `if`, ...) stops
 * it with the schema and the JSON Pointer, rather than being typed wrongly.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createProcessors } from './processors/index';
import { BUILTIN_SCHEMAS } from './src/registry/builtin-schemas';

type Node = Record<string, unknown>;

export const CONTENT_FILE = 'client-sdk/generated/content.ts';

/** `text-input-v1` -> `TextInputV1`. */
export function typeName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

// Keywords that only constrain values: they appear in comments, not in types.
const CONSTRAINTS = [
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'pattern',
  'format',
] as const;
const ANNOTATIONS = new Set<string>([
  ...CONSTRAINTS,
  '$schema',
  '$id',
  'title',
  'description',
  'examples',
  'default',
  'uniqueItems',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'type',
  'enum',
  'const',
  'anyOf',
  'oneOf',
]);

function jsDoc(node: Node, indent: string): string {
  const lines: string[] = [];
  if (typeof node.description === 'string') lines.push(node.description);
  const limits = CONSTRAINTS.filter((k) => node[k] !== undefined).map(
    (k) => `${k} ${JSON.stringify(node[k])}`,
  );
  if (limits.length > 0) lines.push(`Schema: ${limits.join(', ')}.`);
  if (lines.length === 0) return '';
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function renderType(node: unknown, pointer: string, indent: string): string {
  if (node === true || node === undefined) return 'unknown';
  if (node === false) return 'never';
  if (!node || typeof node !== 'object') throw new Error(`${pointer}: not a schema`);
  const schema = node as Node;
  for (const key of Object.keys(schema)) {
    if (!ANNOTATIONS.has(key)) {
      throw new Error(`${pointer}: the content type generator does not handle "${key}"`);
    }
  }
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const alternatives = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (alternatives) {
    return alternatives.map((s, i) => renderType(s, `${pointer}/anyOf/${i}`, indent)).join(' | ');
  }
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type];
  return types.map((t) => renderOne(schema, t, pointer, indent)).join(' | ');
}

function renderOne(schema: Node, type: unknown, pointer: string, indent: string): string {
  switch (type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = renderType(schema.items, `${pointer}/items`, indent);
      return /[|&]/.test(item) ? `Array<${item}>` : `${item}[]`;
    }
    case 'object':
      return renderObject(schema, pointer, indent);
    case undefined:
      return schema.properties ? renderObject(schema, pointer, indent) : 'unknown';
    default:
      throw new Error(`${pointer}: unknown type ${JSON.stringify(type)}`);
  }
}

function renderObject(schema: Node, pointer: string, indent: string): string {
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const required = new Set((schema.required ?? []) as string[]);
  const inner = `${indent}  `;
  const members = Object.entries(properties).map(([key, value]) => {
    const name = IDENTIFIER.test(key) ? key : JSON.stringify(key);
    const type = renderType(value, `${pointer}/properties/${key}`, inner);
    const doc = value && typeof value === 'object' ? jsDoc(value as Node, inner) : '';
    return `${doc}${inner}${name}${required.has(key) ? '' : '?'}: ${type};\n`;
  });
  const extra = schema.additionalProperties;
  if (extra !== false) {
    // Keys the schema does not name are allowed. `unknown` whatever it says of them: a narrower
    // index type would have to admit every named property's type too.
    members.push(`${inner}[key: string]: unknown;\n`);
  }
  return `{\n${members.join('')}${indent}}`;
}

function renderDeclaration(name: string, definition: Node, pointer: string): string {
  const body = renderType(definition, pointer, '');
  const doc = jsDoc(definition, '');
  return body.startsWith('{')
    ? `${doc}export interface ${name} ${body}\n`
    : `${doc}export type ${name} = ${body};\n`;
}

interface Source {
  id: string;
  name: string;
  description: string;
  definition: Node;
}

/** The built-in content schemas and processor config schemas, in registration order. */
export function builtinSources(): { content: Source[]; configs: Source[] } {
  const processors = createProcessors({}).map((p) => p.definition);
  const content = [
    ...BUILTIN_SCHEMAS,
    ...processors.flatMap((p) => p.schemas ?? []).map((s) => ({ ...s, ownerProcessorId: '' })),
  ].map((s) => {
    const id = String(s.definition.$id);
    return { id, name: typeName(id), description: s.description, definition: s.definition };
  });
  const configs = processors.flatMap((p) =>
    p.configSchema
      ? [
          {
            id: p.id,
            name: `${typeName(p.id)}Config`,
            description: `Your configuration of the ${p.id} processor (configureProcessor).`,
            definition: p.configSchema as Node,
          },
        ]
      : [],
  );
  return { content, configs };
}

/** The text of client-sdk/generated/content.ts. */
export function renderContentTypes(): string {
  const { content, configs } = builtinSources();
  const out: string[] = [
    '/* Generated by codegen-content.ts from the built-in JSON Schemas (npm run sdk:generate). Do not edit. */\n',
  ];
  for (const s of [...content, ...configs]) {
    // The registry's description heads the type; the schema's own, if any, follows it.
    const definition = { ...s.definition, description: s.description };
    out.push(renderDeclaration(s.name, definition, s.id));
  }
  const map = (entries: Source[]) =>
    entries.map((s) => `  ${JSON.stringify(s.id)}: ${s.name};\n`).join('');
  out.push(
    `/** The data of a blob, by its schema id. */\nexport interface ContentTypes {\n${map(content)}}\n`,
    '/** The id of a built-in content schema. */\nexport type ContentSchemaId = keyof ContentTypes;\n',
    `/** Every built-in content schema id. */\nexport const CONTENT_SCHEMA_IDS: readonly ContentSchemaId[] = [${content.map((s) => JSON.stringify(s.id)).join(', ')}];\n`,
    `/** A processor instance's config, by processor id. */\nexport interface ProcessorConfigs {\n${map(configs)}}\n`,
  );
  return out.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const target = resolve(import.meta.dirname, CONTENT_FILE);
  await writeFile(target, renderContentTypes());
  console.log(`wrote ${CONTENT_FILE}`);
}
