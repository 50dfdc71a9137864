/** The library: the user's books, to create, rename and open. */
import { BooksDocument, CreateBookDocument, UpdateBookDocument } from '@reyna-studio/sdk';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { issuesOf, messageOf } from './errors';
import { bookPath, followLink, navigate } from './router';

export function Library() {
  const [books, refetch] = useQuery({ query: BooksDocument, variables: { first: 100 } });
  const [created, createBook] = useMutation(CreateBookDocument);
  const [title, setTitle] = useState('');

  const list = books.data?.books.edges.map((e) => e.node) ?? [];
  return (
    <section className="library" aria-labelledby="library-title">
      <h1 id="library-title">Your books</h1>
      <form
        className="row"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!title.trim()) return;
          const result = await createBook({ input: { title: title.trim() } });
          if (result.data) {
            setTitle('');
            navigate(bookPath(result.data.createBook.id));
          }
        }}
      >
        <label htmlFor="new-book-title">New book title</label>
        <input
          id="new-book-title"
          value={title}
          maxLength={500}
          onChange={(e) => setTitle(e.target.value)}
          aria-describedby="new-book-error"
        />
        <button type="submit" disabled={created.fetching || !title.trim()}>
          Create book
        </button>
      </form>
      {created.error && (
        <p id="new-book-error" className="field-error" role="alert">
          {issuesOf(created.error)[0]?.message ?? messageOf(created.error)}
        </p>
      )}
      {books.fetching && !books.data && <p role="status">Loading your books…</p>}
      {books.error && (
        <div role="alert" className="notice error">
          <p>Your books could not be loaded: {messageOf(books.error)}</p>
          <button type="button" onClick={() => refetch({ requestPolicy: 'network-only' })}>
            Try again
          </button>
        </div>
      )}
      {books.data && list.length === 0 && (
        <p className="empty">No books yet. Give your first book a title above to start writing.</p>
      )}
      <ul className="books" aria-label="Books">
        {list.map((book) => (
          <BookItem
            key={book.id}
            book={book}
            onRenamed={() => refetch({ requestPolicy: 'network-only' })}
          />
        ))}
      </ul>
    </section>
  );
}

function BookItem({
  book,
  onRenamed,
}: {
  book: { id: string; title: string; author?: string | null; description?: string | null };
  onRenamed: () => void;
}) {
  const [renaming, setRenaming] = useState(false);
  const [title, setTitle] = useState(book.title);
  const [saved, updateBook] = useMutation(UpdateBookDocument);
  const inputId = `rename-${book.id}`;
  return (
    <li className="card book">
      {renaming ? (
        <form
          className="row"
          onSubmit={async (e) => {
            e.preventDefault();
            const result = await updateBook({
              id: book.id,
              input: {
                title: title.trim(),
                author: book.author ?? null,
                description: book.description ?? null,
              },
            });
            if (result.data) {
              setRenaming(false);
              onRenamed();
            }
          }}
        >
          <label htmlFor={inputId}>Title of “{book.title}”</label>
          <input id={inputId} value={title} onChange={(e) => setTitle(e.target.value)} />
          <button type="submit" disabled={saved.fetching || !title.trim()}>
            Save title
          </button>
          <button type="button" onClick={() => setRenaming(false)}>
            Cancel
          </button>
          {saved.error && (
            <p className="field-error" role="alert">
              {issuesOf(saved.error)[0]?.message ?? messageOf(saved.error)}
            </p>
          )}
        </form>
      ) : (
        <>
          <a
            className="book-title"
            href={bookPath(book.id)}
            onClick={(e) => followLink(e, bookPath(book.id))}
          >
            {book.title}
          </a>
          <button
            type="button"
            aria-label={`Rename “${book.title}”`}
            onClick={() => {
              setTitle(book.title);
              setRenaming(true);
            }}
          >
            Rename
          </button>
        </>
      )}
    </li>
  );
}
