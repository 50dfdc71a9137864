import type { ChainLink } from '../../errors';
import type { ChainOverride, ChainReport } from '../../processor-registry/processor-types';
import { builder } from '../builder';
import { forwardOnly, toConnection } from '../connection';
import { registryViewerOf, userOf } from '../context';
import { ProcessorRef, processorInputOf, RegisterProcessorInput } from './processor';
import { BreakingChangeRef } from './schema';

const ChainLinkRef = builder.objectRef<ChainLink>('ProcessorChainLink').implement({
  description:
    'A producer writes a schema and a consumer reads a version of the same name. Compatible when every document valid under what the producer writes is valid under what the consumer reads.',
  fields: (t) => ({
    schemaName: t.exposeString('schemaName', { description: 'The name both schemas share.' }),
    producerId: t.exposeID('producerId', { description: 'The processor that writes.' }),
    producerSchemaId: t.exposeID('producerSchemaId'),
    producerSchemaVersion: t.exposeString('producerSchemaVersion'),
    consumerId: t.exposeID('consumerId', { description: 'The processor that reads.' }),
    consumerSchemaId: t.exposeID('consumerSchemaId', {
      description:
        'The version it reads the documents under: the same id when it declares it, else the newest of its versions that accepts them (or its newest, when none does).',
    }),
    consumerSchemaVersion: t.exposeString('consumerSchemaVersion'),
    compatible: t.exposeBoolean('compatible'),
    breakingChanges: t.field({
      type: [BreakingChangeRef],
      description: "Why not, with JSON Pointers into the consumer's schema.",
      resolve: (l) => l.breakingChanges,
    }),
  }),
});

const ChainReportRef = builder.objectRef<ChainReport>('ProcessorChainReport').implement({
  description: 'What registering a processor would find along its chain.',
  fields: (t) => ({
    compatible: t.exposeBoolean('compatible', { description: 'False when any link is broken.' }),
    links: t.field({
      type: [ChainLinkRef],
      description:
        'Every link to the active processors that write what it reads (it is the consumer) and read what it writes (it is the producer).',
      resolve: (r) => r.links,
    }),
  }),
});

const ChainOverrideRef = builder.objectRef<ChainOverride>('ProcessorChainOverride').implement({
  description: 'A registration accepted over broken chain links, as it was recorded.',
  fields: (t) => ({
    id: t.exposeID('id'),
    processorVersion: t.exposeString('processorVersion', {
      description: 'The version of the processor registered.',
    }),
    reason: t.exposeString('reason'),
    overriddenBy: t.exposeString('createdBy', {
      nullable: true,
      description: 'The user who registered it; null for a release registering a built-in.',
    }),
    links: t.field({
      type: [ChainLinkRef],
      description: 'The links it broke, as the check found them.',
      resolve: (o) => o.links,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (o) => o.createdAt }),
  }),
});

const ChainOverrideConnection = builder.connectionObject(
  { type: ChainOverrideRef, name: 'ProcessorChainOverrideConnection' },
  { name: 'ProcessorChainOverrideEdge' },
);

builder.objectField(ProcessorRef, 'chainOverrides', (t) =>
  t.connection(
    {
      type: ChainOverrideRef,
      description:
        "Registrations of this processor accepted over broken chain links, newest first, at most 100 a page. Its owner's and registry-admin's only: FORBIDDEN otherwise.",
      resolve: async (p, args, ctx) => {
        const { first, after } = forwardOnly(args);
        const page = await ctx.services.processors.chainOverrides(
          registryViewerOf(ctx),
          p,
          first,
          after,
        );
        return toConnection(page, args);
      },
    },
    ChainOverrideConnection,
  ),
);

builder.queryField('checkProcessorChain', (t) =>
  t.field({
    type: ChainReportRef,
    description:
      'Dry run of registerProcessor: every link of its chain, compatible or with its breaking changes. Writes nothing.',
    args: { input: t.arg({ type: RegisterProcessorInput, required: true }) },
    resolve: (_r, { input }, ctx) => {
      userOf(ctx);
      return ctx.services.processors.checkChain(processorInputOf(input), ctx.meter);
    },
  }),
);
