import type { BreakingChange, ValidationIssue } from '../../errors';
import { COMPATIBILITY_MODES, type CompatibilityMode } from '../../registry/compatibility';
import type { ValidationResult } from '../../registry/schema-service';
import type { CompatibilityReport, SchemaRecord } from '../../registry/schema-types';
import type { SemverBump } from '../../registry/version-bump';
import { builder } from '../builder';
import { forwardOnly, toConnection } from '../connection';
import { registryActorOf, userOf } from '../context';
import { ProcessorRef } from './processor';

const CompatibilityModeEnum = builder.enumType('CompatibilityMode', {
  description: 'How a new version of a schema name must relate to the previous version.',
  values: {
    BACKWARD: { description: 'Data valid under the previous version stays valid (default).' },
    FORWARD: { description: 'Data valid under the new version is valid under the previous one.' },
    FULL: { description: 'Both BACKWARD and FORWARD.' },
    NONE: { description: 'No check.' },
  } satisfies Record<CompatibilityMode, unknown>,
});

export const SchemaRef = builder.objectRef<SchemaRecord>('Schema').implement({
  description: 'A registered JSON Schema. Its id is its `$id`.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name', {
      description: 'The name versions are grouped under, e.g. `text-input`.',
    }),
    version: t.exposeString('version', { description: 'Semantic version within the name.' }),
    draft: t.exposeString('draft', { description: '`draft-07` or `2020-12`.' }),
    definition: t.field({ type: 'JSON', resolve: (s) => s.definition }),
    description: t.exposeString('description', { nullable: true }),
    examples: t.field({ type: ['JSON'], resolve: (s) => s.examples }),
    active: t.exposeBoolean('active', {
      description: 'Inactive schemas validate but accept no new blobs.',
    }),
    compatibility: t.field({
      type: CompatibilityModeEnum,
      description: 'The compatibility mode of this schema name.',
      resolve: (s, _args, ctx) => ctx.services.schemas.modeOf(s.name),
    }),
    ownerProcessor: t.field({
      type: ProcessorRef,
      nullable: true,
      resolve: (s, _args, ctx) =>
        s.ownerProcessorId ? ctx.loaders.processor.load(s.ownerProcessorId) : null,
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (s) => s.createdAt }),
  }),
});

const ValidationIssueRef = builder.objectRef<ValidationIssue>('ValidationIssue').implement({
  description: 'One place where a JSON document breaks its schema.',
  fields: (t) => ({
    path: t.exposeString('path', {
      description: 'JSON Pointer to the failing value, `/` for the root.',
    }),
    message: t.exposeString('message'),
    keyword: t.exposeString('keyword', { description: 'The JSON Schema keyword that failed.' }),
  }),
});

const ValidationResultRef = builder.objectRef<ValidationResult>('ValidationResult').implement({
  fields: (t) => ({
    valid: t.exposeBoolean('valid'),
    errors: t.field({ type: [ValidationIssueRef], resolve: (r) => r.errors }),
  }),
});

export const BreakingChangeRef = builder.objectRef<BreakingChange>('BreakingChange').implement({
  description: 'A difference between two versions that breaks the compatibility mode.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'JSON Pointer into the new definition.' }),
    kind: t.exposeString('kind', {
      description: 'e.g. REQUIRED_ADDED, TYPE_NARROWED, ENUM_VALUE_REMOVED.',
    }),
    message: t.exposeString('message'),
  }),
});

const SemverBumpEnum = builder.enumType('SemverBump', {
  description:
    'The part of a semantic version a new schema version must raise over the latest of its name.',
  values: {
    MAJOR: {
      description:
        "A breaking change under the name's mode (under NONE: a change that refuses stored data).",
    },
    MINOR: { description: 'A change that breaks nothing: a new optional property, a wider enum.' },
    PATCH: { description: 'Annotations only: title, description, examples, $comment, default.' },
  } satisfies Record<SemverBump, unknown>,
});

const SchemaChangeRef = builder.objectRef<BreakingChange>('SchemaChange').implement({
  description: 'A difference between two versions of a schema, breaking or not.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'JSON Pointer into the new definition.' }),
    kind: t.exposeString('kind', {
      description: 'e.g. REQUIRED_ADDED, PROPERTY_ADDED, ENUM_VALUE_ADDED, ANNOTATION_CHANGED.',
    }),
    message: t.exposeString('message'),
  }),
});

