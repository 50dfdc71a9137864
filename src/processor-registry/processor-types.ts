import type { ChainLink } from '../errors';

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

/** What `checkProcessorChain` finds: every link of a processor to its producers and consumers. */
export interface ChainReport {
  /** False when any link is broken. */
  compatible: boolean;
  links: ChainLink[];
}

/** The argument that accepts a registration over broken links; `reason` is recorded. */
export interface ChainOverrideRequest {
  reason: string;
}

/** A registration accepted over broken links: who, when, why, and which links. */
export interface ChainOverride {
  id: string;
  processorId: string;
  processorVersion: string;
  reason: string;
  /** The user who registered; null when a release registered a built-in at start-up. */
  createdBy: string | null;
  links: ChainLink[];
  createdAt: Date;
}
