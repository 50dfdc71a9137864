/**
 * Operator commands of `reyna`, each group in its own file. They talk to a running API (see
 * api-client.ts), never to the database directly.
 *
 *   reyna dead-letters list|replay|discard   dead letters (dead-letters.ts)
 *   reyna runs retry-failed                  bulk retry of FAILED runs (dead-letters.ts)
 *   reyna reprocess                          re-derive with a new processor version (reprocess.ts)
 */
import { deadLetterCommands } from './dead-letters';
import { reprocess } from './reprocess';

export type Command = (...args: string[]) => Promise<void>;

export const operatorCommands: Record<string, Command> = { reprocess, ...deadLetterCommands };
