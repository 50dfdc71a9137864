/** Imports every type file and builds the schema. Printed, sorted, to schema.graphql. */
import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder';
import './types/schema';
import './types/processor';
import './types/blob';
import './types/book';
import './types/conversation';
import './types/me';
import './types/subscriptions';
import './types/run';
import './types/processor-health';
import './types/processor-chain';
import './types/reprocessing';

export const schema = builder.toSchema({ sortSchema: true });

/** The SDL as committed in schema.graphql. */
export const printSortedSchema = (): string => `${printSchema(lexicographicSortSchema(schema))}\n`;
