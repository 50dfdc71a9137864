import { describe, expect, it } from 'vitest';
import { expectError, issuesOf, nodes, uniqueId, useHarness } from './support/harness';

const h = useHarness();
const author = (sub: string) => h().token(sub, { roles: ['registry-author'] });

const FIELDS = `id name version description inputSchemaIds outputSchemaIds subscribes emits
  maxConcurrency configSchema active builtin inputSchemas { id } outputSchemas { id }`;
const REGISTER = `mutation($input: RegisterProcessorInput!) { registerProcessor(input: $input) { ${FIELDS} } }`;
const PROCESSOR = `query($id: ID!) { processor(id: $id) { ${FIELDS} } }`;
const PROCESSORS = `query($active: Boolean) { processors(active: $active) { edges { node { id } } } }`;

const INSTANCE_FIELDS = 'id config enabled processor { id }';
const CONFIGURE = `mutation($processorId: ID!, $config: JSON!, $enabled: Boolean) {
  configureProcessor(processorId: $processorId, config: $config, enabled: $enabled) { ${INSTANCE_FIELDS} }
}`;
const UPDATE_INSTANCE = `mutation($id: ID!, $config: JSON, $enabled: Boolean) {
  updateProcessorInstance(id: $id, config: $config, enabled: $enabled) { ${INSTANCE_FIELDS} }
}`;
const DELETE_INSTANCE = 'mutation($id: ID!) { deleteProcessorInstance(id: $id) }';
const INSTANCES = `query($processorId: ID!) {
  processorInstances { edges { node { ${INSTANCE_FIELDS} } } }
  processor(id: $processorId) { instance { ${INSTANCE_FIELDS} } }
  me { processorInstances { edges { node { ${INSTANCE_FIELDS} } } } }
}`;

/** A processor as FIELDS selects it. */
interface ProcessorFields {
  id: string;
  name: string;
  version: string;
  description: string | null;
  inputSchemaIds: string[];
  outputSchemaIds: string[];
  subscribes: string[];
  emits: string[];
  maxConcurrency: number;
  configSchema: unknown;
  active: boolean;
  builtin: boolean;
  inputSchemas: { id: string }[];
  outputSchemas: { id: string }[];
}
/** An instance as INSTANCE_FIELDS selects it. */
interface InstanceFields {
  id: string;
  config: unknown;
  enabled: boolean;
  processor: { id: string };
}
type Connection<T> = { edges: { node: T }[] };
type IdList = { processors: Connection<{ id: string }> };
type Configured = { configureProcessor: InstanceFields };
type Updated = { updateProcessorInstance: InstanceFields };
interface Instances {
  processorInstances: Connection<InstanceFields>;
  processor: { instance: InstanceFields | null } | null;
  me: { processorInstances: Connection<InstanceFields> };
}

const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['model'],
  additionalProperties: false,
  properties: {
    model: { type: 'string', enum: ['small', 'large'] },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
  },
};

const procInput = (overrides: Record<string, unknown> = {}) => ({
  id: uniqueId('proc'),
  name: 'Text expander',
  version: '1.0.0',
  description: 'Expands passages',
  inputSchemaIds: ['text-input-v1'],
  outputSchemaIds: ['expanded-text-v1'],
  subscribes: ['blob.created.text-input-v1'],
  emits: ['blob.created.expanded-text-v1'],
  maxConcurrency: 4,
  configSchema: CONFIG_SCHEMA,
  active: true,
  ...overrides,
});

async function register(input: Record<string, unknown>, token: string) {
  return h().gql<{ registerProcessor: ProcessorFields }>(REGISTER, { input }, token);
}

async function processorById(id: string, token: string) {
  const r = await h().gql<{ processor: ProcessorFields | null }>(PROCESSOR, { id }, token);
  expect(r.errors).toBeUndefined();
  return r.data!.processor;
}

async function registered(token: string, overrides: Record<string, unknown> = {}) {
  const r = await register(procInput(overrides), token);
  expect(r.errors).toBeUndefined();
  return r.data!.registerProcessor;
}

