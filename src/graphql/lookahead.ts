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
