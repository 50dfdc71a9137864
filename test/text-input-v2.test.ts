/**
 * text-input-v2: the chapter title and a `metadata` that refuses keys it does not know, as a new
 * version of `text-input` that the registry's FORWARD rule allows; text-input-v1 and its blobs are
 * untouched.
 */
import { describe, expect, it } from 'vitest';
import { BlobDocument, CreateBlobDocument, MeDocument } from '../client-sdk/index';
import { textExpansion } from '../processors/text-expansion';
import { TEXT_INPUT_V1, TEXT_INPUT_V2 } from '../src/registry/builtin-schemas';
import { breakingChanges } from '../src/registry/compatibility';
import { BuiltinClashError } from '../src/registry/schema-service';
import { registerBuiltins } from '../src/services';
import {
  expectError,
  issuesOf,
  nodes,
  startHarness,
  stopHarness,
  useHarness,
} from './support/harness';

const h = useHarness();

const CREATE = CreateBlobDocument;
const COUNT = MeDocument;
/** A schema and the versions of its name. */
interface SchemaAndVersions {
  v2: {
    name: string;
    version: string;
    active: boolean;
    compatibility: string;
    definition: unknown;
  };
  versions: { edges: { node: { id: string; version: string; active: boolean } }[] };
}
const passage = 'The ship sailed at dawn while the harbour slept.';

