/**
 * Assembles pitch-sections-v1 into a pitch-document-v1: the sections in a fixed order, absent or
 * blank ones left out, each body optionally polished (by an LLM, in the processor).
 */
import type {
  ComparableTitle,
  PitchCharacter,
  PitchDocument,
  PitchSection,
  PitchSectionKey,
  PitchSections,
} from './schemas';

/** Rewrites one section's body; answers the new body. */
export type PolishSection = (
  key: PitchSectionKey,
  heading: string,
  body: string,
) => Promise<string>;

export const SECTION_HEADINGS: Record<PitchSectionKey, string> = {
  logline: 'Logline',
  synopsis: 'Synopsis',
  characters: 'Characters',
  comparable_titles: 'Comparable titles',
  market: 'Market',
  author_bio: 'About the author',
};

/** "Name — description", one paragraph per character. */
function charactersBody(characters: PitchCharacter[]): string {
  return characters
    .map((c) => (c.description?.trim() ? `${c.name} — ${c.description.trim()}` : c.name))
    .join('\n\n');
}

/** "Title by Author (Year): note", one line per title; missing parts are left out. */
function comparableLine(comp: ComparableTitle): string {
  let line = comp.title;
  if (comp.author?.trim()) line += ` by ${comp.author.trim()}`;
  if (comp.year !== undefined) line += ` (${comp.year})`;
  if (comp.note?.trim()) line += `: ${comp.note.trim()}`;
  return line;
}

/** The unpolished sections, in pitch order, leaving out absent and blank ones (but never the logline). */
export function pitchSections(input: PitchSections): PitchSection[] {
  const bodies: Record<PitchSectionKey, string | undefined> = {
    logline: input.logline,
    synopsis: input.synopsis,
    characters: input.characters?.length ? charactersBody(input.characters) : undefined,
    comparable_titles: input.comparable_titles?.length
      ? input.comparable_titles.map(comparableLine).join('\n')
      : undefined,
    market: input.market,
    author_bio: input.author_bio,
  };
  const sections: PitchSection[] = [];
  for (const [key, heading] of Object.entries(SECTION_HEADINGS) as [PitchSectionKey, string][]) {
    const body = bodies[key];
    // The logline is required input, so the document always has at least that section.
    if (body !== undefined && (key === 'logline' || body.trim())) {
      sections.push({ key, heading, body });
    }
  }
  return sections;
}

/**
 * Builds the pitch document. With `polish`, every section body is replaced by what it answers
 * (one section at a time, in order) and `polished` is true; without it the bodies are exactly as
 * written or assembled.
 */
export async function assemblePitch(
  input: PitchSections,
  polish?: PolishSection,
): Promise<PitchDocument> {
  const sections = pitchSections(input);
  if (polish) {
    for (const section of sections) {
      section.body = await polish(section.key, section.heading, section.body);
    }
  }
  const doc: PitchDocument = {
    title: input.title,
    logline: input.logline,
    sections,
    polished: Boolean(polish),
  };
  if (input.genre !== undefined) doc.genre = input.genre;
  if (input.word_count !== undefined) doc.word_count = input.word_count;
  return doc;
}