const CompatibilityReportRef = builder
  .objectRef<CompatibilityReport>('CompatibilityReport')
  .implement({
    fields: (t) => ({
      bump: t.field({
        type: SemverBumpEnum,
        nullable: true,
        description: 'The bump the change needs over `previousId`; null for a new name.',
        resolve: (r) => r.bump,
      }),
      bumpReasons: t.field({
        type: [SchemaChangeRef],
        description: 'Why that bump: the breaking changes, the other changes, or the annotations.',
        resolve: (r) => r.bumpReasons,
      }),
      suggestedVersion: t.exposeString('suggestedVersion', {
        description:
          'The smallest version that carries the bump (the submitted one for a new name).',
      }),
      versionAccepted: t.exposeBoolean('versionAccepted', {
        description:
          'Whether the submitted version carries the bump; registerSchema refuses it with SCHEMA_VERSION_TOO_LOW otherwise.',
      }),
      compatible: t.exposeBoolean('compatible'),
      mode: t.field({ type: CompatibilityModeEnum, resolve: (r) => r.mode }),
      previousId: t.exposeID('previousId', {
        nullable: true,
        description: 'The version checked against.',
      }),
      breakingChanges: t.field({ type: [BreakingChangeRef], resolve: (r) => r.breakingChanges }),
    }),
  });

const RegisterSchemaInput = builder.inputType('RegisterSchemaInput', {
  fields: (t) => ({
    definition: t.field({
      type: 'JSON',
      required: true,
      description: 'The JSON Schema; its `$id` becomes the id.',
    }),
    name: t.string({ description: 'Defaults to the `$id` without its `-vN` suffix.' }),
    version: t.string({
      description:
        'Semantic version; defaults to N.0.0 for an `$id` ending in -vN. It must carry the bump the change needs over the latest version (see checkSchemaCompatibility).',
    }),
    description: t.string(),
    examples: t.field({
      type: ['JSON'],
      description: 'Each must validate against the schema itself.',
    }),
    ownerProcessorId: t.id(),
    active: t.boolean({ defaultValue: true }),
    compatibility: t.field({
      type: CompatibilityModeEnum,
      description: 'Mode for a new name (BACKWARD by default).',
    }),
  }),
});

builder.queryFields((t) => ({
  schema: t.field({
    type: SchemaRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, ctx) => {
      userOf(ctx);
      return ctx.loaders.schema.load(String(id));
    },
  }),
  schemas: t.connection({
    type: SchemaRef,
    description: 'Registered schemas in name and version order, at most 100 a page.',
    args: { name: t.arg.string(), active: t.arg.boolean(), ownerProcessorId: t.arg.id() },
    resolve: async (_root, args, ctx) => {
      userOf(ctx);
      const { first, after } = forwardOnly(args);
      const page = await ctx.services.schemas.list(
        {
          name: args.name,
          active: args.active,
          ownerProcessorId: args.ownerProcessorId?.toString(),
        },
        first,
        after,
      );
      return toConnection(page, args);
    },
  }),
  validate: t.field({
    type: ValidationResultRef,
    description: 'Validates data against a registered schema without storing anything.',
    args: { schemaId: t.arg.id({ required: true }), data: t.arg({ type: 'JSON', required: true }) },
    resolve: (_root, { schemaId, data }, ctx) => {
      userOf(ctx);
      return ctx.services.schemas.validate(String(schemaId), data, ctx.meter);
    },
  }),
  checkSchemaCompatibility: t.field({
    type: CompatibilityReportRef,
    description:
      'Dry run of registerSchema: what would break, the semver bump the change needs and the smallest version that carries it, without registering.',
    args: { input: t.arg({ type: RegisterSchemaInput, required: true }) },
    resolve: (_root, { input }, ctx) => {
      userOf(ctx);
      return ctx.services.schemas.checkCompatibility(
        { ...input, ownerProcessorId: input.ownerProcessorId?.toString() },
        ctx.meter,
      );
    },
  }),
}));

builder.mutationFields((t) => ({
  registerSchema: t.field({
    type: SchemaRef,
    args: { input: t.arg({ type: RegisterSchemaInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.schemas.register(
        registryActorOf(ctx),
        { ...input, ownerProcessorId: input.ownerProcessorId?.toString() },
        ctx.meter,
      ),
  }),
  setSchemaActive: t.field({
    type: SchemaRef,
    description:
      "Needs the registry-author role and ownership of the schema's name, or registry-admin. Built-ins cannot be changed.",
    args: { id: t.arg.id({ required: true }), active: t.arg.boolean({ required: true }) },
    resolve: (_root, { id, active }, ctx) =>
      ctx.services.schemas.setActive(registryActorOf(ctx), String(id), active),
  }),
  setSchemaCompatibility: t.field({
    type: CompatibilityModeEnum,
    args: {
      name: t.arg.string({ required: true }),
      mode: t.arg({ type: CompatibilityModeEnum, required: true }),
    },
    resolve: (_root, { name, mode }, ctx) =>
      ctx.services.schemas.setCompatibility(registryActorOf(ctx), name, mode),
  }),
}));

export { COMPATIBILITY_MODES };
