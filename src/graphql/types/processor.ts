import type { ProcessorInstance, ProcessorRecord } from '../../processor-registry/processor-types';
import { builder } from '../builder';
import { forwardOnly, toConnection } from '../connection';
import { registryActorOf, userOf } from '../context';
import { SchemaRef } from './schema';

export const ProcessorRef = builder.objectRef<ProcessorRecord>('Processor');
export const ProcessorInstanceRef = builder.objectRef<ProcessorInstance>('ProcessorInstance');

ProcessorRef.implement({
  description: 'A step that reacts to events and derives blobs, or `user-input` for the user.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    version: t.exposeString('version'),
    description: t.exposeString('description', { nullable: true }),
    inputSchemas: t.field({
      type: [SchemaRef],
      resolve: async (p, _a, ctx) =>
        (await ctx.loaders.schema.loadMany(p.inputSchemaIds)).filter(isRecord),
    }),
    outputSchemas: t.field({
      type: [SchemaRef],
      resolve: async (p, _a, ctx) =>
        (await ctx.loaders.schema.loadMany(p.outputSchemaIds)).filter(isRecord),
    }),
    inputSchemaIds: t.exposeIDList('inputSchemaIds'),
    outputSchemaIds: t.exposeIDList('outputSchemaIds'),
    subscribes: t.exposeStringList('subscribes', { description: 'Events it reacts to.' }),
    emits: t.exposeStringList('emits', { description: 'Events it produces.' }),
    maxConcurrency: t.exposeInt('maxConcurrency'),
    configSchema: t.field({ type: 'JSON', nullable: true, resolve: (p) => p.configSchema }),
    active: t.exposeBoolean('active'),
    builtin: t.exposeBoolean('builtin'),
    instance: t.field({
      type: ProcessorInstanceRef,
      nullable: true,
      description: "The caller's own instance of this processor, if configured.",
      resolve: (p, _a, ctx) => ctx.services.processors.instanceOf(userOf(ctx), p.id),
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (p) => p.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (p) => p.updatedAt }),
  }),
});

function isRecord<T>(value: T | null | Error): value is T {
  return value !== null && !(value instanceof Error);
}

export const ProcessorInstanceConnection = builder.connectionObject(
  { type: ProcessorInstanceRef, name: 'ProcessorInstanceConnection' },
  { name: 'ProcessorInstanceEdge' },
);

ProcessorInstanceRef.implement({
  description: "One user's configuration of a processor.",
  fields: (t) => ({
    id: t.exposeID('id'),
    processor: t.field({
      type: ProcessorRef,
      resolve: async (i, _a, ctx) => (await ctx.loaders.processor.load(i.processorId))!,
    }),
    config: t.field({ type: 'JSON', resolve: (i) => i.config }),
    enabled: t.exposeBoolean('enabled'),
    createdAt: t.field({ type: 'DateTime', resolve: (i) => i.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (i) => i.updatedAt }),
  }),
});

export const RegisterProcessorInput = builder.inputType('RegisterProcessorInput', {
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ required: true }),
    version: t.string({ required: true }),
    description: t.string(),
    inputSchemaIds: t.idList(),
    outputSchemaIds: t.idList(),
    subscribes: t.stringList({ description: 'e.g. blob.created.text-input-v1' }),
    emits: t.stringList(),
    maxConcurrency: t.int({ defaultValue: 1 }),
    configSchema: t.field({
      type: 'JSON',
      description: "JSON Schema of a user's instance config.",
    }),
    active: t.boolean({ defaultValue: true }),
  }),
});

const ChainOverrideInput = builder.inputType('ChainOverrideInput', {
  description:
    'Accepts a registration that breaks processor chain links; the reason is recorded with the broken links (see `Processor.chainOverrides`).',
  fields: (t) => ({
    reason: t.string({
      required: true,
      description: 'Why the links may break: not empty, at most 16 KiB.',
    }),
  }),
});

const ids = (list: readonly (string | number)[] | null | undefined) => list?.map(String) ?? null;

/** The service's input from the GraphQL input: ids as strings. */
export const processorInputOf = (input: typeof RegisterProcessorInput.$inferInput) => ({
  ...input,
  id: String(input.id),
  inputSchemaIds: ids(input.inputSchemaIds),
  outputSchemaIds: ids(input.outputSchemaIds),
});

builder.queryFields((t) => ({
  processor: t.field({
    type: ProcessorRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => {
      userOf(ctx);
      return ctx.loaders.processor.load(String(id));
    },
  }),
  processors: t.connection({
    type: ProcessorRef,
    description: 'Registered processors in id order, at most 100 a page.',
    args: { active: t.arg.boolean() },
    resolve: async (_r, args, ctx) => {
      userOf(ctx);
      const { first, after } = forwardOnly(args);
      const page = await ctx.services.processors.list({ active: args.active }, first, after);
      return toConnection(page, args);
    },
  }),
  processorInstance: t.field({
    type: ProcessorInstanceRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.processors.instance(userOf(ctx), String(id)),
  }),
  processorInstances: t.connection(
    {
      type: ProcessorInstanceRef,
      description: 'Your processor instances in processor id order, at most 100 a page.',
      resolve: async (_r, args, ctx) => {
        const { first, after } = forwardOnly(args);
        const page = await ctx.services.processors.instances(userOf(ctx), first, after);
        return toConnection(page, args);
      },
    },
    ProcessorInstanceConnection,
  ),
}));

builder.mutationFields((t) => ({
  registerProcessor: t.field({
    type: ProcessorRef,
    description:
      'Registers a processor, or updates one you own (version may not go down). Needs the registry-author role (registry-admin to update any). A registration that breaks a link of its chain (see checkProcessorChain) is refused with PROCESSOR_CHAIN_INCOMPATIBLE unless `allowIncompatibleChain` says why.',
    args: {
      input: t.arg({ type: RegisterProcessorInput, required: true }),
      allowIncompatibleChain: t.arg({ type: ChainOverrideInput }),
    },
    resolve: (_r, { input, allowIncompatibleChain }, ctx) =>
      ctx.services.processors.register(
        registryActorOf(ctx),
        processorInputOf(input),
        false,
        allowIncompatibleChain ?? null,
        ctx.meter,
      ),
  }),
  configureProcessor: t.field({
    type: ProcessorInstanceRef,
    description:
      'Creates or replaces your instance of a processor; config is validated against its configSchema.',
    args: {
      processorId: t.arg.id({ required: true }),
      config: t.arg({ type: 'JSON', required: true }),
      enabled: t.arg.boolean({ defaultValue: true }),
    },
    resolve: (_r, a, ctx) =>
      ctx.services.processors.configure(
        userOf(ctx),
        String(a.processorId),
        a.config,
        a.enabled ?? true,
      ),
  }),
  updateProcessorInstance: t.field({
    type: ProcessorInstanceRef,
    args: {
      id: t.arg.id({ required: true }),
      config: t.arg({ type: 'JSON' }),
      enabled: t.arg.boolean(),
    },
    resolve: (_r, a, ctx) => ctx.services.processors.updateInstance(userOf(ctx), String(a.id), a),
  }),
  deleteProcessorInstance: t.field({
    type: 'Boolean',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => ctx.services.processors.deleteInstance(userOf(ctx), String(id)),
  }),
}));
