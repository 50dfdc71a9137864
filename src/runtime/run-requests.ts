/**
 * Asking an on-request processor for a run, as `requestRun`, `compileBook` and
 * `POST /processors/:id/runs` do: the checks a user's request passes before the run service
 * queues it. Nothing is written unless every check passes.
 */
import { AppError, badInput, ErrorCode } from '../errors';
import type { RequestKind } from '../events/catalog';
import { capJson, MAX_CONFIG_BYTES, MAX_JSON_DEPTH } from '../limits';
import type { Services } from '../services';
import type { RunRequest, RunService } from './run-service';
import type { ProcessorRun } from './run-types';

/** What a user asks: the target its processor runs on, and the details it accepts. */
export interface RunAsk {
  bookId?: string | null;
  blobId?: string | null;
  details?: unknown;
}

export interface RunRequestDeps {
  services: Pick<Services, 'books' | 'blobs' | 'processors'>;
  runService: RunService;
}

/**
 * Queues a run of `processorId` for the user. NOT_FOUND for an unknown processor or a book or
 * blob that is not the user's; BAD_USER_INPUT for a processor that does not run on request or a
 * target it does not take; VALIDATION_FAILED (with issues) for details its schema refuses.
 */
export async function requestRun(
  deps: RunRequestDeps,
  userId: string,
  processorId: string,
  ask: RunAsk,
): Promise<ProcessorRun> {
  const processor = await deps.services.processors.get(processorId);
  if (!processor) {
    throw new AppError(ErrorCode.NOT_FOUND, `Processor "${processorId}" was not found`, {
      field: 'processorId',
    });
  }
  const request = deps.runService.catalog.requestOf(processorId);
  if (!request) {
    throw badInput(
      'processorId',
      `Processor "${processorId}" does not run on request: it reacts to events (${processor.subscribes.join(', ') || 'none'})`,
    );
  }
  refuseOtherTargets(request, ask);
  const details = checkedDetails(deps, request, ask.details);
  const target = await targetOf(deps.services, userId, request, ask);
  return deps.runService.request(userId, processor, {
    type: request.kind.name,
    ...target,
    details,
  });
}

/** BAD_USER_INPUT for a book or blob the processor does not run on. */
function refuseOtherTargets(request: RequestKind, ask: RunAsk): void {
  const { processorId, target } = request;
  const takes =
    target === 'none' ? 'nothing: pass neither bookId nor blobId' : `a ${target}: pass ${target}Id`;
  for (const field of ['bookId', 'blobId'] as const) {
    if (ask[field] != null && field !== `${target}Id`)
      throw badInput(field, `Processor "${processorId}" runs on ${takes}`);
    if (ask[field] == null && field === `${target}Id`)
      throw badInput(field, `Processor "${processorId}" runs on ${takes}`);
  }
}

/** The details as the processor's schema accepts them; VALIDATION_FAILED with issues otherwise. */
function checkedDetails(
  deps: RunRequestDeps,
  request: RequestKind,
  details: unknown,
): Record<string, unknown> {
  const value = details ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'details must be a JSON object', {
      field: 'details',
      issues: [{ path: '/', message: 'must be object', keyword: 'type' }],
    });
  }
  capJson('details', value, MAX_CONFIG_BYTES, MAX_JSON_DEPTH);
  const issues = deps.runService.catalog.detailsIssues(request.kind, value);
  if (issues.length > 0) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `details do not match what "${request.processorId}" accepts`,
      { field: 'details', issues },
    );
  }
  return value as Record<string, unknown>;
}

/** The book or blob the run works on, checked to be the user's (NOT_FOUND otherwise). */
async function targetOf(
  services: RunRequestDeps['services'],
  userId: string,
  request: RequestKind,
  ask: RunAsk,
): Promise<Pick<RunRequest, 'bookId' | 'blobId' | 'inputVersion'>> {
  if (request.target === 'book') {
    const book = await services.books.get(userId, ask.bookId!);
    if (!book)
      throw new AppError(ErrorCode.NOT_FOUND, `Book "${ask.bookId}" was not found`, {
        field: 'bookId',
      });
    return { bookId: book.id };
  }
  if (request.target === 'blob') {
    const blob = await services.blobs.get(userId, ask.blobId!);
    if (!blob)
      throw new AppError(ErrorCode.NOT_FOUND, `Blob "${ask.blobId}" was not found`, {
        field: 'blobId',
      });
    if (!request.inputSchemaIds.includes(blob.schemaId)) {
      throw badInput(
        'blobId',
        `Processor "${request.processorId}" takes blobs of ${request.inputSchemaIds.join(', ')}; blob "${blob.id}" is ${blob.schemaId}`,
      );
    }
    return { blobId: blob.id, bookId: blob.bookId, inputVersion: blob.version };
  }
  return {};
}
