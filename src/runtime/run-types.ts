/** A processor run: one processor working on one input for one user. */
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface ProcessorRun {
  id: string;
  key: string;
  userId: string;
  processorId: string;
  processorVersion: string;
  /** The event that started it (replayed on retry). */
  event: unknown;
  inputBlobId: string | null;
  inputVersion: number | null;
  bookId: string | null;
  outputBlobId: string | null;
  status: RunStatus;
  attempts: number;
  error: string | null;
  model: string | null;
  progress: unknown;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What run subscribers receive (live, not stored). */
export interface RunUpdate {
  runId: string;
  processorId: string;
  status: RunStatus;
  inputBlobId: string | null;
  outputBlobId: string | null;
  attempts: number;
  error: string | null;
  textDelta?: string;
  message?: string;
  fraction?: number;
}
