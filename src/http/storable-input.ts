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
import type { CostMeter } from './cost-meter';

/**
 * The unstorable string literals of an operation's text, once per document: Yoga's parse cache
 * hands the same document to every request sending the same text, so the walk is not repeated.
 */
const documentIssues = new WeakMap<DocumentNode, readonly ValidationIssue[]>();

function literalIssues(document: DocumentNode): readonly ValidationIssue[] {
  let issues = documentIssues.get(document);
  if (issues) return issues;
  const found: ValidationIssue[] = [];
  visit(document, {
    [Kind.STRING]: (node) => {
      const why = unstorableString(node.value);
      if (why && found.length < 20) {
        found.push({
          path: `/query (line ${node.loc?.startToken.line ?? '?'})`,
          message: why,
          keyword: 'storable',
        });
      }
    },
  });
  issues = found;
  documentIssues.set(document, issues);
  return issues;
}

function issuesOf(
  document: DocumentNode,
  variables: unknown,
  meter: CostMeter | undefined,
): ValidationIssue[] {
  const issues = nonRoundTripIssues(variables ?? {}, { strings: true, meter })
    .filter((i) => i.keyword === 'storable')
    .map((i) => ({ ...i, path: `/variables${i.path === '/' ? '' : i.path}` }));
  for (const issue of literalIssues(document)) if (issues.length < 20) issues.push(issue);
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
      const { meter } = args.contextValue as { meter?: CostMeter };
      const issues = issuesOf(args.document, args.variableValues, meter);
      if (issues.length > 0) setResultAndStopExecution(refusal(issues));
    },
  };
}
