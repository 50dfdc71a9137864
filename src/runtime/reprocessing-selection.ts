/**
 * What a reprocessing selects, checked at the door, and the walk over it.
 *
 * The inputs a reprocessing can re-derive are those the processor has worked on: the input blobs
 * its runs name (any version, any processor version). The walk reads them from the run records
 * in input id order, a page at a time, so a huge selection is never held in memory, and it works
 * on every blob store (the runs are always in PostgreSQL). Each page's blobs are then read from
 * the store as they are now, and kept when they still match: visible, of a schema the processor
 * takes (and the one asked for), in the book asked for, created since the date asked for.
 */

import type { BlobService } from '../blobs/blob-service';
import type { Blob } from '../blobs/blob-types';
import { AppError, badInput, ErrorCode, notFound } from '../errors';
import type { ProcessorRecord } from '../processor-registry/processor-types';
import type { SchemaService } from '../registry/schema-service';
import type { ReprocessingRepository } from './reprocessing-repository';
import type { ReprocessingSelection } from './reprocessing-types';

/** A reprocessing's input as the API takes it. */
export interface ReprocessInput {
  processorId: string;
  userId?: string | null;
  bookId?: string | null;
  blobId?: string | null;
  schemaId?: string | null;
  since?: Date | null;
  all?: boolean | null;
}

export interface SelectionDeps {
  repo: ReprocessingRepository;
  blobs: BlobService;
  schemas: SchemaService;
}

const MAX_USER_ID = 256;

/** Whether a processor takes input blobs: it subscribes to `blob.created.<schema>`. */
export const takesInputBlobs = (p: ProcessorRecord): boolean =>
  p.subscribes.some((type) => type.startsWith('blob.created.'));

/** Refuses a processor that runs on request (or on other events): it has no inputs to redo. */
export function checkReprocessable(p: ProcessorRecord): void {
  if (takesInputBlobs(p)) return;
  throw new AppError(
    ErrorCode.BAD_USER_INPUT,
    `Processor "${p.id}" takes no input blobs (it subscribes to ${p.subscribes.join(', ') || 'nothing'}): only processors that consume blob.created events can be reprocessed`,
    { field: 'processorId' },
  );
}

/** The selection `input` asks for, every id checked; throws a typed error, writing nothing. */
export async function checkSelection(
  deps: SelectionDeps,
  processor: ProcessorRecord,
  input: ReprocessInput,
): Promise<ReprocessingSelection> {
  const narrowed = [input.userId, input.bookId, input.blobId, input.schemaId, input.since].some(
    (v) => v != null,
  );
  if (!narrowed && input.all !== true)
    throw badInput(
      'all',
      'Choose the inputs (userId, bookId, blobId, schemaId or since), or set all: true to reprocess every input of the processor',
    );
  if (input.since && input.since.getTime() > Date.now())
    throw badInput('since', `since (${input.since.toISOString()}) is in the future`);
  if (input.userId != null && (input.userId.length === 0 || input.userId.length > MAX_USER_ID))
    throw badInput('userId', `userId must be 1 to ${MAX_USER_ID} characters`);
  if (input.schemaId != null) await checkSchema(deps, processor, input.schemaId);
  let userId = input.userId ?? null;
  if (input.bookId != null)
    userId = ownerOf(
      userId,
      await deps.repo.bookOwner(input.bookId),
      'Book',
      'bookId',
      input.bookId,
    );
  if (input.blobId != null) {
    userId = ownerOf(
      userId,
      await deps.repo.inputOwner(processor.id, input.blobId),
      `Input blob of processor "${processor.id}"`,
      'blobId',
      input.blobId,
    );
    if (!(await deps.blobs.get(userId, input.blobId)))
      throw notFoundAt(`Input blob of processor "${processor.id}"`, 'blobId', input.blobId);
  }
  return {
    userId,
    bookId: input.bookId ?? null,
    blobId: input.blobId ?? null,
    schemaId: input.schemaId ?? null,
    since: input.since?.toISOString() ?? null,
    all: !narrowed,
  };
}

const notFoundAt = (what: string, field: string, id: string) =>
  new AppError(ErrorCode.NOT_FOUND, notFound(what, id).message, { field });

/** The owner an id resolves to, NOT_FOUND when none or when it is not the user asked for. */
function ownerOf(
  userId: string | null,
  owner: string | null,
  what: string,
  field: string,
  id: string,
): string {
  if (owner === null) throw notFoundAt(what, field, id);
  if (userId !== null && owner !== userId)
    throw new AppError(ErrorCode.NOT_FOUND, `${what} "${id}" is not one of user "${userId}"'s`, {
      field,
    });
  return owner;
}

async function checkSchema(deps: SelectionDeps, p: ProcessorRecord, schemaId: string) {
  await deps.schemas.require(schemaId, 'schemaId');
  if (!p.inputSchemaIds.includes(schemaId))
    throw badInput(
      'schemaId',
      `Processor "${p.id}" does not take "${schemaId}" (it takes ${p.inputSchemaIds.join(', ')})`,
    );
}

/** One page of the walk: the inputs that still match, and the id to go on after. */
export interface InputPage {
  inputs: Blob[];
  /** The last input id this page went past (null: none). */
  cursor: string | null;
  /** Whether the walk went past the last input. */
  last: boolean;
}

/** The page of inputs after `after` (at most `size` looked at). */
export async function inputPage(
  deps: SelectionDeps,
  processor: ProcessorRecord,
  selection: ReprocessingSelection,
  after: string | null,
  size: number,
): Promise<InputPage> {
  const candidates = await deps.repo.candidates(processor.id, selection, after, size);
  const byUser = new Map<string, string[]>();
  for (const c of candidates)
    byUser.set(c.userId, [...(byUser.get(c.userId) ?? []), c.inputBlobId]);
  const found: Blob[] = [];
  for (const [userId, ids] of byUser) found.push(...(await deps.blobs.getMany(userId, ids)));
  const since = selection.since ? new Date(selection.since).getTime() : null;
  const inputs = found
    .filter(
      (b) =>
        processor.inputSchemaIds.includes(b.schemaId) &&
        (selection.schemaId === null || b.schemaId === selection.schemaId) &&
        (selection.bookId === null || b.bookId === selection.bookId) &&
        (since === null || b.createdAt.getTime() >= since),
    )
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    inputs,
    cursor: candidates.at(-1)?.inputBlobId ?? after,
    last: candidates.length < size,
  };
}

/** Every page of the selection, one at a time. */
export async function* inputPages(
  deps: SelectionDeps,
  processor: ProcessorRecord,
  selection: ReprocessingSelection,
  size: number,
): AsyncGenerator<Blob[]> {
  let after: string | null = null;
  for (;;) {
    const page = await inputPage(deps, processor, selection, after, size);
    yield page.inputs;
    if (page.last) return;
    after = page.cursor;
  }
}
