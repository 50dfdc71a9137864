/** A studio event as the outbox would carry it, for tests of the backbones and the router. */
import { randomUUID } from 'node:crypto';
import type { StudioEvent } from '../../src/events/event';

/** A `blob.created.text-input-v1` event of `userId` (or of `type`), fields overridable. */
export function sampleEvent(
  userId: string,
  type = 'blob.created.text-input-v1',
  fields: Partial<StudioEvent> = {},
): StudioEvent {
  return {
    id: randomUUID(),
    type,
    userId,
    blobId: randomUUID(),
    parentId: null,
    processorId: 'user-input',
    schemaId: 'text-input-v1',
    bookId: null,
    time: new Date().toISOString(),
    ...fields,
  };
}
