/** Which fields a query selects under the current field, so a resolver can fetch them at once. */
import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

function collect(
  set: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  into: Set<string>,
): void {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) into.add(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, info, into);
    else collect(info.fragments[selection.name.value]?.selectionSet, info, into);
  }
}

/** The names of the fields selected directly under the field being resolved. */
export function selectedFields(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  for (const node of info.fieldNodes) collect(node.selectionSet, info, names);
  return names;
}

/**
 * The names of the fields selected at `path` below the field being resolved (e.g. `edges`,
 * `node` under a connection), through fragments; empty when the path is not selected.
 */
export function selectedAt(info: GraphQLResolveInfo, path: readonly string[]): Set<string> {
  let sets = info.fieldNodes.map((node) => node.selectionSet);
  for (const name of path) {
    const next: (SelectionSetNode | undefined)[] = [];
    const visit = (set: SelectionSetNode | undefined) => {
      for (const selection of set?.selections ?? []) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value === name) next.push(selection.selectionSet);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
        else visit(info.fragments[selection.name.value]?.selectionSet);
      }
    };
    for (const set of sets) visit(set);
    sets = next;
  }
  const names = new Set<string>();
  for (const set of sets) collect(set, info, names);
  return names;
}
