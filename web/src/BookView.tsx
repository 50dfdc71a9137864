/** A book: its chapters in order beside the split view of the chapter open. */
import { BookDocument, dataOf } from '@reyna-studio/sdk';
import { useState } from 'react';
import { useQuery } from 'urql';
import { ChapterList } from './ChapterList';
import { messageOf } from './errors';
import { bookPath, chapterPath, exportPath, followLink, navigate, replaceQuietly } from './router';
import { SplitView } from './SplitView';

export interface Chapter {
  id: string;
  version: number;
  number: number;
  title: string;
  content: string;
  style: string;
}

export function BookView({ bookId, chapterId }: { bookId: string; chapterId: string | null }) {
  const [book, refetch] = useQuery({ query: BookDocument, variables: { id: bookId } });
  // A chapter created in the split view keeps its editor: the address follows quietly.
  // (each new chapter gets an editor of its own: `fresh` counts them).
  const [fresh, setFresh] = useState(0);
  const [created, setCreated] = useState<string | null>(null);
  const openId = chapterId === 'new' && created ? created : chapterId;
  const editorKey =
    chapterId === 'new' || (chapterId !== null && chapterId === created)
      ? `new-${fresh}`
      : chapterId;

  if (book.fetching && !book.data) return <p role="status">Loading the book…</p>;
  if (book.error) {
    return (
      <div role="alert" className="notice error">
        <p>This book could not be loaded: {messageOf(book.error)}</p>
        <button type="button" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Try again
        </button>
      </div>
    );
  }
  if (!book.data?.book) {
    return (
      <div role="alert" className="notice">
        <p>There is no such book among yours.</p>
        <a href="/" onClick={(e) => followLink(e, '/')}>
          Back to your books
        </a>
      </div>
    );
  }
  // A book holds its compiled exports and linked pitches too: only its texts are chapters.
  const texts = book.data.book.chapters.filter(
    (blob) => blob.schemaId === 'text-input-v2' || blob.schemaId === 'text-input-v1',
  );
  const chapters: Chapter[] = texts.map((blob, index) => {
    const data = dataOf(blob, 'text-input-v2') ?? dataOf(blob, 'text-input-v1');
    const meta = (data?.metadata ?? {}) as { title?: string; chapter?: number; style?: string };
    return {
      id: blob.id,
      version: blob.version,
      number: meta.chapter ?? index + 1,
      title: meta.title ?? `Chapter ${index + 1}`,
      content: data?.content ?? '',
      style: meta.style ?? '',
    };
  });
  const next = Math.max(0, ...chapters.map((c) => c.number)) + 1;
  const open = chapters.find((c) => c.id === openId) ?? null;
  const editing =
    chapterId === 'new' || open !== null || (chapterId !== null && chapterId === created);

  return (
    <div className="book-view">
      <nav className="chapters" aria-label="Chapters">
        <a className="back" href="/" onClick={(e) => followLink(e, '/')}>
          ← Your books
        </a>
        <h1>{book.data.book.title}</h1>
        <ChapterList
          bookId={bookId}
          chapters={chapters}
          openId={openId}
          onReordered={() => refetch({ requestPolicy: 'network-only' })}
        />
        <button
          type="button"
          onClick={() => {
            setCreated(null);
            setFresh((n) => n + 1);
            navigate(`${bookPath(bookId)}/chapters/new`);
          }}
        >
          Add chapter
        </button>
        <p>
          <a href={exportPath(bookId)} onClick={(e) => followLink(e, exportPath(bookId))}>
            Compile and export
          </a>
        </p>
      </nav>
      <section className="workspace">
        {editing ? (
          <SplitView
            key={editorKey}
            bookId={bookId}
            chapter={open}
            number={open?.number ?? next}
            onCreated={(id) => {
              setCreated(id);
              replaceQuietly(chapterPath(bookId, id));
              refetch({ requestPolicy: 'network-only' });
            }}
          />
        ) : (
          <p className="empty">
            {chapterId
              ? 'There is no such chapter in this book.'
              : 'Open a chapter, or add one, to write.'}
          </p>
        )}
      </section>
    </div>
  );
}
