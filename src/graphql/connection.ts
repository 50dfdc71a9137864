/** Relay connections from the pages services return: forward pagination only, as `blobs` does. */
import { badInput } from '../errors';
import type { Page } from '../paging';

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** Refuses `last` and `before`: every list pages forward with `first` and `after`. */
export function forwardOnly(args: ConnectionArgs): { first: number | null; after: string | null } {
  if (args.last != null || args.before != null)
    throw badInput('last', 'Only forward pagination (first, after) is supported');
  return { first: args.first ?? null, after: args.after ?? null };
}

export function toConnection<T>(page: Page<T>, args: ConnectionArgs) {
  return {
    edges: page.edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: args.after != null,
      startCursor: page.edges[0]?.cursor ?? null,
      endCursor: page.edges.at(-1)?.cursor ?? null,
    },
  };
}
