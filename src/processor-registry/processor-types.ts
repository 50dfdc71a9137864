/** A processor as data: what it reads, writes, listens to and emits. */
export interface ProcessorRecord {
  id: string;
  name: string;
  version: string;
  description: string | null;
  inputSchemaIds: string[];
  outputSchemaIds: string[];
  subscribes: string[];
  emits: string[];
  maxConcurrency: number;
  /** JSON Schema (draft-07 or 2020-12) of a user's instance config, or null for "no config". */
  configSchema: Record<string, unknown> | null;
  active: boolean;
  builtin: boolean;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface RegisterProcessorInput {
  id: string;
  name: string;
  version: string;
  description?: string | null;
  inputSchemaIds?: string[] | null;
  outputSchemaIds?: string[] | null;
  subscribes?: string[] | null;
  emits?: string[] | null;
  maxConcurrency?: number | null;
  configSchema?: unknown;
  active?: boolean | null;
}

/** One user's configuration of one processor. */
export interface ProcessorInstance {
  id: string;
  userId: string;
  processorId: string;
  config: Record<string, unknown>;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}
