/**
 * `reyna reprocess`: re-derive a processor's outputs with its current version, watch it, stop it.
 *
 *   reyna reprocess <processorId> [--user ID] [--book ID] [--blob ID] [--schema ID] [--since ISO] [--all] [--dry-run]
 *   reyna reprocess status <id>
 *   reyna reprocess cancel <id>
 */
import { ConfigError } from '../config';
import { type ApiTarget, apiTarget, callApi, parseOptions } from './api-client';

const FIELDS = `id processorId fromVersions toVersion status total skipped queued running
  succeeded failed cancelled error requestedBy createdAt startedAt finishedAt`;

interface ReprocessingView {
  id: string;
  processorId: string;
  fromVersions: string[];
  toVersion: string;
  status: string;
  total: number;
  skipped: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  error: string | null;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface PlanView {
  processorId: string;
  fromVersions: string[];
  toVersion: string;
  matched: number;
  skipped: number;
  toDerive: number;
}

const REPROCESS = `mutation($input: ReprocessInput!, $dryRun: Boolean) {
  reprocess(input: $input, dryRun: $dryRun) {
    plan { processorId fromVersions toVersion matched skipped toDerive }
    reprocessing { ${FIELDS} }
  }
}`;

/** `1.0.0 -> 2.0.0`, or `to 2.0.0` when no output of an older version is to be replaced. */
const versions = (from: string[], to: string) =>
  from.length > 0 ? `${from.join(', ')} -> ${to}` : `to ${to} (no older outputs to replace)`;

function describe(r: ReprocessingView): string {
  const lines = [
    `reprocessing ${r.id}: ${r.status}`,
    `  processor  ${r.processorId} ${versions(r.fromVersions, r.toVersion)}`,
    `  inputs     ${r.total} (skipped ${r.skipped})`,
    `  runs       queued ${r.queued}, running ${r.running}, succeeded ${r.succeeded}, failed ${r.failed}, cancelled ${r.cancelled}`,
    `  asked by   ${r.requestedBy} at ${r.createdAt}${r.finishedAt ? `, ended ${r.finishedAt}` : ''}`,
  ];
  if (r.error) lines.push(`  error      ${r.error}`);
  return lines.join('\n');
}

function describePlan(p: PlanView): string {
  return [
    `dry run for ${p.processorId} ${versions(p.fromVersions, p.toVersion)}: nothing written`,
    `  matched    ${p.matched}`,
    `  skipped    ${p.skipped} (their output already comes from ${p.toVersion})`,
    `  to derive  ${p.toDerive}`,
  ].join('\n');
}

/** The ReprocessInput the options describe. */
function inputOf(processorId: string, options: Map<string, string | true>) {
  const text = (name: string) => {
    const value = options.get(name);
    if (value === true) throw new ConfigError(`--${name} needs a value`);
    return value ?? null;
  };
  return {
    processorId,
    userId: text('user'),
    bookId: text('book'),
    blobId: text('blob'),
    schemaId: text('schema'),
    since: text('since'),
    all: options.has('all') ? true : null,
  };
}

async function start(target: ApiTarget, processorId: string, options: Map<string, string | true>) {
  const dryRun = options.has('dry-run');
  const data = await callApi<{
    reprocess: { plan: PlanView; reprocessing: ReprocessingView | null };
  }>(target, REPROCESS, { input: inputOf(processorId, options), dryRun });
  const { plan, reprocessing } = data.reprocess;
  console.log(reprocessing ? describe(reprocessing) : describePlan(plan));
  if (reprocessing) console.log(`  follow it with: reyna reprocess status ${reprocessing.id}`);
}

async function status(target: ApiTarget, id: string) {
  const data = await callApi<{ reprocessing: ReprocessingView | null }>(
    target,
    `query($id: ID!) { reprocessing(id: $id) { ${FIELDS} } }`,
    { id },
  );
  if (!data.reprocessing) throw new ConfigError(`no reprocessing "${id}"`);
  console.log(describe(data.reprocessing));
}

async function cancel(target: ApiTarget, id: string) {
  const data = await callApi<{ cancelReprocessing: ReprocessingView }>(
    target,
    `mutation($id: ID!) { cancelReprocessing(id: $id) { ${FIELDS} } }`,
    { id },
  );
  console.log(describe(data.cancelReprocessing));
}

/** `reyna reprocess …` (see the top of this file). */
export async function reprocess(...args: string[]): Promise<void> {
  const { words, options } = parseOptions(args);
  const [first, second] = words;
  if (!first)
    throw new ConfigError(
      'usage: reyna reprocess <processorId> [--user ID] [--book ID] [--blob ID] [--schema ID] [--since ISO] [--all] [--dry-run] | status <id> | cancel <id>',
    );
  const target = apiTarget();
  if ((first === 'status' || first === 'cancel') && !second)
    throw new ConfigError(`usage: reyna reprocess ${first} <id>`);
  if (first === 'status') return status(target, second!);
  if (first === 'cancel') return cancel(target, second!);
  return start(target, first, options);
}