describe('text-input-v2', () => {
  it('is version 2.0.0 of text-input, registered at start-up, and the name keeps FORWARD compatibility', async () => {
    const token = await h().token(h().user());
    const r = await h().gql<SchemaAndVersions>(
      `query {
        v2: schema(id: "text-input-v2") { name version active compatibility definition }
        versions: schemas(name: "text-input") { edges { node { id version active } } }
      }`,
      {},
      token,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.v2).toMatchObject({
      name: 'text-input',
      version: '2.0.0',
      active: true,
      compatibility: 'FORWARD',
      definition: TEXT_INPUT_V2,
    });
    expect(nodes(r.data!.versions)).toEqual([
      { id: 'text-input-v1', version: '1.0.0', active: true },
      { id: 'text-input-v2', version: '2.0.0', active: true },
    ]);
  });

  it('refuses a misspelt metadata key with VALIDATION_FAILED naming the key, and stores nothing', async () => {
    const token = await h().token(h().user());
    const before = (await h().gql(COUNT, {}, token)).data!.me.blobCount;
    const r = await h().gql(
      CREATE,
      {
        input: {
          schemaId: 'text-input-v2',
          data: { content: passage, metadata: { chapter: 1, stlye: 'formal' } },
        },
      },
      token,
    );
    expect(r.data).toBeNull();
    const error = expectError(r, 'VALIDATION_FAILED');
    expect(error.message).toContain('/metadata/stlye');
    expect(issuesOf(error)).toEqual([
      {
        path: '/metadata/stlye',
        message: 'is not an allowed key ("stlye"): must NOT have additional properties',
        keyword: 'additionalProperties',
      },
    ]);
    expect((await h().gql(COUNT, {}, token)).data!.me.blobCount).toBe(before);
  });

  it('refuses a chapter title that is not 1-200 characters of text', async () => {
    const token = await h().token(h().user());
    for (const title of [42, '', 'x'.repeat(201)]) {
      const r = await h().gql(
        CREATE,
        { input: { schemaId: 'text-input-v2', data: { content: passage, metadata: { title } } } },
        token,
      );
      const error = expectError(r, 'VALIDATION_FAILED');
      expect(issuesOf(error)[0]?.path, JSON.stringify(title)).toBe('/metadata/title');
    }
  });

  it('stores a passage with a title and every known metadata key', async () => {
    const token = await h().token(h().user());
    const data = {
      content: passage,
      metadata: { title: 'The Harbour', chapter: 1, style: 'formal', book_id: 'b1' },
    };
    const r = await h().gql(CREATE, { input: { schemaId: 'text-input-v2', data } }, token);
    expect(r.errors).toBeUndefined();
    expect(r.data!.createBlob).toMatchObject({ schemaId: 'text-input-v2', data });
  });

  it('leaves text-input-v1 as the design document gives it: extra metadata keys are still stored and read', async () => {
    const token = await h().token(h().user());
    const data = { content: passage, metadata: { chapter: 2, stlye: 'casual', title: 'Old' } };
    const created = await h().gql(CREATE, { input: { schemaId: 'text-input-v1', data } }, token);
    expect(created.errors).toBeUndefined();
    const read = await h().gql(BlobDocument, { id: created.data!.createBlob.id }, token);
    expect(read.data!.blob?.schemaId).toBe('text-input-v1');
    expect(read.data!.blob?.data).toEqual(data);
  });

  it('is FORWARD but not BACKWARD compatible with v1, by the registry’s own check', async () => {
    const { schemas } = h().app.services;
    const v1 = (await schemas.require('text-input-v1')).definition;
    expect(v1).toEqual(TEXT_INPUT_V1);
    expect(breakingChanges(v1, TEXT_INPUT_V2, 'FORWARD')).toEqual([]);
    const backward = breakingChanges(v1, TEXT_INPUT_V2, 'BACKWARD');
    expect(backward.map((c) => c.path)).toContain('/properties/metadata/additionalProperties');
  });

  it('stops a start-up whose built-in version breaks the mode it states, writing nothing', async () => {
    const { schemas } = h().app.services;
    // A v3 that accepts what v2 refuses (content of any length) is not FORWARD compatible.
    const wider = {
      ...TEXT_INPUT_V2,
      $id: 'text-input-v3',
      properties: { ...TEXT_INPUT_V2.properties, content: { type: 'string' } },
    };
    await expect(
      schemas.ensureBuiltin(wider, { ownerProcessorId: 'user-input', compatibility: 'FORWARD' }),
    ).rejects.toThrow(BuiltinClashError);
    await expect(
      schemas.ensureBuiltin(wider, { ownerProcessorId: 'user-input', compatibility: 'FORWARD' }),
    ).rejects.toThrow(/not FORWARD compatible with text-input-v2: \/properties\/content/);
    expect(await schemas.get('text-input-v3')).toBeNull();
  });

  it('is what the user-input and text-expansion processors produce and read', async () => {
    const token = await h().token(h().user());
    const r = await h().gql<{
      userInput: { outputSchemaIds: string[] };
      expansion: { inputSchemaIds: string[]; subscribes: string[] };
    }>(
      `query {
        userInput: processor(id: "user-input") { outputSchemaIds }
        expansion: processor(id: "text-expansion") { inputSchemaIds subscribes }
      }`,
      {},
      token,
    );
    expect(r.data!.userInput.outputSchemaIds).toEqual(['text-input-v1', 'text-input-v2']);
    expect(r.data!.expansion).toEqual({
      inputSchemaIds: ['text-input-v1', 'text-input-v2'],
      // It follows updates: an edited passage is expanded again.
      subscribes: [
        'blob.created.text-input-v1',
        'blob.created.text-input-v2',
        'blob.updated.text-input-v1',
        'blob.updated.text-input-v2',
      ],
    });
  });

  it('arrives on a database from before it: v2 is added, the name turns FORWARD, text-expansion learns v2, v1 blobs stay', async () => {
    // A database of its own: the other tests' v2 blobs would hold the v2 row in place.
    const fresh = await startHarness();
    try {
      const token = await fresh.token(fresh.user());
      const old = await fresh.gql(
        CREATE,
        { input: { schemaId: 'text-input-v1', data: { content: passage, metadata: { typo: 1 } } } },
        token,
      );
      // The database as the previous release left it.
      const { db } = fresh.testDb.database;
      await db.deleteFrom('schemas').where('id', '=', 'text-input-v2').execute();
      await db
        .updateTable('schema_names')
        .set({ compatibility: 'BACKWARD' })
        .where('name', '=', 'text-input')
        .execute();
      await db
        .updateTable('processors')
        .set({ subscribes: ['blob.created.text-input-v1'], input_schema_ids: ['text-input-v1'] })
        .where('id', '=', 'text-expansion')
        .execute();

      const { services } = fresh.app;
      await registerBuiltins(services);
      await services.processors.register(null, textExpansion(undefined, []).definition, true);

      const v2 = await services.schemas.get('text-input-v2');
      expect(v2).toMatchObject({ name: 'text-input', version: '2.0.0', active: true });
      expect(await services.schemas.modeOf('text-input')).toBe('FORWARD');
      expect(await services.processors.get('text-expansion')).toMatchObject({
        inputSchemaIds: ['text-input-v1', 'text-input-v2'],
        subscribes: ['blob.created.text-input-v1', 'blob.created.text-input-v2'],
      });
      const read = await fresh.gql(BlobDocument, { id: old.data!.createBlob.id }, token);
      expect(read.data!.blob?.data).toEqual({ content: passage, metadata: { typo: 1 } });
    } finally {
      await stopHarness(fresh);
    }
  }, 60_000);
});
