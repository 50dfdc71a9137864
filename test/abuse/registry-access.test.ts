/**
 * Who may change the registry, on a real listening server: writes need a role in the token,
 * names and ids belong to their owner, built-in names and the reserved namespace are for releases
 * only, and a start-up never adopts a row a user wrote under a built-in id. Every refusal is a
 * typed error that changes nothing, while another user's request goes through.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../db/migrate';
import { loadConfig } from '../../src/config';
import { createCore } from '../../src/core';
import { openTestDatabase } from '../support/database';
import {
  type GraphQLErrorBody,
  type RestError,
  testEnv,
  uniqueId,
  useHarness,
} from '../support/harness';

const h = useHarness();
let url = '';
beforeAll(async () => {
  url = `${await h().app.listen()}/graphql`;
});

type Roles = 'none' | 'registry-author' | 'registry-admin';
const tokenOf = (sub: string, role: Roles) =>
  h().token(sub, role === 'none' ? {} : { roles: [role] });

/** GraphQL over the listening server; the answer's data is typed `T` when the test names it. */
async function gql<T = unknown>(
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T | null; errors?: GraphQLErrorBody[] };
}

const REGISTER =
  'mutation($input: RegisterSchemaInput!) { registerSchema(input: $input) { id name version } }';
interface Registered {
  registerSchema: { id: string; name: string; version: string };
}
const REGISTER_PROCESSOR =
  'mutation($input: RegisterProcessorInput!) { registerProcessor(input: $input) { id version name } }';
interface RegisteredProcessor {
  registerProcessor: { id: string; version: string; name: string };
}
const SET_ACTIVE =
  'mutation($id: ID!, $active: Boolean!) { setSchemaActive(id: $id, active: $active) { id active } }';
const SET_MODE =
  'mutation($name: String!, $mode: CompatibilityMode!) { setSchemaCompatibility(name: $name, mode: $mode) }';
const SCHEMA = 'query($id: ID!) { schema(id: $id) { id active compatibility } }';
interface SchemaAnswer {
  schema: { id: string; active: boolean; compatibility: string } | null;
}

const definition = (id: string, extra: Record<string, unknown> = {}) => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: id,
  type: 'object',
  properties: { title: { type: 'string' }, ...extra },
});

const processorInput = (id: string, version = '1.0.0') => ({
  id,
  name: `Processor ${id}`,
  version,
  subscribes: ['blob.created.text-input-v1'],
  maxConcurrency: 1,
});

/** A bystander's ordinary write, run alongside each refusal: it must go through. */
async function bystanderWrites(): Promise<void> {
  const token = await tokenOf(h().user('bystander'), 'none');
  const r = await gql<{ createBlob: { id: string } }>(
    token,
    'mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "An ordinary passage of text." } }) { id } }',
  );
  expect(r.errors).toBeUndefined();
  expect(r.data!.createBlob.id).toBeTruthy();
}

const codeOf = (r: { errors?: GraphQLErrorBody[] }) => r.errors?.[0]?.extensions.code;

describe('registry writes need a role', () => {
  it('refuses every registry write without a role (FORBIDDEN naming the role) and writes nothing', async () => {
    const token = await tokenOf(h().user('plain'), 'none');
    const id = uniqueId('plain-notes');
    const attempts = await Promise.all([
      gql(token, REGISTER, { input: { definition: definition(`${id}-v1`) } }),
      gql(token, REGISTER_PROCESSOR, { input: processorInput(id) }),
      gql(token, SET_ACTIVE, { id: 'text-input-v1', active: false }),
      gql(token, SET_MODE, { name: 'text-input', mode: 'NONE' }),
      bystanderWrites(),
    ]);
    for (const r of attempts.slice(0, 4) as Awaited<ReturnType<typeof gql>>[]) {
      expect(codeOf(r)).toBe('FORBIDDEN');
      expect(r.errors![0]!.extensions.requiredRole).toBe('registry-author');
      expect(r.errors![0]!.message).toMatch(/registry-author/);
    }
    const after = await gql(
      token,
      `{ s: schema(id: "${id}-v1") { id } p: processor(id: "${id}") { id } t: schema(id: "text-input-v1") { active compatibility } }`,
    );
    expect(after.data).toEqual({
      s: null,
      p: null,
      t: { active: true, compatibility: 'FORWARD' },
    });
  });

  it('refuses REST POST /schemas without a role, and writes nothing', async () => {
    const token = await tokenOf(h().user('plain-rest'), 'none');
    const id = uniqueId('plain-rest-v1');
    const res = await fetch(url.replace(/\/graphql$/, '/schemas'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(definition(id)),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as RestError).error.code).toBe('FORBIDDEN');
    expect((await gql<SchemaAnswer>(token, SCHEMA, { id })).data!.schema).toBeNull();
  });

  it('keeps reading, validating and the dry run open to every signed-in user', async () => {
    const token = await tokenOf(h().user('reader'), 'none');
    const r = await gql(
      token,
      `query($input: RegisterSchemaInput!) {
        schema(id: "text-input-v1") { id }
        validate(schemaId: "text-input-v1", data: { content: "short" }) { valid }
        checkSchemaCompatibility(input: $input) { compatible }
      }`,
      { input: { definition: definition(`${uniqueId('dry')}-v1`) } },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data).toMatchObject({
      schema: { id: 'text-input-v1' },
      validate: { valid: false },
      checkSchemaCompatibility: { compatible: true },
    });
  });
});

