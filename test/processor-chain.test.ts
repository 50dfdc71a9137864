/**
 * Processor chains: a registration is checked against the processors that write what it reads and
 * read what it writes (schemas of the same name), refused when a link breaks unless an override
 * says why, and the override is recorded. `checkProcessorChain` is the dry run.
 */
import { describe, expect, it } from 'vitest';
import {
  CheckProcessorChainDocument,
  ProcessorChainOverridesDocument,
  ProcessorDocument,
  type RegisterProcessorInput,
} from '../client-sdk/index';
import { nodes, uniqueId, useHarness } from './support/harness';

const h = useHarness();
const author = (sub: string) => h().token(sub, { roles: ['registry-author'] });
const admin = () => h().token('chain-admin', { roles: ['registry-admin'] });

const REGISTER = `mutation($input: RegisterProcessorInput!, $override: ChainOverrideInput) {
  registerProcessor(input: $input, allowIncompatibleChain: $override) { id version outputSchemaIds active }
}`;
const REGISTER_SCHEMA =
  'mutation($input: RegisterSchemaInput!) { registerSchema(input: $input) { id version } }';

interface Registered {
  registerProcessor: { id: string; version: string; outputSchemaIds: string[]; active: boolean };
}

type Input = RegisterProcessorInput;

/**
 * Two versions of a fresh name: v1 requires `title` and `body`; v2 (BACKWARD compatible) makes
 * `body` optional. So v1 documents read fine under v2, and v2 documents may break a v1 reader.
 */
async function notes() {
  const name = uniqueId('notes');
  const token = await author('schema-owner');
  const versions = [
    { id: `${name}-v1`, required: ['title', 'body'] },
    { id: `${name}-v2`, required: ['title'] },
  ];
  for (const { id, required } of versions) {
    const definition = {
      $id: id,
      type: 'object',
      required,
      properties: { title: { type: 'string' }, body: { type: 'string' } },
    };
    const r = await h().gql<{ registerSchema: { id: string; version: string } }>(
      REGISTER_SCHEMA,
      { input: { definition } },
      token,
    );
    expect(r.errors).toBeUndefined();
  }
  return { v1: `${name}-v1`, v2: `${name}-v2` };
}

const processor = (fields: Partial<Input>): Input => ({
  id: uniqueId('chain'),
  name: 'Chain test',
  version: '1.0.0',
  ...fields,
});

async function register(input: Input, token: string, override?: { reason: string }) {
  return h().gql<Registered>(REGISTER, { input, override }, token);
}

async function registered(input: Input, token: string) {
  const r = await register(input, token);
  expect(r.errors).toBeUndefined();
  return r.data!.registerProcessor;
}

async function check(input: Input, token?: string) {
  return h().gql(
    CheckProcessorChainDocument,
    { input },
    token ?? (await h().token('chain-reader')),
  );
}

async function processorById(id: string) {
  const r = await h().gql(ProcessorDocument, { id }, await h().token('chain-reader'));
  expect(r.errors).toBeUndefined();
  return r.data!.processor;
}

async function overridesOf(id: string, token: string) {
  return h().gql(ProcessorChainOverridesDocument, { id }, token);
}

/** The link a v2 producer makes with a v1 consumer: v1 requires what v2 leaves optional. */
const brokenLink = (producerId: string, consumerId: string, s: { v1: string; v2: string }) => ({
  schemaName: s.v1.replace(/-v1$/, ''),
  producerId,
  producerSchemaId: s.v2,
  producerSchemaVersion: '2.0.0',
  consumerId,
  consumerSchemaId: s.v1,
  consumerSchemaVersion: '1.0.0',
  compatible: false,
  breakingChanges: [
    { path: '/required', kind: 'REQUIRED_ADDED', message: 'property "body" is now required' },
  ],
});

