/**
 * How much work a definition can make the validator do, measured before anything compiles it.
 *
 * Validation work is bounded per document node: the number of schemas applied at one node of a
 * document (`allOf`/`anyOf`/`oneOf`/`not`/`if`/`$ref` fan-out, local `$ref`s followed with their
 * multiplicity) and the number of regular-expression scans one string goes through. Because a
 * document is at most 1 MiB, bounding the work per node bounds the work per document. The
 * measure is an upper bound: schemas applied to different properties are counted as if one
 * property received them all. Recursive schemas (a tree whose nodes `$ref` the tree) are measured
 * to their fixed point; recursion that multiplies the work at each level never reaches one and
 * is refused.
 *
 * Compile cost is bounded by the number of schema objects, the size of `enum`s and `anyOf`s, and
 * the size of the regular expressions (RE2's own program size).
 */
import { AppError, ErrorCode } from '../errors';
import { re2Problem, re2ProgramSize } from './re2-engine';

/** The limits a definition must stay within; a normal schema is far inside each. */
export const COMPLEXITY_LIMITS = {
  /** Schema objects in one definition: Ajv's compile time grows with them. */
  subschemas: 250,
  /** Entries of one `allOf`, `anyOf` or `oneOf`. */
  branches: 32,
  /** Values of one `enum`. */
  enumValues: 1000,
  /** Schemas applied at any one node of a document, `$ref`s followed. */
  schemasPerValue: 64,
  /** `pattern`s, `patternProperties` and `format`s one string (a value or a key) is tested by. */
  regexPerString: 4,
  /** Characters of one `pattern` or `patternProperties` key. */
  patternLength: 1000,
  /** RE2 program size of all the patterns of a definition together. */
  regexProgram: 5_000,
} as const;
type ComplexityLimit = keyof typeof COMPLEXITY_LIMITS;

/** Refuses a definition that exceeds `limit`; the message names the limit and where. */
function tooComplex(limit: ComplexityLimit, path: string, what: string, actual?: number): AppError {
  const max = COMPLEXITY_LIMITS[limit];
  return new AppError(
    ErrorCode.SCHEMA_TOO_COMPLEX,
    `The definition is too complex at ${path || '/'}: ${what} (limit ${limit} = ${max})`,
    {
      limit: max,
      limitName: limit,
      ...(actual !== undefined ? { actual } : {}),
      issues: [{ path: path || '/', message: what, keyword: limit }],
    },
  );
}

