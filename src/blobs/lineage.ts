/**
 * Which derived blobs are current. A processor that follows updates derives again for each new
 * version of its input, so a parent may hold several blobs one processor derived into one schema
 * (one per input version it ran for). The current one is the one made from the newest input
 * version (the newest of those when a processor version reprocessed it); the others are
 * superseded by it. Computed from the provenance the runtime records on every derived blob
 * (`inputBlobId`, `inputVersion`), so it needs no column and reads the same on every store.
 * Blobs without that provenance (the user's own, or made by hand) are never superseded.
 */
import type { Blob } from './blob-types';

interface Lineage {
  inputVersion: number;
  group: string;
}

function lineageOf(blob: Blob): Lineage | null {
  const p = blob.provenance;
  const inputVersion = p?.inputVersion;
  if (!p || p.inputBlobId !== blob.parentId || blob.parentId === null) return null;
  if (typeof inputVersion !== 'number' || !Number.isInteger(inputVersion)) return null;
  return { inputVersion, group: `${blob.processorId}\u0000${blob.schemaId}` };
}

/**
 * For blobs derived from one parent (any order): each superseded blob's id, mapped to the current
 * blob that supersedes it.
 */
export function supersession(derived: readonly Blob[]): Map<string, Blob> {
  const groups = new Map<string, { blob: Blob; inputVersion: number }[]>();
  for (const blob of derived) {
    const lineage = lineageOf(blob);
    if (!lineage) continue;
    const group = groups.get(lineage.group) ?? [];
    group.push({ blob, inputVersion: lineage.inputVersion });
    groups.set(lineage.group, group);
  }
  const superseded = new Map<string, Blob>();
  for (const group of groups.values()) {
    let current = group[0]!;
    for (const member of group) {
      if (
        member.inputVersion > current.inputVersion ||
        (member.inputVersion === current.inputVersion && member.blob.seq > current.blob.seq)
      )
        current = member;
    }
    for (const { blob } of group) if (blob !== current.blob) superseded.set(blob.id, current.blob);
  }
  return superseded;
}

/** The blobs that no other blob of `derived` supersedes, in their order. */
export function currentOnly(derived: readonly Blob[]): Blob[] {
  const superseded = supersession(derived);
  return derived.filter((b) => !superseded.has(b.id));
}
