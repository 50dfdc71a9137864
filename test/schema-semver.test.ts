/**
 * Issue 13, point 6: a new schema version must carry the semver bump its change needs (MAJOR for
 * a break under the name's mode, MINOR for any other change, PATCH for annotations), an
 * understated version is refused with nothing stored, and the dry run suggests the version.
 */
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  CheckSchemaCompatibilityDocument,
  type CheckSchemaCompatibilityQuery,
  SchemasDocument,
} from '../client-sdk/index';
import { TEXT_INPUT_V1, TEXT_INPUT_V2 } from '../src/registry/builtin-schemas';
import { assessChange, minimumVersion } from '../src/registry/version-bump';
import { nodes, type RestError, uniqueId, useHarness } from './support/harness';

const h = useHarness();
const author = () => h().token('semver-author', { roles: ['registry-author'] });

const REGISTER =
  'mutation($input: RegisterSchemaInput!) { registerSchema(input: $input) { id name version compatibility } }';
interface Registered {
  registerSchema: { id: string; name: string; version: string; compatibility: string };
}
const GET = 'query($id: ID!) { schema(id: $id) { id version } }';
interface Got {
  schema: { id: string; version: string } | null;
}

type Input = Record<string, unknown>;

/** A small open object schema; `tag` makes each `$id` unique within the name. */
const notes = (name: string, tag: string, extra: Input = {}) => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `${name}-${tag}`,
  title: 'Notes',
  type: 'object',
  required: ['title'],
  properties: {
    title: { type: 'string', description: 'Heading of the note' },
    mood: { type: 'string', enum: ['calm', 'tense'] },
  },
  ...extra,
});

const withProps = (name: string, tag: string, props: Input, extra: Input = {}) =>
  notes(name, tag, {
    properties: { ...notes(name, tag).properties, ...props },
    ...extra,
  });

async function register(input: Input) {
  return h().gql<Registered>(REGISTER, { input }, await author());
}

/** The dry run, through the SDK's typed document. */
const CHECK = print(CheckSchemaCompatibilityDocument);
async function check(input: Input) {
  return h().gql<CheckSchemaCompatibilityQuery>(CHECK, { input }, await h().token('semver-reader'));
}

async function versionsOf(name: string) {
  const r = await h().gql(SchemasDocument, { name }, await h().token('semver-reader'));
  expect(r.errors).toBeUndefined();
  return nodes(r.data!.schemas).map((s) => s.version);
}

/** Registers the first version of a new name and returns the name. */
async function newName(prefix: string, version = '1.0.0', compatibility?: string) {
  const name = uniqueId(prefix);
  const r = await register({
    definition: notes(name, 'a'),
    name,
    version,
    ...(compatibility ? { compatibility } : {}),
  });
  expect(r.errors).toBeUndefined();
  return name;
}