describe('names and ids have owners', () => {
  let alice = '';
  let bob = '';
  let admin = '';
  let name = '';
  let processorId = '';
  beforeAll(async () => {
    alice = await tokenOf(h().user('alice'), 'registry-author');
    bob = await tokenOf(h().user('bob'), 'registry-author');
    admin = await tokenOf(h().user('admin'), 'registry-admin');
    name = uniqueId('alices-notes');
    processorId = uniqueId('alices-proc');
    expect(
      codeOf(await gql(alice, REGISTER, { input: { definition: definition(`${name}-v1`) } })),
    ).toBeUndefined();
    expect(
      codeOf(await gql(alice, REGISTER_PROCESSOR, { input: processorInput(processorId) })),
    ).toBeUndefined();
  });

  it("refuses another author's new version, activation switch, mode change and processor claim", async () => {
    const [v2, off, mode, owned, takeover] = await Promise.all([
      gql(bob, REGISTER, { input: { definition: definition(`${name}-v2`) } }),
      gql(bob, SET_ACTIVE, { id: `${name}-v1`, active: false }),
      gql(bob, SET_MODE, { name, mode: 'NONE' }),
      gql(bob, REGISTER, {
        input: { definition: definition(`${uniqueId('bobs')}-v1`), ownerProcessorId: processorId },
      }),
      gql(bob, REGISTER_PROCESSOR, {
        input: { ...processorInput(processorId, '2.0.0'), name: 'Bob was here' },
      }),
      bystanderWrites(),
    ]);
    for (const r of [v2, off, mode, owned]) {
      expect(codeOf(r), JSON.stringify(r.errors)).toBe('FORBIDDEN');
      expect(r.errors![0]!.message).toMatch(/owner|belongs to another user/);
    }
    expect(codeOf(takeover)).toBe('PROCESSOR_CONFLICT');
    const after = await gql(
      alice,
      `{ v2: schema(id: "${name}-v2") { id } v1: schema(id: "${name}-v1") { active compatibility } p: processor(id: "${processorId}") { name version } }`,
    );
    expect(after.data).toEqual({
      v2: null,
      v1: { active: true, compatibility: 'BACKWARD' },
      p: { name: `Processor ${processorId}`, version: '1.0.0' },
    });
  });

  it('lets the owner and an admin publish and change; the name stays its owner’s', async () => {
    expect(codeOf(await gql(alice, SET_MODE, { name, mode: 'FULL' }))).toBeUndefined();
    expect(
      codeOf(await gql(admin, REGISTER, { input: { definition: definition(`${name}-v2`) } })),
    ).toBeUndefined();
    expect(
      codeOf(await gql(admin, SET_ACTIVE, { id: `${name}-v2`, active: false })),
    ).toBeUndefined();
    // The admin's version did not take the name: Alice still publishes, Bob still cannot.
    expect(
      codeOf(await gql(alice, REGISTER, { input: { definition: definition(`${name}-v3`) } })),
    ).toBeUndefined();
    expect(
      codeOf(await gql(bob, REGISTER, { input: { definition: definition(`${name}-v4`) } })),
    ).toBe('FORBIDDEN');
    const updated = await gql<RegisteredProcessor>(admin, REGISTER_PROCESSOR, {
      input: processorInput(processorId, '1.1.0'),
    });
    expect(updated.data!.registerProcessor.version).toBe('1.1.0');
    // ...and the processor stays Alice's to update.
    expect(
      codeOf(await gql(alice, REGISTER_PROCESSOR, { input: processorInput(processorId, '1.2.0') })),
    ).toBeUndefined();
  });

  it('gives a new name to exactly one of two authors racing for it', async () => {
    const contested = uniqueId('contested');
    const results = await Promise.all(
      [alice, bob, alice, bob].map((token, i) =>
        gql<Registered>(token, REGISTER, {
          input: {
            definition: definition(`${contested}-v${i + 1}`),
            name: contested,
            version: `${i + 1}.0.0`,
          },
        }),
      ),
    );
    const winners = results.filter((r) => !r.errors).map((r) => r.data!.registerSchema.id);
    const winnerToken = winners.some((id) => id.endsWith('-v1') || id.endsWith('-v3'))
      ? 'alice'
      : 'bob';
    // Every success is by the same user; the others were refused as not the owner (or a version clash).
    for (const r of results.filter((r) => r.errors)) {
      expect(['FORBIDDEN', 'SCHEMA_CONFLICT']).toContain(codeOf(r));
    }
    const byAlice = winners.filter((id) => /-v[13]$/.test(id));
    const byBob = winners.filter((id) => /-v[24]$/.test(id));
    expect(winners.length).toBeGreaterThan(0);
    expect(winnerToken === 'alice' ? byBob : byAlice).toEqual([]);
  });
});

