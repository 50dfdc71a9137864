/** What the book compiler reads of a chapter blob (text-input-v1 or -v2). */

/** The schemas whose blobs in a book are its chapters. */
export const CHAPTER_SCHEMA_IDS = ['text-input-v1', 'text-input-v2'];

interface ChapterData {
  content?: unknown;
  metadata?: { chapter?: unknown; title?: unknown };
}

/** The chapter's own text, or '' for data of another shape. */
export function chapterContent(data: unknown): string {
  const content = (data as ChapterData | null)?.content;
  return typeof content === 'string' ? content : '';
}

/**
 * The chapter's heading: its `metadata.title` when it has one (text-input-v1 accepts any value
 * there, so anything but a non-blank string is ignored), else `Chapter N` with `metadata.chapter`
 * or its position.
 */
export function chapterTitle(data: unknown, position: number): string {
  const metadata = (data as ChapterData | null)?.metadata;
  const title = typeof metadata?.title === 'string' ? metadata.title.trim() : '';
  if (title) return title;
  const number = Number.isInteger(metadata?.chapter) ? (metadata?.chapter as number) : position;
  return `Chapter ${number}`;
}
