/** The one Pothos builder: plugins, context and scalars. Types live one per file in ./types. */
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import { DateTimeResolver, JSONResolver, SafeIntResolver } from 'graphql-scalars';
import type { Context } from './context';

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
  plugins: [RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

builder.addScalarType('JSON', JSONResolver);
builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('SafeInt', SafeIntResolver);

builder.queryType({ description: 'Everything a signed-in user can read.' });
builder.mutationType({ description: 'Everything a signed-in user can change.' });
builder.subscriptionType({ description: 'What happens to your blobs, as it happens.' });
