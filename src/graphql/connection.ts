/**
 * Relay connections from the pages services return: forward pagination only, as `blobs` does
 * (`last` and `before` are not in the schema: see forward-only.ts).
 */
import type { Page } from '../paging';

interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
}

/** The page a connection's arguments ask for: `first` and `after`. */
export function forwardOnly(args: ConnectionArgs): { first: number | null; after: string | null } {
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
