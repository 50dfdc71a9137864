/** Writing an event to the outbox, alone or inside a caller's transaction. */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/types';
import type { StudioEvent } from './event';

export const outboxRow = (event: StudioEvent) => ({
  event_id: event.id,
  user_id: event.userId,
  type: event.type,
  event: JSON.stringify(event),
});

/** Queues an event for the relay; commits with the caller's transaction when given one. */
export async function enqueue(db: Kysely<DB> | Transaction<DB>, event: StudioEvent): Promise<void> {
  await db.insertInto('outbox').values(outboxRow(event)).execute();
}
