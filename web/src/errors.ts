/** The server's typed errors, as the Studio shows them. */
import type { CombinedError } from 'urql';

export interface Issue {
  path: string;
  message: string;
}

export function codeOf(error: CombinedError | undefined): string | undefined {
  const code = error?.graphQLErrors[0]?.extensions?.code;
  if (typeof code === 'string') return code;
  return error?.networkError ? 'NETWORK_ERROR' : undefined;
}

/** `VALIDATION_FAILED`'s issues, each with its JSON Pointer. */
export function issuesOf(error: CombinedError | undefined): Issue[] {
  const issues = error?.graphQLErrors[0]?.extensions?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (i): i is Issue => typeof i?.path === 'string' && typeof i?.message === 'string',
  );
}

/** A sentence for a person: the server's message without urql's "[GraphQL]" prefix. */
export function messageOf(error: CombinedError): string {
  const first = error.graphQLErrors[0];
  if (first?.extensions?.code === 'UNAUTHENTICATED') return 'you are signed out.';
  if (first) return first.message;
  return 'The Studio API could not be reached. Check your connection; your text is kept.';
}
