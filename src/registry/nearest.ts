/**
 * "Did you mean ...?" for a mistyped id: the candidate at the smallest edit distance, if it is
 * close enough. The work is bounded: ids are at most 128 characters, only candidates within the
 * distance cap are measured to the end, and each row stops early once it exceeds the cap.
 */

/** Edit distance of `a` and `b` (case-insensitive), or `cap + 1` when it is over `cap`. */
export function boundedDistance(a: string, b: string, cap: number): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (Math.abs(x.length - y.length) > cap) return cap + 1;
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const substitution = previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1);
      const value = Math.min(substitution, previous[j]! + 1, current[j - 1]! + 1);
      current.push(value);
      if (value < best) best = value;
    }
    if (best > cap) return cap + 1;
    previous = current;
  }
  return previous[y.length]!;
}

/** How far a suggestion may be from what was typed: about one edit in four characters, 1 to 3. */
export const suggestionCap = (typed: string) =>
  Math.max(1, Math.min(3, Math.floor(typed.length / 4)));

/** The candidate nearest to `typed` within its cap (the first of equals), or null. */
export function nearest(typed: string, candidates: Iterable<string>): string | null {
  if (typed.length > 128) return null;
  const cap = suggestionCap(typed);
  let found: string | null = null;
  let distance = cap + 1;
  for (const candidate of candidates) {
    if (candidate === typed) continue;
    const d = boundedDistance(typed, candidate, Math.min(cap, distance - 1));
    if (d < distance) {
      found = candidate;
      distance = d;
    }
  }
  return found;
}
