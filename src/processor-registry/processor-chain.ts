/**
 * Which processors a processor is chained to, and whether the data can flow along each link.
 *
 * The rule. Links are defined by schema names, not by event subscriptions:
 *
 * - A producer that writes schema X and a consumer that reads a version of X's name are linked.
 *   Versions of one name are one kind of data evolving (the registry checks each new version
 *   against the last under the name's mode), so a consumer of `notes-v1` is a reader of what a
 *   producer now writes as `notes-v2`.
 * - A consumer that declares X itself reads X's documents under X: the link is compatible (a
 *   registered schema never changes). Otherwise the consumer reads them under the versions of
 *   the name it declares, newest first, and the link is compatible when one of them accepts every
 *   document valid under X (the registry's BACKWARD diff from X to that version, whatever the
 *   name's own mode: that mode governs versions of a name, this governs data in flight). When
 *   none does, the link names the newest and its breaking changes.
 * - Subscriptions add no links. A wildcard subscriber (`blob.created.*`) accepts what its
 *   `inputSchemaIds` say and nothing else: the runtime hands a processor only blobs of the ids
 *   it declares. A processor that declares no input schemas has nothing to check.
 * - Only active processors are linked: an inactive one neither reads nor writes, and activating
 *   one is a registration, checked like any other. A processor is never linked to itself.
 */
import semver from 'semver';
import { AppError, type BreakingChange, badInput, type ChainLink, ErrorCode } from '../errors';
import type { CostMeter } from '../http/cost-meter';
import { capText, MAX_DESCRIPTION_BYTES } from '../limits';
import type { SchemaRecord } from '../registry/schema-types';
import type {
  ChainOverride,
  ChainOverrideRequest,
  ChainReport,
  ProcessorRecord,
} from './processor-types';

/** Where the checker reads the registry, and how it compares two schemas. */
export interface ChainSources {
  /** The registered schemas among `ids`. */
  schemas(ids: readonly string[]): Promise<SchemaRecord[]>;
  /** The ids of every registered version of the names. */
  idsOfNames(names: readonly string[]): Promise<string[]>;
  /** Active processors other than `exceptId` that write any of `ids`, in id order. */
  producersOf(ids: readonly string[], exceptId: string): Promise<ProcessorRecord[]>;
  /** Active processors other than `exceptId` that read any of `ids`, in id order. */
  consumersOf(ids: readonly string[], exceptId: string): Promise<ProcessorRecord[]>;
  /** What breaks when documents valid under `written` are read under `read`. */
  compare(written: SchemaRecord, read: SchemaRecord, meter?: CostMeter): Promise<BreakingChange[]>;
}

type Compare = (written: SchemaRecord, read: SchemaRecord) => Promise<BreakingChange[]>;

const unique = (values: string[]) => [...new Set(values)];
const byId = (records: SchemaRecord[]) => new Map(records.map((s) => [s.id, s]));

export class ChainChecker {
  constructor(private readonly sources: ChainSources) {}

  /** Every link of `processor` (as it would be registered) to the active processors around it. */
  async check(processor: ProcessorRecord, meter?: CostMeter): Promise<ChainReport> {
    if (!processor.active) return { compatible: true, links: [] };
    const { sources } = this;
    const own = byId(
      await sources.schemas(unique([...processor.inputSchemaIds, ...processor.outputSchemaIds])),
    );
    const namesOf = (ids: string[]) =>
      unique(ids.flatMap((id) => (own.has(id) ? [own.get(id)!.name] : [])));
    const [readIds, writtenIds] = await Promise.all([
      sources.idsOfNames(namesOf(processor.inputSchemaIds)),
      sources.idsOfNames(namesOf(processor.outputSchemaIds)),
    ]);
    const [producers, consumers] = await Promise.all([
      sources.producersOf(readIds, processor.id),
      sources.consumersOf(writtenIds, processor.id),
    ]);
    const schemas = new Map([
      ...own,
      ...byId(await sources.schemas(this.othersIds(producers, readIds, consumers, writtenIds))),
    ]);
    const compare = memoized((written, read) => sources.compare(written, read, meter));
    const links: ChainLink[] = [];
    for (const producer of producers)
      links.push(...(await linksBetween(producer, processor, schemas, compare)));
    for (const consumer of consumers)
      links.push(...(await linksBetween(processor, consumer, schemas, compare)));
    return { compatible: links.every((l) => l.compatible), links };
  }