describe('registerProcessor checks the chain', () => {
  it('registers a consumer whose input schema accepts everything its producers write', async () => {
    const s = await notes();
    const owner = await author('chain-owner');
    const producer = await registered(processor({ outputSchemaIds: [s.v1] }), owner);
    const consumer = processor({ inputSchemaIds: [s.v2], subscribes: ['blob.created.*'] });
    const r = await register(consumer, owner);
    expect(r.errors).toBeUndefined();
    // A wildcard subscription adds no links: what a processor reads is its input schemas.
    const wildcard = await check(processor({ subscribes: ['blob.created.*'] }));
    expect(wildcard.data!.checkProcessorChain).toEqual({ compatible: true, links: [] });
    const report = await check(consumer);
    expect(report.data!.checkProcessorChain).toEqual({
      compatible: true,
      links: [
        {
          schemaName: s.v1.replace(/-v1$/, ''),
          producerId: producer.id,
          producerSchemaId: s.v1,
          producerSchemaVersion: '1.0.0',
          consumerId: consumer.id,
          consumerSchemaId: s.v2,
          consumerSchemaVersion: '2.0.0',
          compatible: true,
          breakingChanges: [],
        },
      ],
    });
  });

  it('refuses a consumer that cannot read what a producer writes, listing the breaking changes, and stores nothing', async () => {
    const s = await notes();
    const owner = await author('chain-owner');
    const producer = await registered(processor({ outputSchemaIds: [s.v2] }), owner);
    const consumer = processor({ inputSchemaIds: [s.v1] });
    const r = await register(consumer, owner);
    expect(r.errors?.[0]?.extensions.code).toBe('PROCESSOR_CHAIN_INCOMPATIBLE');
    expect(r.errors![0]!.message).toContain(`${producer.id} (${s.v2}) -> ${consumer.id} (${s.v1})`);
    expect(r.errors![0]!.extensions.links).toEqual([brokenLink(producer.id, consumer.id, s)]);
    expect(await processorById(consumer.id)).toBeNull();
  });

  it('accepts the same consumer with an override, and records who, when, why and which links', async () => {
    const s = await notes();
    const ownerId = h().user('chain-owner');
    const owner = await author(ownerId);
    const producer = await registered(processor({ outputSchemaIds: [s.v2] }), owner);
    const consumer = processor({ inputSchemaIds: [s.v1] });
    const before = Date.now();
    const r = await register(consumer, owner, { reason: '  Reads v2 from next week  ' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.registerProcessor.id).toBe(consumer.id);

    const read = await overridesOf(consumer.id, owner);
    expect(read.errors).toBeUndefined();
    const [override, ...more] = nodes(read.data!.processor!.chainOverrides);
    expect(more).toEqual([]);
    expect(override).toMatchObject({
      processorVersion: '1.0.0',
      reason: 'Reads v2 from next week',
      overriddenBy: ownerId,
      links: [brokenLink(producer.id, consumer.id, s)],
    });
    expect(Date.parse(override!.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    // An admin reads it too; nobody else does.
    const asAdmin = await overridesOf(consumer.id, await admin());
    expect(nodes(asAdmin.data!.processor!.chainOverrides)).toEqual([override]);
    const stranger = await overridesOf(consumer.id, await author('chain-stranger'));
    expect(stranger.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      requiredRole: 'registry-admin',
    });
    const anonymous = await overridesOf(consumer.id, '');
    expect(anonymous.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a producer update whose new output breaks an existing consumer of another user, and keeps the old registration', async () => {
    const s = await notes();
    const producerOwner = await author('chain-producer');
    const consumer = await registered(
      processor({ inputSchemaIds: [s.v1] }),
      await author('chain-consumer'),
    );
    const producer = processor({ outputSchemaIds: [s.v1] });
    await registered(producer, producerOwner);

    const update = { ...producer, version: '1.1.0', outputSchemaIds: [s.v2] };
    const r = await register(update, producerOwner);
    expect(r.errors?.[0]?.extensions.code).toBe('PROCESSOR_CHAIN_INCOMPATIBLE');
    expect(r.errors![0]!.extensions.links).toEqual([brokenLink(producer.id, consumer.id, s)]);
    expect(await processorById(producer.id)).toMatchObject({
      version: '1.0.0',
      outputSchemaIds: [s.v1],
    });
    const overrides = await overridesOf(producer.id, producerOwner);
    expect(nodes(overrides.data!.processor!.chainOverrides)).toEqual([]);
  });

  it('checks a processor when it is activated: inactive ones have no links', async () => {
    const s = await notes();
    const owner = await author('chain-owner');
    await registered(processor({ outputSchemaIds: [s.v2] }), owner);
    const consumer = processor({ inputSchemaIds: [s.v1], active: false });
    expect((await registered(consumer, owner)).active).toBe(false);
    expect((await check(consumer)).data!.checkProcessorChain).toEqual({
      compatible: true,
      links: [],
    });
    const r = await register({ ...consumer, active: true }, owner);
    expect(r.errors?.[0]?.extensions.code).toBe('PROCESSOR_CHAIN_INCOMPATIBLE');
    expect((await processorById(consumer.id))?.active).toBe(false);
  });
  it('never refuses a release: a built-in that breaks a user consumer is registered and the break recorded as its override', async () => {
    const s = await notes();
    const consumer = await registered(
      processor({ inputSchemaIds: [s.v1] }),
      await author('chain-consumer'),
    );
    const id = uniqueId('release');
    const shipped = { id, name: 'Release step', version: '1.0.0', outputSchemaIds: [s.v2] };
    const { processors } = h().app.services;
    expect(await processors.register(null, shipped, true)).toMatchObject({ id, builtin: true });
    // Starting again with nothing changed checks and records nothing more.
    await processors.register(null, shipped, true);
    const overrides = await overridesOf(id, await admin());
    expect(nodes(overrides.data!.processor!.chainOverrides)).toMatchObject([
      {
        processorVersion: '1.0.0',
        overriddenBy: null,
        reason: `Built-in ${id} 1.0.0, registered by a release at start-up`,
        links: [brokenLink(id, consumer.id, s)],
      },
    ]);
  });
});

describe('checkProcessorChain', () => {
  it('gives the verdicts registerProcessor gives, and writes nothing', async () => {
    const s = await notes();
    const owner = await author('chain-owner');
    const producer = await registered(processor({ outputSchemaIds: [s.v2] }), owner);
    const consumer = processor({ inputSchemaIds: [s.v1] });
    const dry = await check(consumer);
    expect(dry.errors).toBeUndefined();
    expect(dry.data!.checkProcessorChain).toEqual({
      compatible: false,
      links: [brokenLink(producer.id, consumer.id, s)],
    });
    expect(await processorById(consumer.id)).toBeNull();
    const refused = await register(consumer, owner);
    expect(refused.errors![0]!.extensions.links).toEqual(dry.data!.checkProcessorChain.links);

    // A dry run of an update records no override either.
    expect((await register(consumer, owner, { reason: 'migrating' })).errors).toBeUndefined();
    const update = { ...consumer, version: '1.0.1' };
    expect((await check(update)).data!.checkProcessorChain.compatible).toBe(false);
    const overrides = await overridesOf(consumer.id, owner);
    expect(nodes(overrides.data!.processor!.chainOverrides).map((o) => o.processorVersion)).toEqual(
      ['1.0.0'],
    );
    expect((await processorById(consumer.id))?.version).toBe('1.0.0');
  });

  it('passes the built-in chain: user-input feeds text-expansion both text-input versions', async () => {
    const r = await check({
      id: 'text-expansion',
      name: 'Text expansion',
      version: '9.0.0',
      inputSchemaIds: ['text-input-v1', 'text-input-v2'],
      outputSchemaIds: ['expanded-text-v1'],
    });
    expect(r.errors).toBeUndefined();
    const report = r.data!.checkProcessorChain;
    expect(report.compatible).toBe(true);
    const fromUserInput = report.links
      .filter((l) => l.producerId === 'user-input')
      .map((l) => [l.producerSchemaId, l.consumerSchemaId]);
    expect(fromUserInput).toEqual([
      ['text-input-v1', 'text-input-v1'],
      ['text-input-v2', 'text-input-v2'],
    ]);
    for (const id of ['user-input', 'text-expansion', 'pitch-builder', 'book-compiler']) {
      const overrides = await overridesOf(id, await admin());
      expect(overrides.errors, id).toBeUndefined();
      expect(nodes(overrides.data!.processor!.chainOverrides), id).toEqual([]);
    }
  });
});

describe('bad input', () => {
  it('refuses unknown schema ids with NOT_FOUND, on register and on the dry run', async () => {
    const owner = await author('chain-owner');
    const input = processor({ inputSchemaIds: ['text-input-v9'] });
    for (const r of [await register(input, owner), await check(input)]) {
      expect(r.errors?.[0]?.extensions).toMatchObject({
        code: 'NOT_FOUND',
        field: 'inputSchemaIds',
      });
    }
    expect(await processorById(input.id)).toBeNull();
  });

  it('refuses an empty override reason with BAD_USER_INPUT and stores nothing', async () => {
    const s = await notes();
    const owner = await author('chain-owner');
    await registered(processor({ outputSchemaIds: [s.v2] }), owner);
    for (const reason of ['', '   ']) {
      const consumer = processor({ inputSchemaIds: [s.v1] });
      const r = await register(consumer, owner, { reason });
      expect(r.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'allowIncompatibleChain.reason',
      });
      expect(await processorById(consumer.id)).toBeNull();
    }
  });

  it('asks for a token on the dry run and refuses a page over 100 of overrides', async () => {
    const anonymous = await check(processor({}), '');
    expect(anonymous.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const r = await h().gql(
      ProcessorChainOverridesDocument,
      { id: 'text-expansion', first: 101 },
      await admin(),
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});
