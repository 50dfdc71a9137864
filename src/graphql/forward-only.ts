/**
 * Every list pages forward only (`first`, `after`; `blobs` also takes `order: OLDEST_FIRST`), so
 * the `last` and `before` arguments the Relay plugin adds to each connection are left out of the
 * schema rather than offered and then refused.
 */
import SchemaBuilder, {
  BasePlugin,
  type PothosInputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';

const BACKWARD_ARGS = new Set(['last', 'before']);

class ForwardOnlyPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onInputFieldConfig(
    fieldConfig: PothosInputFieldConfig<Types>,
  ): PothosInputFieldConfig<Types> | null {
    return fieldConfig.kind === 'Arg' && BACKWARD_ARGS.has(fieldConfig.name) ? null : fieldConfig;
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      forwardOnly: ForwardOnlyPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('forwardOnly', ForwardOnlyPlugin);