  /** The schema ids the producers write and the consumers read that share a name with ours. */
  private othersIds(
    producers: ProcessorRecord[],
    readIds: string[],
    consumers: ProcessorRecord[],
    writtenIds: string[],
  ): string[] {
    const read = new Set(readIds);
    const written = new Set(writtenIds);
    return unique([
      ...producers.flatMap((p) => p.outputSchemaIds.filter((id) => read.has(id))),
      ...consumers.flatMap((c) => c.inputSchemaIds.filter((id) => written.has(id))),
    ]);
  }
}

/** One link per schema the producer writes that the consumer reads a version of. */
async function linksBetween(
  producer: ProcessorRecord,
  consumer: ProcessorRecord,
  schemas: Map<string, SchemaRecord>,
  compare: Compare,
): Promise<ChainLink[]> {
  const links: ChainLink[] = [];
  for (const id of producer.outputSchemaIds) {
    const written = schemas.get(id);
    if (!written) continue;
    const readers = consumer.inputSchemaIds
      .flatMap((r) => (schemas.get(r)?.name === written.name ? [schemas.get(r)!] : []))
      .sort((a, b) => semver.rcompare(a.version, b.version));
    if (readers.length === 0) continue;
    const { reader, breakingChanges } = await readerOf(written, readers, compare);
    links.push({
      schemaName: written.name,
      producerId: producer.id,
      producerSchemaId: written.id,
      producerSchemaVersion: written.version,
      consumerId: consumer.id,
      consumerSchemaId: reader.id,
      consumerSchemaVersion: reader.version,
      compatible: breakingChanges.length === 0,
      breakingChanges,
    });
  }
  return links;
}

/**
 * The version the consumer reads `written` under: itself when declared, else the newest that
 * accepts it, else the newest with what breaks.
 */
async function readerOf(
  written: SchemaRecord,
  readers: SchemaRecord[],
  compare: Compare,
): Promise<{ reader: SchemaRecord; breakingChanges: BreakingChange[] }> {
  const same = readers.find((r) => r.id === written.id);
  if (same) return { reader: same, breakingChanges: [] };
  let newest: BreakingChange[] | undefined;
  for (const reader of readers) {
    const changes = await compare(written, reader);
    if (changes.length === 0) return { reader, breakingChanges: [] };
    newest ??= changes;
  }
  return { reader: readers[0]!, breakingChanges: newest! };
}

/** `compare` once per pair of schemas within one check: many links share a pair. */
function memoized(compare: Compare): Compare {
  const seen = new Map<string, Promise<BreakingChange[]>>();
  return (written, read) => {
    const key = `${written.id}\n${read.id}`;
    let result = seen.get(key);
    if (!result) {
      result = compare(written, read);
      seen.set(key, result);
    }
    return result;
  };
}

/** The reason of an override, trimmed; BAD_USER_INPUT when empty or too long. */
export function overrideReason(override: ChainOverrideRequest): string {
  const reason = override.reason.trim();
  const field = 'allowIncompatibleChain.reason';
  if (reason.length === 0)
    throw badInput(field, 'Say why the chain may break: the reason is recorded');
  capText(field, reason, MAX_DESCRIPTION_BYTES);
  return reason;
}

/** The override a registration over `broken` links records; a release gives its own reason. */
export function overrideOf(
  record: ProcessorRecord,
  broken: ChainLink[],
  createdBy: string | null,
  reason: string | null,
): Omit<ChainOverride, 'id' | 'createdAt'> {
  return {
    processorId: record.id,
    processorVersion: record.version,
    reason:
      reason ?? `Built-in ${record.id} ${record.version}, registered by a release at start-up`,
    createdBy,
    links: broken,
  };
}

const describeLink = (l: ChainLink) =>
  `${l.producerId} (${l.producerSchemaId}) -> ${l.consumerId} (${l.consumerSchemaId}): ${l.breakingChanges
    .map((c) => `${c.path} ${c.message}`)
    .join('; ')}`;

export /** The message names the first few links; `details.links` has them all. */
const LINKS_NAMED = 5;

/** PROCESSOR_CHAIN_INCOMPATIBLE for a registration that breaks `broken`. */
export function chainError(record: ProcessorRecord, broken: ChainLink[]): AppError {
  const named = broken.slice(0, LINKS_NAMED).map(describeLink).join(' | ');
  const more = broken.length > LINKS_NAMED ? ` | and ${broken.length - LINKS_NAMED} more` : '';
  return new AppError(
    ErrorCode.PROCESSOR_CHAIN_INCOMPATIBLE,
    `Registering "${record.id}" ${record.version} breaks ${broken.length} chain link${broken.length > 1 ? 's' : ''}: ${named}${more}. Fix the schemas, or pass allowIncompatibleChain with a reason.`,
    { links: broken },
  );
}
