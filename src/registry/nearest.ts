/**
 * "Did you mean ...?" for a mistyped id: the candidate at the smallest edit distance, if it is
 * close enough. The work is bounded: ids are at most 128 characters, candidates whose length
 * differs by more than the cap are skipped, each comparison computes only a band around the
 * diagonal, and stops once every cell of a row exceeds the cap.
 */

/**
 * Edit distance of `a` and `b` (case-insensitive), or `cap + 1` when it is over `cap`. Only the
 * cells within `cap` of the diagonal are computed (no path outside them stays within the cap), so
 * one comparison costs about length x (2 cap + 1) steps.
 */
export function boundedDistance(a: string, b: string, cap: number): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const over = cap + 1;
  if (Math.abs(x.length - y.length) > cap) return over;
  // Two rows, reused; a cell just outside the band is kept at `over` so the band's edges read it.
  let previous = new Int32Array(y.length + 2).fill(over);
  let current = new Int32Array(y.length + 2).fill(over);
  for (let j = 0; j <= Math.min(y.length, cap); j++) previous[j] = j;
  for (let i = 1; i <= x.length; i++) {
    const from = Math.max(1, i - cap);
    const to = Math.min(y.length, i + cap);
    current[from - 1] = from === 1 && i <= cap ? i : over;
    let best = current[from - 1]!;
    for (let j = from; j <= to; j++) {
      const substitution = previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1);
      const value = Math.min(substitution, previous[j]! + 1, current[j - 1]! + 1, over);
      current[j] = value;
      if (value < best) best = value;
    }
    current[to + 1] = over;
    if (best > cap) return over;
    [previous, current] = [current, previous];
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
