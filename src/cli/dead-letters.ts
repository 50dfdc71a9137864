/**
 * `reyna dead-letters list|replay|discard` and `reyna runs retry-failed`: the dead-letter and
 * bulk-retry operations of the API (see src/graphql/types/dead-letters.ts), sent with the SDK's
 * typed documents and printed as lines an operator reads.
 *
 *   reyna dead-letters list [--processor ID] [--error TEXT] [--since ISO] [--until ISO] [--limit N]
 *   reyna dead-letters replay|discard (--id ID[,ID..] | filters [--all]) [--dry-run]
 *   reyna runs retry-failed [filters] [--all] [--dry-run]
 */
import type { DeadLettersQuery } from '../../client-sdk/generated/graphql';
import { apiTarget, callDocument, parseOptions, UsageError } from './api-client';

type Options = Map<string, string | true>;

/**
 * The SDK's documents, loaded when a command runs: `reyna print-schema` loads this file too, and
 * must work while the SDK is generated again from the schema it prints.
 */
const sdk = () => import('../../client-sdk/generated/graphql');

const FILTER_OPTIONS = ['processor', 'error', 'since', 'until'];
const LIST_USAGE =
  'reyna dead-letters list [--processor ID] [--error TEXT] [--since ISO] [--until ISO] [--limit N]';
const ACT_USAGE =
  'reyna dead-letters replay|discard (--id ID[,ID..] | --processor ID --error TEXT --since ISO --until ISO [--all]) [--dry-run]';
const RETRY_USAGE =
  'reyna runs retry-failed [--processor ID] [--error TEXT] [--since ISO] [--until ISO] [--all] [--dry-run]';
/** Most dead letters `list` prints, and most pages it asks for to find them. */
const MAX_LIST = 1000;
const MAX_PAGES = 50;

/** The options, refusing any not in `allowed` and any flag given a value it does not take. */
function optionsOf(args: readonly string[], allowed: readonly string[], usage: string): Options {
  const { words, options } = parseOptions(args);
  if (words.length > 0) throw new UsageError(`unexpected "${words[0]}": ${usage}`);
  for (const [name, value] of options) {
    if (!allowed.includes(name)) throw new UsageError(`unknown option --${name}: ${usage}`);
    const flag = name === 'dry-run' || name === 'all';
    if (flag !== (value === true))
      throw new UsageError(`--${name} ${flag ? 'takes no value' : 'needs a value'}: ${usage}`);
  }
  return options;
}

const text = (options: Options, name: string): string | undefined => {
  const value = options.get(name);
  return typeof value === 'string' ? value : undefined;
};

function isoOf(options: Options, name: string): string | undefined {
  const value = text(options, name);
  if (value === undefined) return undefined;
  if (Number.isNaN(Date.parse(value)))
    throw new UsageError(`--${name} "${value}" is not a date and time (e.g. 2026-12-01T09:00:00Z)`);
  return new Date(value).toISOString();
}

/** The filter the options give, or null when they give none. */
function filterOf(options: Options) {
  const filter = {
    processorId: text(options, 'processor'),
    error: text(options, 'error'),
    from: isoOf(options, 'since'),
    to: isoOf(options, 'until'),
  };
  return Object.values(filter).some((v) => v !== undefined) ? filter : null;
}

type Letter = DeadLettersQuery['deadLetters']['edges'][number]['node'];

const letterLine = (d: Letter) =>
  [
    d.at,
    d.id,
    `user=${d.userId}`,
    `attempts=${d.attempts ?? '?'}`,
    `run=${d.run?.status ?? 'gone'}`,
    d.reason.replace(/\s+/g, ' ').slice(0, 160),
  ].join('  ');

