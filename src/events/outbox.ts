/**
 * Writing an event to the outbox, alone or inside a caller's transaction. Every event is checked
 * against the event catalog first: one of an unknown kind, or with details its kind does not
 * accept, is a bug in the code that built it, and fails the write instead of reaching consumers.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/types';
import type { EventCatalog } from './catalog';
import type { StudioEvent } from './event';

/** The outbox row of an event the catalog accepts; throws UncatalogedEventError otherwise. */
export function outboxRow(catalog: EventCatalog, event: StudioEvent) {
  catalog.check(event);
  return {
    event_id: event.id,
    user_id: event.userId,
    type: event.type,
    event: JSON.stringify(event),
  };
}

/** Queues an event for the relay; commits with the caller's transaction when given one. */
export async function enqueue(
  db: Kysely<DB> | Transaction<DB>,
  catalog: EventCatalog,
  event: StudioEvent,
): Promise<void> {
  await db.insertInto('outbox').values(outboxRow(catalog, event)).execute();
}
