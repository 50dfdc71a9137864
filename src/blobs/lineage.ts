/**
 * Which derived blobs are current. A processor that follows updates derives again for each new
 * version of its input, and a reprocessing derives again with a new processor version, so a
 * parent may hold several blobs one processor derived from it. Computed from the provenance the
 * runtime records on every derived blob (`inputBlobId`, `inputVersion`, `runId`), so it needs no
 * column and reads the same on every store. Blobs without that provenance (the user's own, or
 * made by hand) are never superseded.
 *
 * The rule. The blobs one processor derived from one parent form a group, whatever their schema.
 * Its newest blob is the one made from the newest input version, and among those the last stored
 * (a reprocessing's run, with a newer processor version, stores after the run it replaces). The
 * run that made it is the processor's current word on that parent: every blob of that run is
 * current, and every other blob of the group is superseded, by the current run's blob of the
 * same schema when there is one, else by the newest blob. So a version 2 that writes a new
 * output schema supersedes what version 1 wrote in the old one, as a version 2 writing the same
 * schema does, and a run writing several schemas keeps them all current together.
 */
import type { Blob } from './blob-types';

interface Lineage {
  inputVersion: number;
  /** The run that made it (the blob itself when its provenance names none). */
  run: string;
}

function lineageOf(blob: Blob): Lineage | null {
  const p = blob.provenance;
  const inputVersion = p?.inputVersion;
  if (!p || p.inputBlobId !== blob.parentId || blob.parentId === null) return null;
  if (typeof inputVersion !== 'number' || !Number.isInteger(inputVersion)) return null;
  return { inputVersion, run: typeof p.runId === 'string' ? p.runId : `blob:${blob.id}` };
}

interface Member {
  blob: Blob;
  lineage: Lineage;
}

const newer = (a: Member, b: Member) =>
  a.lineage.inputVersion > b.lineage.inputVersion ||
  (a.lineage.inputVersion === b.lineage.inputVersion && a.blob.seq > b.blob.seq);

/** The blobs of one group that the current run did not make, each mapped to its successor. */
function supersededIn(group: Member[], into: Map<string, Blob>): void {
  let newest = group[0]!;
  for (const member of group) if (newer(member, newest)) newest = member;
  const current = group.filter((m) => m.lineage.run === newest.lineage.run);
  const successor = new Map<string, Blob>();
  for (const m of current) {
    const seen = successor.get(m.blob.schemaId);
    if (!seen || m.blob.seq > seen.seq) successor.set(m.blob.schemaId, m.blob);
  }
  for (const { blob, lineage } of group) {
    if (lineage.run === newest.lineage.run) continue;
    into.set(blob.id, successor.get(blob.schemaId) ?? newest.blob);
  }
}

/**
 * For blobs derived from one parent (any order): each superseded blob's id, mapped to the current
 * blob that supersedes it.
 */
export function supersession(derived: readonly Blob[]): Map<string, Blob> {
  const groups = new Map<string, Member[]>();
  for (const blob of derived) {
    const lineage = lineageOf(blob);
    if (!lineage) continue;
    const key = `${blob.parentId}\u0000${blob.processorId}`;
    groups.set(key, [...(groups.get(key) ?? []), { blob, lineage }]);
  }
  const superseded = new Map<string, Blob>();
  for (const group of groups.values()) supersededIn(group, superseded);
  return superseded;
}

/** The blobs that no other blob of `derived` supersedes, in their order. */
export function currentOnly(derived: readonly Blob[]): Blob[] {
  const superseded = supersession(derived);
  return derived.filter((b) => !superseded.has(b.id));
}
