/**
 * The query cost limit, with a refusal that says what to change. The cost is graphql-armor's
 * (so the limit means what it always meant): a scalar costs 1, an object 2 plus 1.5 times its
 * children, and a field given a literal `first` multiplies its whole cost by it. Over the limit,
 * the error names each list field whose `first` could be lowered and the largest value at which
 * the query, with only that change, would fit; it carries the same as
 * `extensions.cost`, `extensions.limit` and `extensions.suggestions`.
 */
import {
  type ASTNode,
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode } from '../errors';

const SCALAR_COST = 1;
const OBJECT_COST = 2;
const DEPTH_FACTOR = 1.5;

/** A list field whose `first` could be lowered, and the largest `first` that would fit. */
export interface CostSuggestion {
  /** Response path of the field, e.g. `me.books` or `a` (an alias). */
  path: string;
  first: number;
  fits: number;
}

/** The literal page size a field asks for (armor reads `first`, then `last`). */
function pageSize(node: FieldNode): number | null {
  const arg = node.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
  return arg?.value.kind === Kind.INT ? Number.parseInt(arg.value.value, 10) : null;
}

/**
 * The cost of an operation, optionally with one field's page size replaced (`override`), and the
 * fields with a literal page size it met (with their response paths).
 */
function cost(
  operation: OperationDefinitionNode,
  fragment: (name: string) => FragmentDefinitionNode | undefined,
  override?: { node: FieldNode; size: number },
) {
  const fragments = new Map<string, number>();
  const paged = new Map<FieldNode, string>();
  const walk = (node: ASTNode, path: string): number => {
    if (node.kind === Kind.FIELD && node.name.value === '__schema') return 0;
    if (node.kind === Kind.FIELD || node.kind === Kind.INLINE_FRAGMENT) {
      const here =
        node.kind === Kind.FIELD
          ? `${path}${path ? '.' : ''}${(node.alias ?? node.name).value}`
          : path;
      if (!node.selectionSet) return SCALAR_COST;
      let total = OBJECT_COST;
      for (const child of node.selectionSet.selections) total += DEPTH_FACTOR * walk(child, here);
      if (node.kind !== Kind.FIELD) return total;
      const size = pageSize(node);
      if (size !== null && !paged.has(node)) paged.set(node, here);
      const multiplier = override?.node === node ? override.size : Math.max(size ?? 1, 1);
      return total * multiplier;
    }
    if (node.kind === Kind.FRAGMENT_SPREAD) {
      const name = node.name.value;
      const seen = fragments.get(name);
      if (seen !== undefined) return SCALAR_COST + DEPTH_FACTOR * Math.max(seen, 0);
      fragments.set(name, -1);
      const definition = fragment(name);
      if (!definition) return SCALAR_COST;
      let inner = 0;
      for (const child of definition.selectionSet.selections)
        inner += DEPTH_FACTOR * walk(child, path);
      // armor counts a fragment as an object: its own cost plus its selections.
      const fragmentCost = OBJECT_COST + inner;
      fragments.set(name, fragmentCost);
      return SCALAR_COST + DEPTH_FACTOR * fragmentCost;
    }
    return SCALAR_COST;
  };
  let total = 0;
  for (const selection of operation.selectionSet.selections) total += walk(selection, '');
  return { total, paged };
}

/** The cost of `operation` and, when over `limit`, what would make it fit. */
export function analyseCost(
  operation: OperationDefinitionNode,
  fragment: (name: string) => FragmentDefinitionNode | undefined,
  limit: number,
): { cost: number; suggestions: CostSuggestion[] } {
  const { total, paged } = cost(operation, fragment);
  if (total <= limit) return { cost: total, suggestions: [] };
  const suggestions: CostSuggestion[] = [];
  for (const [node, path] of paged) {
    const first = pageSize(node)!;
    // The cost is linear in one field's page size: cost(k) = base + k * perItem.
    const base = cost(operation, fragment, { node, size: 0 }).total;
    const perItem = cost(operation, fragment, { node, size: 1 }).total - base;
    if (perItem <= 0) continue;
    const fits = Math.floor((limit - base) / perItem);
    if (fits >= 1 && fits < first) suggestions.push({ path, first, fits });
  }
  suggestions.sort((a, b) => b.fits / b.first - a.fits / a.first);
  return { cost: total, suggestions };
}

function costMessage(cost: number, limit: number, suggestions: CostSuggestion[]): string {
  const head = `This query costs ${Math.round(cost)}, over the limit of ${limit} (each field counts, and \`first\` multiplies the cost of a list).`;
  if (suggestions.length === 0)
    return `${head} Select fewer fields or nested lists, or split it into several queries.`;
  const fixes = suggestions
    .slice(0, 5)
    .map((s) => `\`${s.path}\` from first: ${s.first} to first: ${s.fits} or less`)
    .join('; or ');
  return `${head} It fits if you lower ${fixes} (and page on with \`after\`), or select fewer fields.`;
}

/** The validation rule: one error per operation over `limit`. */
export const costLimitRule =
  (limit: number): ValidationRule =>
  (context: ValidationContext) => ({
    OperationDefinition(operation) {
      const { cost, suggestions } = analyseCost(
        operation,
        (name) => context.getFragment(name) ?? undefined,
        limit,
      );
      if (cost <= limit) return;
      context.reportError(
        new GraphQLError(costMessage(cost, limit, suggestions), {
          nodes: [operation],
          extensions: {
            code: ErrorCode.QUERY_TOO_COMPLEX,
            cost: Math.round(cost),
            limit,
            suggestions,
          },
        }),
      );
    },
  });

/** Adds the cost rule to every validation (HTTP, SSE and WebSocket alike). */
export function useCostLimit(limit: number): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(costLimitRule(limit));
    },
  };
}
