/**
 * The typed test kit itself: a document's variables are checked when the tests are type-checked
 * (`npm run typecheck` covers test/), answers are typed by the operation, and the helpers fail a
 * test when the answer is not what they assert.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  BlobDocument,
  BlobsDocument,
  type BlobsQuery,
  CreateBlobDocument,
  MeDocument,
  type MeQuery,
} from '../client-sdk/index';
import {
  expectData,
  expectError,
  type GraphQLResponse,
  type Harness,
  issuesOf,
  nodes,
  useHarness,
} from './support/harness';

const h = useHarness();

describe('gql with a document of the SDK', () => {
  it('refuses variables that do not fit the operation when the tests are type-checked', () => {
    // Never called: the @ts-expect-error lines fail `npm run typecheck` if the calls compile.
    const wrongCalls = (k: Harness) => [
      // @ts-expect-error `id` is required by Blob.
      k.gql(BlobDocument, {}),
      // @ts-expect-error `id` is an ID (a string).
      k.gql(BlobDocument, { id: 1 }),
      // @ts-expect-error CreateBlob has no variable `data`; its input is `input`.
      k.gql(CreateBlobDocument, { data: {} }),
    ];
    expectTypeOf(wrongCalls).toBeFunction();
  });

  it('answers typed by the operation, and takes no variables where none are needed', async () => {
    const { userId, token } = await h().signIn('kit');
    const r = await h().gql(MeDocument, {}, token);
    expectTypeOf(r).toEqualTypeOf<GraphQLResponse<MeQuery>>();
    expect(expectData(r).me.userId).toBe(userId);
    expect(expectData(await h().gql(MeDocument, undefined, token)).me.blobCount).toBe(0);
  });

  it('types the nodes of a connection', async () => {
    const { token } = await h().signIn('kit');
    const input = { schemaId: 'text-input-v1', data: { content: 'A passage for the kit.' } };
    const created = expectData(await h().gql(CreateBlobDocument, { input }, token)).createBlob;
    const listed = nodes(expectData(await h().gql(BlobsDocument, {}, token)).blobs);
    expectTypeOf(listed).toEqualTypeOf<BlobsQuery['blobs']['edges'][number]['node'][]>();
    expect(listed.map((b) => b.id)).toEqual([created.id]);
  });
});

describe('expectData and expectError', () => {
  it('expectData fails the test on an answer with errors', async () => {
    const r = await h().gql(MeDocument, {}, null);
    expect(() => expectData(r)).toThrow(/UNAUTHENTICATED/);
  });

  it('expectError returns the first error when its code matches, and fails the test when not', async () => {
    const { token } = await h().signIn('kit');
    const input = { schemaId: 'text-input-v1', data: { content: 'short' } };
    const r = await h().gql(CreateBlobDocument, { input }, token);
    const error = expectError(r, 'VALIDATION_FAILED');
    expect(issuesOf(error).map((i) => i.path)).toEqual(['/content']);
    expect(() => expectError(r, 'NOT_FOUND')).toThrow(/VALIDATION_FAILED/);
    const fine = await h().gql(MeDocument, {}, token);
    expect(() => expectError(fine, 'NOT_FOUND')).toThrow();
  });
});
