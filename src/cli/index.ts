/**
 * Operator commands of `reyna`, each group in its own file. They talk to a running API (see
 * api-client.ts), never to the database directly.
 */
import { reprocess } from './reprocess';

export type Command = (...args: string[]) => Promise<void>;

export const operatorCommands: Record<string, Command> = { reprocess };
