import { sql } from 'kysely';

/**
 * Makes the transaction of the statement it is evaluated in commit without waiting for the
 * database's log to reach the disk (`synchronous_commit` off, for that transaction alone: the
 * third argument of `set_config`). PostgreSQL decides at commit, from the setting then in
 * effect, and a synchronous commit after it (a derived blob's) flushes it too. A crash of the
 * database can forget such a commit made in its last fraction of a second, and nothing else.
 * Only for writes that are made again when forgotten:
 * - a run's start (its event is not yet acknowledged, so it is delivered again and starts the
 *   run again; what the run derives is keyed by the run's key, not its id);
 * - the text a run has streamed so far;
 * - outbox rows marked published (forgotten, they are published again, and the backbone keeps
 *   an event id once, as after a relay that died between publishing and marking).
 * Saves waits for the disk, on the path from a new blob to its LLM request and beside it.
 */
export const DISK_WAIT_OFF = sql<string>`set_config('synchronous_commit', 'off', true)`;
