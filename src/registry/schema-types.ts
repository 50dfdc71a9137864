import type { CompatibilityMode } from './compatibility';
import type { Draft } from './validator';
import type { SemverBump } from './version-bump';

/** A registered JSON Schema. Immutable once stored, except for `active`. */
export interface SchemaRecord {
  /** The definition's `$id`. */
  id: string;
  name: string;
  version: string;
  draft: Draft;
  definition: Record<string, unknown>;
  description: string | null;
  examples: unknown[];
  ownerProcessorId: string | null;
  active: boolean;
  createdBy: string | null;
  createdAt: Date;
}

export interface RegisterSchemaInput {
  definition?: unknown;
  name?: string | null;
  version?: string | null;
  description?: string | null;
  examples?: unknown[] | null;
  ownerProcessorId?: string | null;
  active?: boolean | null;
  /** Compatibility mode for the name; only taken when the name is new. */
  compatibility?: CompatibilityMode | null;
}

export interface CompatibilityReport {
  compatible: boolean;
  mode: CompatibilityMode;
  /** The version checked against, or null for the first version of a name. */
  previousId: string | null;
  breakingChanges: { path: string; kind: string; message: string }[];
  /** The semver bump the change needs over `previousId`; null for the first version of a name. */
  bump: SemverBump | null;
  /** Why that bump: the breaking changes, the other changes, or the annotations that changed. */
  bumpReasons: { path: string; kind: string; message: string }[];
  /** The smallest version that carries the bump (the submitted one for a first version). */
  suggestedVersion: string;
  /** Whether the submitted version carries the bump (it may be higher than suggested). */
  versionAccepted: boolean;
}