function invalid(path: string, message: string, keyword: string): AppError {
  return new AppError(ErrorCode.INVALID_SCHEMA, `${path || '/'}: ${message}`, {
    issues: [{ path: path || '/', message, keyword }],
  });
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSchema = (v: unknown): v is Json | boolean => typeof v === 'boolean' || isObj(v);
const ptr = (base: string, key: string | number) =>
  `${base}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`;

/** Keywords whose value is one schema applied to the same document node. */
const IN_PLACE_ONE = ['not', 'if', 'then', 'else'];
/** Keywords whose value is a list of schemas applied to the same node. */
const IN_PLACE_LIST = ['allOf', 'anyOf', 'oneOf'];
/** Keywords whose value maps names to schemas applied to the same node. */
const IN_PLACE_MAP = ['dependentSchemas', 'dependencies'];
/** Keywords holding schemas that apply only when a `$ref` names them. */
const HOLDERS = ['definitions', '$defs'];

interface Node {
  schema: Json | boolean;
  path: string;
  inPlace: Node[];
  /** Slots of child document nodes: the schemas applied together to one kind of child. */
  slots: Node[][];
  /** Regex scans of this node's own value (a string), and of its keys (an object). */
  valueRegex: number;
  keyRegex: number;
}

/** A schema graph: every schema object of the definition, with `$ref`s resolved to nodes. */
class Graph {
  readonly nodes: Node[] = [];
  private readonly byObject = new Map<object, Node>();
  private readonly anchors = new Map<string, Json>();
  private readonly refs: { node: Node; ref: string; path: string }[] = [];
  private readonly patterns = new Set<string>();

  constructor(private readonly root: Json) {}

  build(): Node {
    const root = this.visit(this.root, '');
    for (const { node, ref, path } of this.refs) node.inPlace.push(this.resolve(ref, path));
    let program = 0;
    for (const p of this.patterns) program += re2ProgramSize(p);
    if (program > COMPLEXITY_LIMITS.regexProgram) {
      throw tooComplex(
        'regexProgram',
        '',
        `its patterns compile to ${program} RE2 instructions`,
        program,
      );
    }
    return root;
  }

  private visit(schema: Json | boolean, path: string): Node {
    const seen = typeof schema === 'object' ? this.byObject.get(schema) : undefined;
    if (seen) return seen;
    const node: Node = { schema, path, inPlace: [], slots: [], valueRegex: 0, keyRegex: 0 };
    this.nodes.push(node);
    if (this.nodes.length > COMPLEXITY_LIMITS.subschemas) {
      throw tooComplex('subschemas', path, `more than ${COMPLEXITY_LIMITS.subschemas} schemas`);
    }
    if (typeof schema === 'boolean') return node;
    this.byObject.set(schema, node);
    this.collectAnchors(schema);
    // The order of visits is the order of `nodes`, which decides where a limit is reported.
    this.visitInPlace(node, schema, path);
    this.checkOwnKeywords(node, schema, path);
    this.visitPropertySlots(node, schema, path);
    this.visitItemSlots(node, schema, path);
    return node;
  }

  private sub(key: string | number, value: unknown, base: string): Node | undefined {
    return isSchema(value) ? this.visit(value, ptr(base, key)) : undefined;
  }

  private list(schema: Json, path: string, keyword: string): Node[] {
    const value = schema[keyword];
    if (!Array.isArray(value)) return [];
    if (IN_PLACE_LIST.includes(keyword) && value.length > COMPLEXITY_LIMITS.branches) {
      throw tooComplex('branches', ptr(path, keyword), `${value.length} entries`, value.length);
    }
    return value.flatMap((v, i) => this.sub(i, v, ptr(path, keyword)) ?? []);
  }

  private map(schema: Json, path: string, keyword: string): [string, Node][] {
    const value = schema[keyword];
    if (!isObj(value)) return [];
    return Object.entries(value).flatMap(([k, v]) => {
      const n = this.sub(k, v, ptr(path, keyword));
      return n ? [[k, n] as [string, Node]] : [];
    });
  }

  /** Schemas applied to the same document node; `$ref`s are resolved once the graph is built. */
  private visitInPlace(node: Node, schema: Json, path: string): void {
    for (const k of IN_PLACE_ONE) {
      const n = this.sub(k, schema[k], path);
      if (n) node.inPlace.push(n);
    }
    for (const k of IN_PLACE_LIST) node.inPlace.push(...this.list(schema, path, k));
    for (const k of IN_PLACE_MAP) node.inPlace.push(...this.map(schema, path, k).map(([, n]) => n));
    for (const k of HOLDERS) this.map(schema, path, k);
    if (typeof schema.$ref === 'string') {
      this.refs.push({ node, ref: schema.$ref, path: ptr(path, '$ref') });
    }
  }

  /** Keywords that cost work at this node itself: unsupported refs, big enums, regex tests. */
  private checkOwnKeywords(node: Node, schema: Json, path: string): void {
    for (const k of ['$dynamicRef', '$recursiveRef']) {
      if (schema[k] !== undefined) {
        throw invalid(ptr(path, k), `${k} is not supported here: use $ref`, k);
      }
    }
    if (Array.isArray(schema.enum) && schema.enum.length > COMPLEXITY_LIMITS.enumValues) {
      throw tooComplex(
        'enumValues',
        ptr(path, 'enum'),
        `${schema.enum.length} values`,
        schema.enum.length,
      );
    }
    if (typeof schema.pattern === 'string') {
      this.pattern(schema.pattern, ptr(path, 'pattern'));
      node.valueRegex++;
    }
    if (typeof schema.format === 'string') node.valueRegex++;
  }

  /**
   * Children of an object: a named property gets its schema and every patternProperties
   * schema (its name may match them); other keys get additionalProperties and the patterns.
   */
  private visitPropertySlots(node: Node, schema: Json, path: string): void {
    const properties = this.map(schema, path, 'properties');
    const patternProperties = this.map(schema, path, 'patternProperties');
    for (const [p] of patternProperties) this.pattern(p, ptr(ptr(path, 'patternProperties'), p));
    const additional = this.sub('additionalProperties', schema.additionalProperties, path);
    const unevaluated = this.sub('unevaluatedProperties', schema.unevaluatedProperties, path);
    const shared = [...patternProperties.map(([, n]) => n), ...(unevaluated ? [unevaluated] : [])];
    for (const [, n] of properties) node.slots.push([n, ...shared]);
    node.slots.push([...(additional ? [additional] : []), ...shared]);
    // Ajv tests every key against every pattern, and again for additionalProperties.
    node.keyRegex = patternProperties.length * (additional ? 2 : 1);
    const names = this.sub('propertyNames', schema.propertyNames, path);
    if (names) node.slots.push([names]);
  }

  /** Children of an array: one positional or general schema, plus contains and unevaluatedItems. */
  private visitItemSlots(node: Node, schema: Json, path: string): void {
    const positional = [
      ...this.list(schema, path, 'prefixItems'),
      ...(Array.isArray(schema.items) ? this.list(schema, path, 'items') : []),
    ];
    const general = [
      this.sub('items', Array.isArray(schema.items) ? undefined : schema.items, path),
      this.sub('additionalItems', schema.additionalItems, path),
    ].flatMap((n) => n ?? []);
    const everyItem = [
      this.sub('contains', schema.contains, path),
      this.sub('unevaluatedItems', schema.unevaluatedItems, path),
    ].flatMap((n) => n ?? []);
    for (const n of [...positional, ...general]) node.slots.push([n, ...everyItem]);
    if (everyItem.length > 0) node.slots.push(everyItem);
  }

  private pattern(source: string, path: string) {
    if (source.length > COMPLEXITY_LIMITS.patternLength) {
      throw tooComplex(
        'patternLength',
        path,
        `a pattern of ${source.length} characters`,
        source.length,
      );
    }
    const problem = re2Problem(source);
    if (problem) {
      throw invalid(
        path,
        `the pattern cannot run on the linear-time regex engine (RE2): ${problem}. Backreferences and lookaround are not supported`,
        'pattern',
      );
    }
    this.patterns.add(source);
  }

  private collectAnchors(schema: Json) {
    for (const k of ['$anchor', '$dynamicAnchor']) {
      if (typeof schema[k] === 'string') this.anchors.set(`#${schema[k]}`, schema);
    }
    // draft-07 names a subschema with a fragment-only $id.
    if (typeof schema.$id === 'string' && schema.$id.startsWith('#'))
      this.anchors.set(schema.$id, schema);
  }

  private resolve(ref: string, path: string): Node {
    if (!ref.startsWith('#')) {
      throw invalid(
        path,
        `$ref "${ref}" is not local: refer only to this definition ("#/...")`,
        '$ref',
      );
    }
    let target: unknown = this.root;
    if (ref === '#' || ref.startsWith('#/')) {
      for (const raw of ref.slice(2).split('/')) {
        if (ref === '#') break;
        const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
        target = isObj(target) || Array.isArray(target) ? (target as Json)[key] : undefined;
      }
    } else {
      target = this.anchors.get(ref);
    }
    const node = isSchema(target)
      ? typeof target === 'object'
        ? this.byObject.get(target)
        : this.visit(target, path)
      : undefined;
    if (!node)
      throw invalid(path, `$ref "${ref}" does not name a schema of this definition`, '$ref');
    return node;
  }
}

interface Work {
  /** Schemas applied at the worst node of a document. */
  schemas: number;
  /** Regex scans of the worst string. */
  regex: number;
}

const BIG = 1e12;
const add = (a: number, b: number) => Math.min(BIG, a + b);

/**
 * Measures `definition` and throws SCHEMA_TOO_COMPLEX (naming the limit) or INVALID_SCHEMA (a
 * pattern RE2 cannot run, a `$ref` outside the definition) when it is not bounded.
 */
export function measureSchema(definition: Json): Work {
  const graph = new Graph(definition);
  const root = graph.build();
  const here = inPlaceWork(graph.nodes);
  // Work anywhere below: a fixed point, since schemas may recurse through child nodes.
  const worst = new Map<Node, Work>(graph.nodes.map((n) => [n, { ...here.get(n)! }]));
  for (let pass = 0; raiseWorst(graph.nodes, worst); pass++) {
    // Each pass that changes something raises a value; values are capped by the limits, so a
    // recursion that keeps raising them is one whose work grows with the document's depth.
    if (pass > COMPLEXITY_LIMITS.subschemas) {
      throw tooComplex(
        'schemasPerValue',
        root.path,
        'recursion multiplies the work at every level of the document',
      );
    }
  }
  return worst.get(root)!;
}

/**
 * Work at the node a schema is applied to: itself plus its in-place closure, with multiplicity.
 * The in-place edges must be acyclic: a `$ref` loop that never descends never terminates.
 */
function inPlaceWork(nodes: Node[]): Map<Node, Work> {
  const here = new Map<Node, Work>();
  const onStack = new Set<Node>();
  const local = (node: Node): Work => {
    const known = here.get(node);
    if (known) return known;
    if (onStack.has(node)) {
      throw tooComplex(
        'schemasPerValue',
        node.path,
        'a $ref cycle that never descends into the document',
      );
    }
    onStack.add(node);
    const w = { schemas: 1, regex: node.valueRegex };
    for (const c of node.inPlace) {
      const cw = local(c);
      w.schemas = add(w.schemas, cw.schemas);
      w.regex = add(w.regex, cw.regex);
    }
    onStack.delete(node);
    here.set(node, w);
    return w;
  };
  for (const n of nodes) local(n);
  return here;
}

/**
 * One pass of the fixed point: raises each node's worst work to what its children can cost,
 * checks it against the limits, and says whether anything rose.
 */
function raiseWorst(nodes: Node[], worst: Map<Node, Work>): boolean {
  let changed = false;
  const below = new Map<Node, Work>();
  const childWork = (node: Node): Work => {
    const known = below.get(node);
    if (known) return known;
    const w = { schemas: 0, regex: node.keyRegex };
    for (const slot of node.slots) {
      let s = 0;
      let r = 0;
      for (const c of slot) {
        s = add(s, worst.get(c)!.schemas);
        r = add(r, worst.get(c)!.regex);
      }
      w.schemas = Math.max(w.schemas, s);
      w.regex = Math.max(w.regex, r);
    }
    for (const c of node.inPlace) {
      const cw = childWork(c);
      w.schemas = add(w.schemas, cw.schemas);
      w.regex = add(w.regex, cw.regex);
    }
    below.set(node, w);
    return w;
  };
  for (const node of nodes) {
    const w = worst.get(node)!;
    const c = childWork(node);
    if (c.schemas > w.schemas || c.regex > w.regex) {
      w.schemas = Math.max(w.schemas, c.schemas);
      w.regex = Math.max(w.regex, c.regex);
      changed = true;
    }
    checkWork(node, w);
  }
  return changed;
}

function checkWork(node: Node, w: Work): void {
  if (w.schemas > COMPLEXITY_LIMITS.schemasPerValue) {
    throw tooComplex(
      'schemasPerValue',
      node.path,
      `up to ${w.schemas >= BIG ? 'unboundedly many' : w.schemas} schemas apply to one value`,
      w.schemas,
    );
  }
  if (w.regex > COMPLEXITY_LIMITS.regexPerString) {
    throw tooComplex(
      'regexPerString',
      node.path,
      `one string can go through ${w.regex} regex or format tests`,
      w.regex,
    );
  }
}
