/**
 * Unsaved text, kept in localStorage until the server has it: a refused token, a closed tab or a
 * lost connection never costs what was typed.
 */
export interface Draft {
  title: string;
  style: string;
  content: string;
}

const key = (bookId: string, chapterId: string | null) =>
  `reyna:draft:${bookId}:${chapterId ?? 'new'}`;

export function loadDraft(bookId: string, chapterId: string | null): Draft | null {
  try {
    const raw = localStorage.getItem(key(bookId, chapterId));
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}

export function saveDraft(bookId: string, chapterId: string | null, draft: Draft | null): void {
  try {
    if (draft === null) localStorage.removeItem(key(bookId, chapterId));
    else localStorage.setItem(key(bookId, chapterId), JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the text stays in the editor.
  }
}
