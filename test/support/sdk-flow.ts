/**
 * What a client of the SDK does first, as one check: a query, a mutation, and a subscription that
 * receives the blob derived from the one it wrote. Shared by the SDK tests in both modes (text
 * and persisted hashes).
 */
import { expect } from 'vitest';
import {
  BlobDerivedDocument,
  type BlobDerivedSubscription,
  CreateBlobDocument,
  MeDocument,
  type StudioClient,
} from '../../client-sdk/index';
import { eventually, subOf, subscribedOn } from './realtime';

export const text = (content: string) => ({ schemaId: 'text-input-v1', data: { content } });
export const child = (parentId: string) => ({
  schemaId: 'expanded-text-v1',
  parentId,
  data: { original: 'a', expanded: 'bb', expansion_ratio: 2 },
});

export async function sdkFlow(
  sdk: StudioClient,
  token: string,
  events: { subscriptionCount(userId?: string): number },
): Promise<void> {
  const { me } = await sdk.query(MeDocument);
  expect(me.userId).toBe(subOf(token));
  const { createBlob: parent } = await sdk.mutate(CreateBlobDocument, {
    input: text('The ship sailed at dawn.'),
  });
  expect(parent).toMatchObject({ schemaId: 'text-input-v1', version: 1 });

  const got: BlobDerivedSubscription[] = [];
  const stop = sdk.subscribe(
    BlobDerivedDocument,
    { parentId: parent.id },
    { next: (d) => got.push(d) },
  );
  try {
    await subscribedOn(events, token, 1);
    const { createBlob: derived } = await sdk.mutate(CreateBlobDocument, {
      input: child(parent.id),
    });
    await eventually(() => got.length >= 1);
    expect(got[0]!.blobDerived).toMatchObject({
      reset: false,
      parentId: parent.id,
      derivedId: derived.id,
      blob: { id: derived.id, schemaId: 'expanded-text-v1' },
    });
  } finally {
    stop();
  }
}