async function instancesOf(processorId: string, token: string) {
  const r = await h().gql<Instances>(INSTANCES, { processorId }, token);
  expect(r.errors).toBeUndefined();
  return {
    list: nodes(r.data!.processorInstances),
    instance: r.data!.processor!.instance,
    me: nodes(r.data!.me.processorInstances),
  };
}

describe('registerProcessor', () => {
  it('registers a processor with its schemas, events, concurrency and config schema, readable by id and in the list', async () => {
    const token = await author(h().user());
    const input = procInput();
    const r = await register(input, token);
    expect(r.errors).toBeUndefined();
    const expected = {
      id: input.id,
      name: 'Text expander',
      version: '1.0.0',
      description: 'Expands passages',
      inputSchemaIds: ['text-input-v1'],
      outputSchemaIds: ['expanded-text-v1'],
      subscribes: ['blob.created.text-input-v1'],
      emits: ['blob.created.expanded-text-v1'],
      maxConcurrency: 4,
      configSchema: CONFIG_SCHEMA,
      active: true,
      builtin: false,
      inputSchemas: [{ id: 'text-input-v1' }],
      outputSchemas: [{ id: 'expanded-text-v1' }],
    };
    expect(r.data!.registerProcessor).toEqual(expected);
    expect(await processorById(input.id, token)).toEqual(expected);
    const all = await h().gql<IdList>(PROCESSORS, {}, token);
    expect(nodes(all.data!.processors).map((p) => p.id)).toContain(input.id);
  });

  it('applies defaults: one at a time, active, no schemas, events or config schema', async () => {
    const token = await author(h().user());
    const id = uniqueId('proc');
    const r = await register({ id, name: 'Minimal', version: '0.1.0' }, token);
    expect(r.errors).toBeUndefined();
    expect(r.data!.registerProcessor).toMatchObject({
      id,
      description: null,
      inputSchemaIds: [],
      outputSchemaIds: [],
      subscribes: [],
      emits: [],
      maxConcurrency: 1,
      configSchema: null,
      active: true,
      builtin: false,
    });
  });

  it('filters the processors list by active', async () => {
    const token = await author(h().user());
    const on = await registered(token, { active: true });
    const off = await registered(token, { active: false });
    expect(off.active).toBe(false);
    const active = await h().gql<IdList>(PROCESSORS, { active: true }, token);
    const activeIds = nodes(active.data!.processors).map((p) => p.id);
    expect(activeIds).toContain(on.id);
    expect(activeIds).not.toContain(off.id);
    const inactive = await h().gql<IdList>(PROCESSORS, { active: false }, token);
    const inactiveIds = nodes(inactive.data!.processors).map((p) => p.id);
    expect(inactiveIds).toContain(off.id);
    expect(inactiveIds).not.toContain(on.id);
  });

  it('lists the built-in user-input processor, marked builtin', async () => {
    const token = await h().token(h().user());
    const all = await h().gql<{ processors: Connection<{ id: string; builtin: boolean }> }>(
      '{ processors { edges { node { id builtin } } } }',
      {},
      token,
    );
    expect(nodes(all.data!.processors)).toContainEqual({ id: 'user-input', builtin: true });
    const one = await processorById('user-input', token);
    expect(one).toMatchObject({
      id: 'user-input',
      builtin: true,
      active: true,
      outputSchemaIds: ['text-input-v1', 'text-input-v2'],
    });
  });

  it('refuses to register without a token', async () => {
    const input = procInput();
    const r = await h().gql(REGISTER, { input }, null);
    expect(r.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(await processorById(input.id, await author(h().user()))).toBeNull();
  });

  const refusals: [string, Record<string, unknown>, string, string | undefined][] = [
    ['an id with capitals and spaces', { id: 'Bad Id!' }, 'BAD_USER_INPUT', 'id'],
    ['an id longer than 64 characters', { id: `p${'x'.repeat(64)}` }, 'BAD_USER_INPUT', 'id'],
    ['an empty name', { name: '  ' }, 'BAD_USER_INPUT', 'name'],
    ['a version that is not semver', { version: '1.0' }, 'BAD_USER_INPUT', 'version'],
    ['a version with a v prefix', { version: 'v1.0.0' }, 'BAD_USER_INPUT', 'version'],
    [
      'an unknown input schema',
      { inputSchemaIds: ['text-input-v1', 'no-such-schema-v1'] },
      'NOT_FOUND',
      'inputSchemaIds',
    ],
    [
      'an unknown output schema',
      { outputSchemaIds: ['no-such-schema-v1'] },
      'NOT_FOUND',
      'outputSchemaIds',
    ],
    [
      'a subscription that is not an event name',
      { subscribes: ['blob created!'] },
      'BAD_USER_INPUT',
      'subscribes',
    ],
    ['an empty subscription', { subscribes: [''] }, 'BAD_USER_INPUT', 'subscribes'],
    [
      'an emitted event that is not an event name',
      { emits: ['blob/created'] },
      'BAD_USER_INPUT',
      'emits',
    ],
    [
      'more than 32 subscriptions',
      { subscribes: Array.from({ length: 33 }, (_, i) => `e${i}`) },
      'BAD_USER_INPUT',
      'subscribes',
    ],
    ['maxConcurrency 0', { maxConcurrency: 0 }, 'BAD_USER_INPUT', 'maxConcurrency'],
    ['maxConcurrency 5000', { maxConcurrency: 5000 }, 'BAD_USER_INPUT', 'maxConcurrency'],
    [
      'a configSchema with an unknown type',
      { configSchema: { type: 'objekt' } },
      'INVALID_SCHEMA',
      undefined,
    ],
    [
      'a configSchema with a misspelt keyword',
      { configSchema: { type: 'object', requried: ['model'] } },
      'INVALID_SCHEMA',
      undefined,
    ],
    [
      'a configSchema that is not an object',
      { configSchema: 'object' },
      'INVALID_SCHEMA',
      'configSchema',
    ],
    [
      'a configSchema on an unsupported draft',
      { configSchema: { $schema: 'http://json-schema.org/draft-04/schema#' } },
      'INVALID_SCHEMA',
      undefined,
    ],
  ];

  it.each(refusals)('refuses %s and registers nothing', async (_what, overrides, code, field) => {
    const token = await author(h().user());
    const input = procInput(overrides);
    const r = await register(input, token);
    expect(r.data).toBeNull();
    expect(r.errors![0]!.extensions.code).toBe(code);
    if (field) expect(r.errors![0]!.extensions.field).toBe(field);
    expect(await processorById(String(input.id), token)).toBeNull();
    const all = await h().gql<IdList>(PROCESSORS, {}, token);
    expect(nodes(all.data!.processors).map((p) => p.id)).not.toContain(input.id);
  });

  it('reports the failing paths of an invalid configSchema', async () => {
    const token = await author(h().user());
    const r = await register(
      procInput({
        configSchema: { type: 'object', properties: { n: { type: 'integer', minimum: 'zero' } } },
      }),
      token,
    );
    const paths = issuesOf(expectError(r, 'INVALID_SCHEMA')).map((i) => i.path);
    expect(paths).toContain('/properties/n/minimum');
  });

  it('refuses to re-register the built-in user-input processor as reserved (FORBIDDEN) and leaves it unchanged', async () => {
    const token = await author(h().user());
    const before = await processorById('user-input', token);
    const r = await register(
      procInput({ id: 'user-input', name: 'Hijacked', version: '9.0.0' }),
      token,
    );
    expect(r.data).toBeNull();
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', reserved: true });
    expect(await processorById('user-input', token)).toEqual(before);
    expect(before).toMatchObject({ name: 'User input', version: '1.0.0', builtin: true });
  });

  it("refuses to re-register another user's processor with PROCESSOR_CONFLICT and leaves it unchanged", async () => {
    const alice = await author(h().user('alice'));
    const bob = await author(h().user('bob'));
    const original = await registered(alice);
    const r = await register(
      procInput({ id: original.id, name: 'Bob took it', version: '2.0.0', maxConcurrency: 1 }),
      bob,
    );
    expect(r.data).toBeNull();
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'PROCESSOR_CONFLICT', field: 'id' });
    expect(await processorById(original.id, alice)).toEqual(original);
  });

  it('lets the owner re-register with a higher version, updating it in place', async () => {
    const token = await author(h().user());
    const original = await registered(token);
    const r = await register(
      procInput({
        id: original.id,
        name: 'Text expander II',
        version: '1.1.0',
        description: 'Expands more',
        subscribes: ['blob.created.*'],
        maxConcurrency: 8,
        configSchema: null,
      }),
      token,
    );
    expect(r.errors).toBeUndefined();
    const expected = {
      ...original,
      name: 'Text expander II',
      version: '1.1.0',
      description: 'Expands more',
      subscribes: ['blob.created.*'],
      maxConcurrency: 8,
      configSchema: null,
    };
    expect(r.data!.registerProcessor).toEqual(expected);
    expect(await processorById(original.id, token)).toEqual(expected);
    const all = await h().gql<IdList>(PROCESSORS, {}, token);
    expect(nodes(all.data!.processors).filter((p) => p.id === original.id)).toHaveLength(1);
  });

  it('refuses a lower version from the owner with BAD_USER_INPUT and keeps the registered one', async () => {
    const token = await author(h().user());
    const original = await registered(token, { version: '2.0.0' });
    const r = await register(
      procInput({ id: original.id, name: 'Downgraded', version: '1.9.9' }),
      token,
    );
    expect(r.data).toBeNull();
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'version' });
    expect(await processorById(original.id, token)).toEqual(original);
  });
});

