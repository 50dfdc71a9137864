/** The one Pothos builder: plugins, context and scalars. Types live one per file in ./types. */
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import { GraphQLError } from 'graphql';
import { DateTimeResolver, JSONResolver, SafeIntResolver } from 'graphql-scalars';
import { ErrorCode } from '../errors';
import { assertRoundTrips, nonRoundTripIssues } from '../json-values';
import type { Context } from './context';
import './forward-only';

export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: {
    JSON: { Input: unknown; Output: unknown };
    DateTime: { Input: Date; Output: Date };
    /** Integers up to 2^53 - 1: byte counts outgrow GraphQL's 32-bit Int. */
    SafeInt: { Input: number; Output: number };
  };
  DefaultFieldNullability: false;
}>({
  plugins: [RelayPlugin, 'forwardOnly'],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

/**
 * JSON, refusing what cannot round-trip through the database (see json-values.ts). In a variable
 * the refusal is an AppError (masked into VALIDATION_FAILED); in a literal it must be a
 * GraphQLError to keep its code through query validation.
 */
builder.addScalarType('JSON', JSONResolver, {
  parseValue: (value) => {
    const parsed = JSONResolver.parseValue(value);
    assertRoundTrips(parsed);
    return parsed;
  },
  parseLiteral: (ast, variables) => {
    const parsed = JSONResolver.parseLiteral(ast, variables);
    const issues = nonRoundTripIssues(parsed);
    if (issues.length > 0) {
      throw new GraphQLError(
        `A JSON value holds a number that cannot be stored as given: ${issues[0]!.path}`,
        {
          extensions: { code: ErrorCode.VALIDATION_FAILED, issues },
        },
      );
    }
    return parsed;
  },
});
builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('SafeInt', SafeIntResolver);

builder.queryType({ description: 'Everything a signed-in user can read.' });
builder.mutationType({ description: 'Everything a signed-in user can change.' });
builder.subscriptionType({ description: 'What happens to your blobs, as it happens.' });
