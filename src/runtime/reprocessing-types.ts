/** A reprocessing: a processor's outputs re-derived with its current version for chosen inputs. */
import type { RunStatus } from './run-types';

/** Which inputs a reprocessing re-derives; every field given narrows it. */
export interface ReprocessingSelection {
  userId: string | null;
  bookId: string | null;
  blobId: string | null;
  schemaId: string | null;
  /** Inputs created at or after this instant (ISO 8601). */
  since: string | null;
  /** Set when no field narrows the selection: every input the processor has worked on. */
  all: boolean;
}

export type ReprocessingStatus = RunStatus;

/** Its runs by status, counted from the runs it created. */
export interface ReprocessingRunCounts {
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
}

export interface Reprocessing extends ReprocessingRunCounts {
  id: string;
  processorId: string;
  /** Versions of the processor that made the outputs it replaces. */
  fromVersions: string[];
  /** The processor's version when it was asked for: the one its runs derive with. */
  toVersion: string;
  selection: ReprocessingSelection;
  status: ReprocessingStatus;
  /** Inputs the selection held when it was asked for. */
  total: number;
  /** Inputs passed over: their output for their current version already comes from toVersion. */
  skipped: number;
  /** The last input id it went past, and whether it went past the last one. */
  cursor: string | null;
  scanned: boolean;
  error: string | null;
  requestedBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What a dry run finds, and what a reprocessing starts from. */
export interface ReprocessingPlan {
  processorId: string;
  fromVersions: string[];
  toVersion: string;
  /** Inputs that match the selection. */
  matched: number;
  /** Of those, inputs whose output for their current version already comes from toVersion. */
  skipped: number;
  /** Of those, inputs that would be re-derived. */
  toDerive: number;
}
