/** Plain-text measures of a passage: words, sentences, readability, complexity and tone. */

export function words(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? [];
}

const TERMINATORS = new Set([0x2e, 0x21, 0x3f, 0x2026]); // . ! ? …

/**
 * Sentences: runs of text each closed by one or more terminators. A single scan, because the
 * pattern this replaces (`[^.!?…]+[.!?…]+`) restarted at every character of a text without a
 * terminator: quadratic in what an LLM (or a user) sends.
 */
function sentences(text: string): number {
  let count = 0;
  let inText = false;
  for (let i = 0; i < text.length; i++) {
    if (TERMINATORS.has(text.charCodeAt(i))) {
      if (inText) count++;
      inText = false;
    } else {
      inText = true;
    }
  }
  return Math.max(1, count || (text.trim() ? 1 : 0));
}

function syllables(word: string): number {
  const w = word.toLowerCase().replace(/[^a-z]/g, '');
  if (w.length <= 3) return 1;
  const groups = w
    .replace(/(?:[^laeiouy]es|ed|[^laeiouy]e)$/, '')
    .replace(/^y/, '')
    .match(/[aeiouy]{1,2}/g);
  return Math.max(1, groups?.length ?? 1);
}

export interface TextMetrics {
  /** Flesch reading ease: higher is easier (60-70 is plain English). */
  readability_score: number;
  /** Mean words per sentence. */
  complexity: number;
  tone: string;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function measure(text: string, style: string | undefined): TextMetrics {
  const w = words(text);
  const s = sentences(text);
  const syl = w.reduce((sum, word) => sum + syllables(word), 0);
  const wordsPerSentence = w.length / s;
  const readability =
    w.length === 0 ? 0 : 206.835 - 1.015 * wordsPerSentence - 84.6 * (syl / w.length);
  const exclamations = (text.match(/!/g) ?? []).length;
  const tone =
    style ?? (exclamations > s / 4 ? 'energetic' : wordsPerSentence > 22 ? 'formal' : 'neutral');
  return { readability_score: round(readability), complexity: round(wordsPerSentence), tone };
}

/** Words out over words in (the design document's expansion ratio). */
export function expansionRatio(original: string, expanded: string): number {
  const before = words(original).length;
  return before === 0 ? 0 : round(words(expanded).length / before);
}