describe('reserved names and ids', () => {
  it('refuses built-in and reyna- names and ids to everyone, admins included, and writes nothing', async () => {
    const admin = await tokenOf(h().user('admin'), 'registry-admin');
    const attempts = await Promise.all([
      gql(admin, REGISTER, { input: { definition: definition('pitch-document-v9') } }),
      gql(admin, REGISTER, {
        input: { definition: definition(`${uniqueId('mine')}-v1`), name: 'text-input' },
      }),
      gql(admin, REGISTER, { input: { definition: definition('reyna-summary-v1') } }),
      gql(admin, REGISTER_PROCESSOR, { input: processorInput('text-expansion', '9.0.0') }),
      gql(admin, REGISTER_PROCESSOR, { input: processorInput('reyna-translator') }),
      gql(admin, SET_ACTIVE, { id: 'expanded-text-v1', active: false }),
      bystanderWrites(),
    ]);
    for (const r of attempts.slice(0, 5) as Awaited<ReturnType<typeof gql>>[]) {
      expect(codeOf(r), JSON.stringify(r.errors)).toBe('FORBIDDEN');
      expect(r.errors![0]!.extensions.reserved).toBe(true);
    }
    expect(codeOf(attempts[5] as Awaited<ReturnType<typeof gql>>)).toBe('FORBIDDEN');
    const after = await gql(
      admin,
      `{ a: schema(id: "pitch-document-v9") { id } b: schema(id: "reyna-summary-v1") { id }
         c: processor(id: "reyna-translator") { id } d: processor(id: "text-expansion") { version }
         e: schema(id: "expanded-text-v1") { active } }`,
    );
    expect(after.data).toEqual({
      a: null,
      b: null,
      c: null,
      d: { version: '1.0.0' },
      e: { active: true },
    });
  });
});

describe('start-up never adopts a row someone else wrote', () => {
  const clash = async (insert: string) => {
    const testDb = await openTestDatabase();
    try {
      await migrateToLatest(testDb.database.db as never);
      await sql.raw(insert).execute(testDb.database.db);
      const config = loadConfig(testEnv());
      const started = createCore(config, { database: testDb.database });
      await expect(started).rejects.toThrow(/built in.*mallory/);
    } finally {
      await testDb.drop();
    }
  };

  it('refuses to start over a user-registered schema under a built-in id', () =>
    clash(`
      insert into schema_names (name, owner) values ('compiled-book', 'mallory');
      insert into schemas (id, name, version, version_major, version_minor, version_patch, draft, definition, created_by)
      values ('compiled-book-v1', 'compiled-book', '1.0.0', 1, 0, 0, 'draft-07', '{"type":"object"}', 'mallory');
    `));

  it('refuses to start over a user-registered processor under a built-in id', () =>
    clash(`
      insert into processors (id, name, version, builtin, created_by)
      values ('book-compiler', 'Not the compiler', '99.0.0', false, 'mallory');
    `));
});

afterAll(() => {});
