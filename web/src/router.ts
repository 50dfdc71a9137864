/**
 * The Studio's routes, read from the path: `/`, `/books/:id`, `/books/:id/chapters/:chapter`,
 * `/books/:id/export`, `/pitches`, `/pitches/:id`, `/runs`.
 */
import { type MouseEvent, useSyncExternalStore } from 'react';

export type Route =
  | { page: 'library' }
  | { page: 'runs' }
  | { page: 'book'; bookId: string; chapterId: string | null }
  | { page: 'export'; bookId: string }
  | { page: 'pitches'; pitchId: string | null };

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function parseRoute(path: string): Route {
  if (/^\/runs\/?$/.test(path)) return { page: 'runs' };
  const exporting = /^\/books\/([^/]+)\/export\/?$/.exec(path);
  if (exporting) return { page: 'export', bookId: decodeURIComponent(exporting[1]!) };
  const pitch = /^\/pitches(?:\/([^/]+))?\/?$/.exec(path);
  if (pitch) return { page: 'pitches', pitchId: pitch[1] ? decodeURIComponent(pitch[1]) : null };
  const book = /^\/books\/([^/]+)(?:\/chapters\/([^/]+))?\/?$/.exec(path);
  if (book) {
    return {
      page: 'book',
      bookId: decodeURIComponent(book[1]!),
      chapterId: book[2] ? decodeURIComponent(book[2]) : null,
    };
  }
  return { page: 'library' };
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

/** Changes the address without telling the app (the page already shows what it names). */
export function replaceQuietly(path: string): void {
  window.history.replaceState(null, '', path);
}

export const bookPath = (bookId: string) => `/books/${encodeURIComponent(bookId)}`;
export const exportPath = (bookId: string) => `${bookPath(bookId)}/export`;
export const pitchPath = (pitchId: string) => `/pitches/${encodeURIComponent(pitchId)}`;
export const chapterPath = (bookId: string, chapterId: string) =>
  `${bookPath(bookId)}/chapters/${encodeURIComponent(chapterId)}`;

/** A link's click that changes the page without reloading it (a modified click opens a tab). */
export function followLink(event: MouseEvent<HTMLAnchorElement>, path: string): void {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  navigate(path);
}
