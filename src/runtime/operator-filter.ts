/**
 * What operators pick dead letters and failed runs by, checked once at the door: a processor
 * that exists, error text of a sane size, a time range that is one. A bulk action over an empty
 * filter would touch everything: it needs `all`, so a forgotten option never does that.
 */
import { AppError, badInput, ErrorCode } from '../errors';

/** Longest error text a filter may search for. */
export const MAX_ERROR_TEXT = 200;

/** A checked filter: every given criterion must hold. */
export interface OperatorFilter {
  processorId: string | null;
  /** Text the error contains, compared case-insensitively. */
  error: string | null;
  /** The time range, both ends included. */
  from: Date | null;
  to: Date | null;
}

/** A filter as it arrives (GraphQL input, command options). */
export interface FilterInput {
  processorId?: string | null;
  error?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/**
 * The filter, checked: NOT_FOUND for a processor that is not registered, BAD_USER_INPUT for
 * blank or overlong error text, an invalid date or `from` after `to`. `field` prefixes the
 * field names errors carry (`filter.to`).
 */
export async function checkFilter(
  input: FilterInput | null | undefined,
  processorExists: (id: string) => Promise<boolean>,
  field = 'filter',
): Promise<OperatorFilter> {
  const filter: OperatorFilter = {
    processorId: input?.processorId ?? null,
    error: checkErrorText(input?.error, `${field}.error`),
    from: checkDate(input?.from, `${field}.from`),
    to: checkDate(input?.to, `${field}.to`),
  };
  if (filter.from && filter.to && filter.from > filter.to) {
    throw badInput(
      `${field}.to`,
      `The time range ends before it starts: from ${filter.from.toISOString()} is after to ${filter.to.toISOString()}`,
    );
  }
  if (filter.processorId && !(await processorExists(filter.processorId))) {
    throw new AppError(ErrorCode.NOT_FOUND, `Processor "${filter.processorId}" was not found`, {
      field: `${field}.processorId`,
    });
  }
  return filter;
}

function checkErrorText(text: string | null | undefined, field: string): string | null {
  if (text == null) return null;
  const trimmed = text.trim();
  if (trimmed === '') throw badInput(field, 'The error text to search for is blank');
  if (trimmed.length > MAX_ERROR_TEXT) {
    throw new AppError(
      ErrorCode.BAD_USER_INPUT,
      `The error text to search for is longer than ${MAX_ERROR_TEXT} characters`,
      { field, limit: MAX_ERROR_TEXT, actual: trimmed.length },
    );
  }
  return trimmed;
}

function checkDate(date: Date | null | undefined, field: string): Date | null {
  if (date == null) return null;
  if (Number.isNaN(date.getTime())) throw badInput(field, `${field} is not a valid date and time`);
  return date;
}

export const isEmptyFilter = (f: OperatorFilter): boolean =>
  f.processorId === null && f.error === null && f.from === null && f.to === null;

/**
 * BAD_USER_INPUT when an action that changes things would take everything because the filter
 * is empty and `all` was not said. Dry runs change nothing and need no `all`.
 */
export function requireScope(filter: OperatorFilter, all: boolean, dryRun: boolean): void {
  if (dryRun || all || !isEmptyFilter(filter)) return;
  throw badInput(
    'all',
    'The filter is empty, so this would act on everything: name a processor, error text or time range, or pass all: true',
  );
}

/** Whether `text` contains the filter's error text (case-insensitively); true without one. */
export const errorMatches = (filter: OperatorFilter, text: string | null): boolean =>
  filter.error === null || (text ?? '').toLowerCase().includes(filter.error.toLowerCase());