describe('the bump a new schema version needs', () => {
  it('PATCH: annotations only (title, description, examples, $comment, default) register as 1.0.1', async () => {
    const name = await newName('sv-patch');
    const definition = notes(name, 'b', {
      title: 'Chapter notes',
      $comment: 'reworded',
      examples: [{ title: 'x' }],
      properties: {
        title: { type: 'string', description: 'What the note is about', default: 'Untitled' },
        mood: { type: 'string', enum: ['calm', 'tense'] },
      },
    });
    const dry = await check({ definition, name, version: '1.0.1' });
    expect(dry.errors).toBeUndefined();
    const report = dry.data!.checkSchemaCompatibility;
    expect(report).toMatchObject({
      bump: 'PATCH',
      suggestedVersion: '1.0.1',
      versionAccepted: true,
    });
    expect(report.bumpReasons.map((c) => `${c.path} ${c.kind}`)).toEqual([
      '/$comment ANNOTATION_CHANGED',
      '/examples ANNOTATION_CHANGED',
      '/properties/title/default ANNOTATION_CHANGED',
      '/properties/title/description ANNOTATION_CHANGED',
      '/title ANNOTATION_CHANGED',
    ]);
    const r = await register({ definition, name, version: '1.0.1' });
    expect(r.errors).toBeUndefined();
    expect(await versionsOf(name)).toEqual(['1.0.0', '1.0.1']);
  });

  it('MINOR: a new optional property is refused as 1.0.1 with the bump and the smallest version, and nothing is stored', async () => {
    const name = await newName('sv-minor');
    const definition = withProps(name, 'b', { author: { type: 'string' } });
    const r = await register({ definition, name, version: '1.0.1' });
    expect(r.data).toBeNull();
    expect(r.errors![0]!.message).toContain('needs a MINOR bump');
    expect(r.errors![0]!.message).toContain('the smallest acceptable version is 1.1.0');
    expect(r.errors![0]!.extensions).toMatchObject({
      code: 'SCHEMA_VERSION_TOO_LOW',
      field: 'version',
      requiredBump: 'MINOR',
      minimumVersion: '1.1.0',
      bumpReasons: [
        {
          path: '/properties/author',
          kind: 'PROPERTY_ADDED',
          message: 'optional property "author" added',
        },
      ],
    });
    // POST /schemas refuses it alike, with 409.
    const rest = await h().rest<RestError>('POST', '/schemas', {
      token: await author(),
      body: { definition, name, version: '1.0.1' },
    });
    expect(rest.status).toBe(409);
    expect(rest.body.error).toMatchObject({
      code: 'SCHEMA_VERSION_TOO_LOW',
      requiredBump: 'MINOR',
      minimumVersion: '1.1.0',
    });
    expect(await versionsOf(name)).toEqual(['1.0.0']);
    const none = await h().gql<Got>(GET, { id: `${name}-b` }, await h().token('semver-reader'));
    expect(none.data!.schema).toBeNull();

    // The same definition at the version asked for registers.
    const ok = await register({ definition, name, version: '1.1.0' });
    expect(ok.errors).toBeUndefined();
    expect(await versionsOf(name)).toEqual(['1.0.0', '1.1.0']);
  });

  it('MINOR: a widened enum over 1.2.3 needs 1.3.0; 1.2.4 is refused', async () => {
    const name = await newName('sv-enum', '1.2.3');
    const definition = withProps(name, 'b', {
      mood: { type: 'string', enum: ['calm', 'tense', 'joyful'] },
    });
    const low = await register({ definition, name, version: '1.2.4' });
    expect(low.errors![0]!.extensions).toMatchObject({
      code: 'SCHEMA_VERSION_TOO_LOW',
      requiredBump: 'MINOR',
      minimumVersion: '1.3.0',
      bumpReasons: [{ path: '/properties/mood/enum', kind: 'ENUM_VALUE_ADDED' }],
    });
    expect(await versionsOf(name)).toEqual(['1.2.3']);
    expect((await register({ definition, name, version: '1.3.0' })).errors).toBeUndefined();
  });

  it('MAJOR under BACKWARD: a breaking change is refused as 1.1.0 (SCHEMA_INCOMPATIBLE) and says it needs 2.0.0', async () => {
    const name = await newName('sv-major');
    const definition = withProps(name, 'b', {}, { required: ['title', 'mood'] });
    const r = await register({ definition, name, version: '1.1.0' });
    expect(r.errors![0]!.extensions).toMatchObject({
      code: 'SCHEMA_INCOMPATIBLE',
      requiredBump: 'MAJOR',
      minimumVersion: '2.0.0',
      breakingChanges: [{ path: '/required', kind: 'REQUIRED_ADDED' }],
    });
    expect(await versionsOf(name)).toEqual(['1.0.0']);
  });

  it('MAJOR under NONE: the break is allowed but needs a major version; 1.1.0 is refused, 2.0.0 registers', async () => {
    const name = await newName('sv-none', '1.0.0', 'NONE');
    const definition = withProps(name, 'b', {}, { required: ['title', 'mood'] });
    const dry = await check({ definition, name, version: '1.1.0' });
    expect(dry.data!.checkSchemaCompatibility).toMatchObject({
      compatible: true,
      mode: 'NONE',
      breakingChanges: [],
      bump: 'MAJOR',
      bumpReasons: [{ path: '/required', kind: 'REQUIRED_ADDED' }],
      suggestedVersion: '2.0.0',
      versionAccepted: false,
    });
    const low = await register({ definition, name, version: '1.1.0' });
    expect(low.errors![0]!.extensions).toMatchObject({
      code: 'SCHEMA_VERSION_TOO_LOW',
      requiredBump: 'MAJOR',
      minimumVersion: '2.0.0',
    });
    expect(await versionsOf(name)).toEqual(['1.0.0']);
    expect((await register({ definition, name, version: '2.0.0' })).errors).toBeUndefined();
    // A widening under NONE breaks nothing stored: MINOR.
    const wider = withProps(name, 'c', {}, { required: ['title'] });
    const minor = await check({ definition: wider, name, version: '2.0.1' });
    expect(minor.data!.checkSchemaCompatibility).toMatchObject({
      bump: 'MINOR',
      suggestedVersion: '2.1.0',
      versionAccepted: false,
    });
  });

  it('under FORWARD a narrowing is allowed and MINOR; a widening breaks FORWARD', async () => {
    const name = await newName('sv-forward', '1.0.0', 'FORWARD');
    const stricter = withProps(name, 'b', {}, { required: ['title', 'mood'] });
    const low = await register({ definition: stricter, name, version: '1.0.1' });
    expect(low.errors![0]!.extensions).toMatchObject({
      code: 'SCHEMA_VERSION_TOO_LOW',
      requiredBump: 'MINOR',
      minimumVersion: '1.1.0',
    });
    expect(
      (await register({ definition: stricter, name, version: '1.1.0' })).errors,
    ).toBeUndefined();
    const wider = withProps(
      name,
      'c',
      { mood: { type: 'string' } },
      { required: ['title', 'mood'] },
    );
    const dry = await check({ definition: wider, name, version: '2.0.0' });
    expect(dry.data!.checkSchemaCompatibility).toMatchObject({
      compatible: false,
      bump: 'MAJOR',
      suggestedVersion: '2.0.0',
      versionAccepted: true,
    });
  });

  it('an overstated version is accepted: an annotation change as 3.0.0, a new property as 1.0.0 -> 2.0.0', async () => {
    const name = await newName('sv-over');
    const retitled = notes(name, 'b', { title: 'Renamed' });
    expect(
      (await register({ definition: retitled, name, version: '3.0.0' })).errors,
    ).toBeUndefined();
    const added = withProps(name, 'c', { author: { type: 'string' } });
    expect((await register({ definition: added, name, version: '3.5.0' })).errors).toBeUndefined();
    expect(await versionsOf(name)).toEqual(['1.0.0', '3.0.0', '3.5.0']);
  });
});

