/**
 * Refuses, before a mutation runs, GraphQL input that the database cannot store: a string holding
 * U+0000 or a lone surrogate anywhere (a book title, a blob's text, a key), in variables or in the
 * operation text. PostgreSQL would reject it mid-write with an error clients could only see as
 * INTERNAL_SERVER_ERROR; here it is VALIDATION_FAILED with the place it sits.
 */
import { type DocumentNode, GraphQLError, getOperationAST, Kind, visit } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ErrorCode, type ValidationIssue } from '../errors';
import { nonRoundTripIssues, unstorableString } from '../json-values';

function issuesOf(document: DocumentNode, variables: unknown): ValidationIssue[] {
  const issues = nonRoundTripIssues(variables ?? {}, { strings: true })
    .filter((i) => i.keyword === 'storable')
    .map((i) => ({ ...i, path: `/variables${i.path === '/' ? '' : i.path}` }));
  visit(document, {
    [Kind.STRING]: (node) => {
      const why = unstorableString(node.value);
      if (why && issues.length < 20) {
        issues.push({
          path: `/query (line ${node.loc?.startToken.line ?? '?'})`,
          message: why,
          keyword: 'storable',
        });
      }
    },
  });
  return issues;
}

const refusal = (issues: ValidationIssue[]) => ({
  errors: [
    new GraphQLError(`Input cannot be stored: ${issues[0]!.path} ${issues[0]!.message}`, {
      extensions: { code: ErrorCode.VALIDATION_FAILED, issues },
    }),
  ],
});

/** Mutations only: queries and subscriptions store nothing (a `validate` may hold any string). */
export function useStorableInput(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation') return;
      const issues = issuesOf(args.document, args.variableValues);
      if (issues.length > 0) setResultAndStopExecution(refusal(issues));
    },
  };
}