describe('processor instances', () => {
  it('refuses config that breaks the config schema, naming the failing paths, and stores nothing', async () => {
    const owner = await author(h().user());
    const proc = await registered(owner);
    const token = await author(h().user());
    const r = await h().gql<Configured>(
      CONFIGURE,
      { processorId: proc.id, config: { temperature: 5, extra: true } },
      token,
    );
    expect(r.data).toBeNull();
    const err = expectError(r, 'VALIDATION_FAILED');
    const paths = issuesOf(err)
      .map((i) => i.path)
      .sort();
    expect(paths).toEqual(['/extra', '/model', '/temperature']);
    expect(await instancesOf(proc.id, token)).toEqual({ list: [], instance: null, me: [] });
  });

  it('refuses config that is not a JSON object', async () => {
    const token = await author(h().user());
    const proc = await registered(token);
    for (const config of [[], 'large', 42]) {
      const r = await h().gql<Configured>(CONFIGURE, { processorId: proc.id, config }, token);
      expect(r.data).toBeNull();
      expect(issuesOf(expectError(r, 'VALIDATION_FAILED')).map((i) => i.path)).toEqual(['/']);
    }
    expect(await instancesOf(proc.id, token)).toEqual({ list: [], instance: null, me: [] });
  });

  it('stores a valid config, readable by id, in the list, on Processor.instance and on me', async () => {
    const owner = await author(h().user());
    const proc = await registered(owner);
    const token = await author(h().user());
    const config = { model: 'large', temperature: 0.7 };
    const r = await h().gql<Configured>(CONFIGURE, { processorId: proc.id, config }, token);
    expect(r.errors).toBeUndefined();
    const created = r.data!.configureProcessor;
    expect(created).toMatchObject({ config, enabled: true, processor: { id: proc.id } });
    const byId = await h().gql<{ processorInstance: InstanceFields | null }>(
      `query($id: ID!) { processorInstance(id: $id) { ${INSTANCE_FIELDS} } }`,
      { id: created.id },
      token,
    );
    expect(byId.data!.processorInstance).toEqual(created);
    expect(await instancesOf(proc.id, token)).toEqual({
      list: [created],
      instance: created,
      me: [created],
    });
  });

  it('stores a disabled instance when asked', async () => {
    const token = await author(h().user());
    const proc = await registered(token);
    const r = await h().gql<Configured>(
      CONFIGURE,
      { processorId: proc.id, config: { model: 'small' }, enabled: false },
      token,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.configureProcessor.enabled).toBe(false);
    expect((await instancesOf(proc.id, token)).instance!.enabled).toBe(false);
  });

  it('configuring the same processor again replaces the instance rather than adding a second', async () => {
    const token = await author(h().user());
    const proc = await registered(token);
    const first = await h().gql<Configured>(
      CONFIGURE,
      { processorId: proc.id, config: { model: 'small' } },
      token,
    );
    const second = await h().gql<Configured>(
      CONFIGURE,
      { processorId: proc.id, config: { model: 'large' } },
      token,
    );
    expect(second.errors).toBeUndefined();
    expect(second.data!.configureProcessor.id).toBe(first.data!.configureProcessor.id);
    const { list } = await instancesOf(proc.id, token);
    expect(list).toHaveLength(1);
    expect(list[0]!.config).toEqual({ model: 'large' });
  });

  it('updateProcessorInstance re-validates the config and keeps the stored one on failure', async () => {
    const token = await author(h().user());
    const proc = await registered(token);
    const created = (
      await h().gql<Configured>(
        CONFIGURE,
        { processorId: proc.id, config: { model: 'small' } },
        token,
      )
    ).data!.configureProcessor;
    const bad = await h().gql<Updated>(
      UPDATE_INSTANCE,
      { id: created.id, config: { model: 'huge' } },
      token,
    );
    expect(bad.data).toBeNull();
    expect(issuesOf(expectError(bad, 'VALIDATION_FAILED')).map((i) => i.path)).toEqual(['/model']);
    expect((await instancesOf(proc.id, token)).instance).toEqual(created);

    const ok = await h().gql<Updated>(
      UPDATE_INSTANCE,
      { id: created.id, config: { model: 'large', temperature: 1 } },
      token,
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.updateProcessorInstance).toEqual({
      ...created,
      config: { model: 'large', temperature: 1 },
    });

    const disabled = await h().gql<Updated>(
      UPDATE_INSTANCE,
      { id: created.id, enabled: false },
      token,
    );
    expect(disabled.errors).toBeUndefined();
    expect(disabled.data!.updateProcessorInstance).toEqual({
      ...created,
      config: { model: 'large', temperature: 1 },
      enabled: false,
    });
    expect((await instancesOf(proc.id, token)).instance).toEqual(
      disabled.data!.updateProcessorInstance,
    );
  });

  it('updateProcessorInstance refuses an unknown instance with NOT_FOUND', async () => {
    const token = await author(h().user());
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const r = await h().gql<Updated>(UPDATE_INSTANCE, { id, enabled: false }, token);
      expect(r.errors![0]!.extensions.code).toBe('NOT_FOUND');
    }
  });

  it('deleteProcessorInstance removes the instance; deleting it again is NOT_FOUND', async () => {
    const token = await author(h().user());
    const proc = await registered(token);
    const created = (
      await h().gql<Configured>(
        CONFIGURE,
        { processorId: proc.id, config: { model: 'small' } },
        token,
      )
    ).data!.configureProcessor;
    const del = await h().gql<{ deleteProcessorInstance: boolean }>(
      DELETE_INSTANCE,
      { id: created.id },
      token,
    );
    expect(del.errors).toBeUndefined();
    expect(del.data!.deleteProcessorInstance).toBe(true);
    expect(await instancesOf(proc.id, token)).toEqual({ list: [], instance: null, me: [] });
    const byId = await h().gql<{ processorInstance: { id: string } | null }>(
      'query($id: ID!) { processorInstance(id: $id) { id } }',
      { id: created.id },
      token,
    );
    expect(byId.data!.processorInstance).toBeNull();
    const again = await h().gql<{ deleteProcessorInstance: boolean }>(
      DELETE_INSTANCE,
      { id: created.id },
      token,
    );
    expect(again.errors![0]!.extensions.code).toBe('NOT_FOUND');
    const update = await h().gql<Updated>(
      UPDATE_INSTANCE,
      { id: created.id, enabled: true },
      token,
    );
    expect(update.errors![0]!.extensions.code).toBe('NOT_FOUND');
  });

  it('refuses an unknown processor with NOT_FOUND on processorId and stores nothing', async () => {
    const token = await author(h().user());
    const r = await h().gql<Configured>(
      CONFIGURE,
      { processorId: 'no-such-processor', config: {} },
      token,
    );
    expect(r.data).toBeNull();
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'processorId' });
    const list = await h().gql(
      '{ processorInstances { edges { node { id } } } me { processorInstances { edges { node { id } } } } }',
      {},
      token,
    );
    expect(list.data).toEqual({
      processorInstances: { edges: [] },
      me: { processorInstances: { edges: [] } },
    });
  });

  it('a processor without a configSchema accepts only an empty config', async () => {
    const token = await author(h().user());
    const proc = await registered(token, { configSchema: null });
    const bad = await h().gql<Configured>(
      CONFIGURE,
      { processorId: proc.id, config: { model: 'small' } },
      token,
    );
    expect(bad.data).toBeNull();
    expect(issuesOf(expectError(bad, 'VALIDATION_FAILED')).map((i) => i.path)).toEqual(['/']);
    expect((await instancesOf(proc.id, token)).list).toEqual([]);

    const ok = await h().gql<Configured>(CONFIGURE, { processorId: proc.id, config: {} }, token);
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.configureProcessor.config).toEqual({});
    const update = await h().gql<Updated>(
      UPDATE_INSTANCE,
      { id: ok.data!.configureProcessor.id, config: { a: 1 } },
      token,
    );
    expect(update.errors![0]!.extensions.code).toBe('VALIDATION_FAILED');
    expect((await instancesOf(proc.id, token)).instance!.config).toEqual({});
  });

  it('validates config against a 2020-12 config schema', async () => {
    const token = await author(h().user());
    const proc = await registered(token, {
      configSchema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { tags: { type: 'array', prefixItems: [{ type: 'string' }], items: false } },
      },
    });
    const bad = await h().gql<Configured>(
      CONFIGURE,
      { processorId: proc.id, config: { tags: ['a', 'b'] } },
      token,
    );
    expect(issuesOf(expectError(bad, 'VALIDATION_FAILED')).map((i) => i.path)).toEqual(['/tags']);
    const ok = await h().gql<Configured>(
      CONFIGURE,
      { processorId: proc.id, config: { tags: ['a'] } },
      token,
    );
    expect(ok.errors).toBeUndefined();
  });

  it('lists several instances of one user ordered by processor id', async () => {
    const token = await author(h().user());
    const b = await registered(token, { id: uniqueId('zz-proc'), configSchema: null });
    const a = await registered(token, { id: uniqueId('aa-proc'), configSchema: null });
    await h().gql<Configured>(CONFIGURE, { processorId: b.id, config: {} }, token);
    await h().gql<Configured>(CONFIGURE, { processorId: a.id, config: {} }, token);
    const r = await h().gql<{
      processorInstances: Connection<{ processor: { id: string } }>;
      me: { processorInstances: Connection<{ processor: { id: string } }> };
    }>(
      '{ processorInstances { edges { node { processor { id } } } } me { processorInstances { edges { node { processor { id } } } } } }',
      {},
      token,
    );
    expect(nodes(r.data!.processorInstances)).toEqual([
      { processor: { id: a.id } },
      { processor: { id: b.id } },
    ]);
    expect(r.data!.me.processorInstances).toEqual(r.data!.processorInstances);
  });
});
