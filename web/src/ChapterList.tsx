/**
 * A book's chapters in order, each a link to its split view, with buttons to move it up or down.
 * A move shows at once; the server takes the whole new order (`reorderChapters`, all or nothing),
 * and if it refuses, the order it keeps comes back with the reason. Keyboard: the focus stays on
 * the moved chapter's button, so pressing it again keeps moving the same chapter.
 */
import { ReorderChaptersDocument } from '@reyna-studio/sdk';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useMutation } from 'urql';
import './chapters.css';
import { messageOf } from './errors';
import { chapterPath, followLink } from './router';

export interface ChapterItem {
  id: string;
  title: string;
}

export function ChapterList({
  bookId,
  chapters,
  openId,
  onReordered,
}: {
  bookId: string;
  chapters: ChapterItem[];
  openId: string | null;
  onReordered: () => void;
}) {
  // The order as the writer left it, until the server's list catches up.
  const [order, setOrder] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const [, reorder] = useMutation(ReorderChaptersDocument);
  // The button to focus once the list shows `order` (the move that asked for it).
  const focusAfter = useRef<{ id: string; direction: 'up' | 'down'; order: string } | null>(null);
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  // One reorder at a time (two at once would conflict): moves made meanwhile are sent after it.
  const sending = useRef(false);
  const unsent = useRef<string[] | null>(null);

  const serverOrder = chapters.map((c) => c.id).join();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new list from the server replaces the local order.
  useEffect(() => {
    setOrder((local) => (local && local.join() === serverOrder ? null : local));
  }, [serverOrder]);

  const byId = new Map(chapters.map((c) => [c.id, c]));
  const shown = (order ?? chapters.map((c) => c.id))
    .map((id) => byId.get(id))
    .filter((c): c is ChapterItem => c !== undefined);

  // Keeps the focus on the moved chapter (the other button when it reached an end). In the commit
  // that shows the move, not later: a passive effect of an earlier render (a refetch's) can run
  // after the keypress that asked for the focus and before the move is on screen, and would spend
  // the request on the old order, leaving the focus on the page once the moved button's item is
  // put in its new place.
  useLayoutEffect(() => {
    const wanted = focusAfter.current;
    if (!wanted || shown.map((c) => c.id).join() !== wanted.order) return;
    focusAfter.current = null;
    const index = shown.findIndex((c) => c.id === wanted.id);
    const atEnd = wanted.direction === 'up' ? index === 0 : index === shown.length - 1;
    const direction = atEnd ? (wanted.direction === 'up' ? 'down' : 'up') : wanted.direction;
    buttons.current.get(`${wanted.id}:${direction}`)?.focus();
  });

  async function move(index: number, by: -1 | 1): Promise<void> {
    const ids = shown.map((c) => c.id);
    const target = index + by;
    if (target < 0 || target >= ids.length) return;
    const moved = ids[index]!;
    [ids[index], ids[target]] = [ids[target]!, moved];
    setOrder(ids);
    setError(null);
    focusAfter.current = { id: moved, direction: by < 0 ? 'up' : 'down', order: ids.join() };
    const title = byId.get(moved)?.title ?? 'The chapter';
    setAnnounce(`“${title}” is now chapter ${target + 1} of ${ids.length}.`);
    unsent.current = ids;
    if (sending.current) return;
    sending.current = true;
    while (unsent.current) {
      const chapterIds = unsent.current;
      unsent.current = null;
      const result = await reorder({ bookId, chapterIds });
      if (result.error && !unsent.current) {
        focusAfter.current = null;
        setOrder(null);
        setAnnounce('');
        setError(`The new order was not saved: ${messageOf(result.error)}`);
      }
    }
    sending.current = false;
    onReordered();
  }

  return (
    <>
      {shown.length === 0 && <p className="empty">No chapters yet.</p>}
      <ol className="chapter-list">
        {shown.map((c, index) => (
          <li key={c.id}>
            <a
              href={chapterPath(bookId, c.id)}
              aria-current={c.id === openId ? 'page' : undefined}
              onClick={(e) => followLink(e, chapterPath(bookId, c.id))}
            >
              {c.title}
            </a>
            <span className="moves">
              <button
                type="button"
                ref={(el) => {
                  if (el) buttons.current.set(`${c.id}:up`, el);
                  else buttons.current.delete(`${c.id}:up`);
                }}
                aria-label={`Move “${c.title}” up`}
                title="Move up"
                disabled={index === 0}
                onClick={() => void move(index, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                ref={(el) => {
                  if (el) buttons.current.set(`${c.id}:down`, el);
                  else buttons.current.delete(`${c.id}:down`);
                }}
                aria-label={`Move “${c.title}” down`}
                title="Move down"
                disabled={index === shown.length - 1}
                onClick={() => void move(index, 1)}
              >
                ↓
              </button>
            </span>
          </li>
        ))}
      </ol>
      <p className="visually-hidden" role="status">
        {announce}
      </p>
      {error && (
        <p role="alert" className="notice error">
          {error}
        </p>
      )}
    </>
  );
}