async function list(args: readonly string[]): Promise<void> {
  const options = optionsOf(args, [...FILTER_OPTIONS, 'limit'], LIST_USAGE);
  const limit = Number(text(options, 'limit') ?? 100);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST)
    throw new UsageError(`--limit must be from 1 to ${MAX_LIST}`);
  const target = apiTarget();
  const filter = filterOf(options);
  const { DeadLettersDocument } = await sdk();
  let after: string | null = null;
  let shown = 0;
  let more = false;
  // Pages may be short (the API reads a bounded number of letters a call): follow them.
  for (let page = 0; page < MAX_PAGES && shown < limit; page++) {
    const data: DeadLettersQuery = await callDocument(target, DeadLettersDocument, {
      filter,
      first: Math.min(100, limit - shown),
      after,
    });
    for (const { node } of data.deadLetters.edges) console.log(letterLine(node));
    shown += data.deadLetters.edges.length;
    more = data.deadLetters.pageInfo.hasNextPage;
    after = data.deadLetters.pageInfo.endCursor ?? null;
    if (!more) break;
  }
  console.log(`${shown} dead letter${shown === 1 ? '' : 's'}${more ? ' shown; more match' : ''}`);
}

interface Result {
  dryRun: boolean;
  matched: number;
  hasMore: boolean;
  skipped: number;
  skippedReasons: { reason: string; count: number }[];
  skippedItems: { id: string; reason: string; message: string }[];
}

/** The lines an operator reads after a bulk action. */
function report(result: Result, done: number, verb: { done: string; would: string }): void {
  const would = result.dryRun ? `dry run: would ${verb.would}` : verb.done;
  console.log(`matched ${result.matched}, ${would} ${done}, skipped ${result.skipped}`);
  for (const r of result.skippedReasons) console.log(`  skipped ${r.count}: ${r.reason}`);
  for (const s of result.skippedItems) console.log(`  ${s.id}  ${s.reason}  ${s.message}`);
  if (result.hasMore) console.log('more match: run the command again to go on');
}

/** The ids or filter, and the flags, of replay and discard. */
function actionOf(args: readonly string[]) {
  const options = optionsOf(args, [...FILTER_OPTIONS, 'id', 'all', 'dry-run'], ACT_USAGE);
  const id = text(options, 'id');
  const filter = filterOf(options);
  if (id !== undefined && (filter || options.has('all')))
    throw new UsageError(`give --id or filters, not both: ${ACT_USAGE}`);
  return {
    ...(id === undefined ? { filter } : { ids: id.split(',').filter(Boolean) }),
    all: options.has('all'),
    dryRun: options.has('dry-run'),
  };
}

async function replay(args: readonly string[]): Promise<void> {
  const { ReplayDeadLettersDocument } = await sdk();
  const data = await callDocument(apiTarget(), ReplayDeadLettersDocument, actionOf(args));
  report(data.replayDeadLetters, data.replayDeadLetters.replayed, {
    done: 'replayed',
    would: 'replay',
  });
}

async function discard(args: readonly string[]): Promise<void> {
  const { DiscardDeadLettersDocument } = await sdk();
  const data = await callDocument(apiTarget(), DiscardDeadLettersDocument, actionOf(args));
  report(data.discardDeadLetters, data.discardDeadLetters.discarded, {
    done: 'discarded',
    would: 'discard',
  });
}

async function retryFailed(args: readonly string[]): Promise<void> {
  const options = optionsOf(args, [...FILTER_OPTIONS, 'all', 'dry-run'], RETRY_USAGE);
  const { RetryFailedRunsDocument } = await sdk();
  const data = await callDocument(apiTarget(), RetryFailedRunsDocument, {
    filter: filterOf(options),
    all: options.has('all'),
    dryRun: options.has('dry-run'),
  });
  report(data.retryFailedRuns, data.retryFailedRuns.retried, { done: 'retried', would: 'retry' });
}

/** A command group: its first word picks the subcommand. */
const group =
  (name: string, subcommands: Record<string, (args: readonly string[]) => Promise<void>>) =>
  async (sub = '', ...args: string[]): Promise<void> => {
    const run = subcommands[sub];
    if (!run) throw new UsageError(`reyna ${name} ${Object.keys(subcommands).join('|')} [options]`);
    await run(args);
  };

export const deadLetterCommands = {
  'dead-letters': group('dead-letters', { list, replay, discard }),
  runs: group('runs', { 'retry-failed': retryFailed }),
};