describe('checkSchemaCompatibility suggests the version', () => {
  it('for a new name, takes the given version; for a change, the smallest that carries it; and stores nothing', async () => {
    const name = uniqueId('sv-dry');
    const first = await check({ definition: notes(name, 'a'), name, version: '0.3.0' });
    expect(first.data!.checkSchemaCompatibility).toEqual({
      compatible: true,
      mode: 'BACKWARD',
      previousId: null,
      breakingChanges: [],
      bump: null,
      bumpReasons: [],
      suggestedVersion: '0.3.0',
      versionAccepted: true,
    });
    expect(await versionsOf(name)).toEqual([]);
    expect(
      (await register({ definition: notes(name, 'a'), name, version: '0.3.0' })).errors,
    ).toBeUndefined();

    const added = withProps(name, 'b', { author: { type: 'string' } });
    const low = await check({ definition: added, name, version: '0.3.1' });
    expect(low.errors).toBeUndefined();
    expect(low.data!.checkSchemaCompatibility).toEqual({
      compatible: true,
      mode: 'BACKWARD',
      previousId: `${name}-a`,
      breakingChanges: [],
      bump: 'MINOR',
      bumpReasons: [
        {
          path: '/properties/author',
          kind: 'PROPERTY_ADDED',
          message: 'optional property "author" added',
        },
      ],
      suggestedVersion: '0.4.0',
      versionAccepted: false,
    });
    const high = await check({ definition: added, name, version: '1.0.0' });
    expect(high.data!.checkSchemaCompatibility).toMatchObject({
      suggestedVersion: '0.4.0',
      versionAccepted: true,
    });
    const same = await check({ definition: notes(name, 'c'), name, version: '0.3.1' });
    expect(same.data!.checkSchemaCompatibility).toMatchObject({
      bump: 'PATCH',
      bumpReasons: [{ path: '/', kind: 'UNCHANGED' }],
      suggestedVersion: '0.3.1',
      versionAccepted: true,
    });
    expect(await versionsOf(name)).toEqual(['0.3.0']);
  });
});

describe('bad version strings', () => {
  it.each(['v1.1.0', '1.1', '1.1.0-beta.1', ' 1.1.0', 'latest', '01.1.0', ''])(
    'refuses %j with BAD_USER_INPUT on version, in registerSchema and the dry run, storing nothing',
    async (version) => {
      const name = await newName('sv-bad');
      const definition = withProps(name, 'b', { author: { type: 'string' } });
      for (const r of [
        await register({ definition, name, version }),
        await check({ definition, name, version }),
      ]) {
        expect(r.errors![0]!.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          field: 'version',
        });
      }
      expect(await versionsOf(name)).toEqual(['1.0.0']);
    },
  );
});

describe('built-in schemas', () => {
  it('text-input-v2 registered at start-up as 2.0.0 over 1.0.0 under FORWARD (its change needs MINOR)', async () => {
    const r = await h().gql<Got>(GET, { id: 'text-input-v2' }, await h().token('semver-reader'));
    expect(r.data!.schema).toEqual({ id: 'text-input-v2', version: '2.0.0' });
    expect(await versionsOf('text-input')).toEqual(['1.0.0', '2.0.0']);
    const assessment = assessChange(TEXT_INPUT_V1, TEXT_INPUT_V2, 'FORWARD');
    expect(assessment.breakingChanges).toEqual([]);
    expect(assessment.bump).toBe('MINOR');
    expect(minimumVersion('1.0.0', assessment.bump)).toBe('1.1.0');
  });
});
