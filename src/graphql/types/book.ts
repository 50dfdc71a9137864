import { MAX_CHAPTERS } from '../../blobs/blob-service';
import type { Book } from '../../books/book-types';
import { builder } from '../builder';
import { forwardOnly, toConnection } from '../connection';
import { userOf } from '../context';
import { BlobRef } from './blob';

export const BookRef = builder.objectRef<Book>('Book');

BookRef.implement({
  description: "A book: the user's chapters and what processors derived from them.",
  fields: (t) => ({
    id: t.exposeID('id'),
    title: t.exposeString('title'),
    author: t.exposeString('author', { nullable: true }),
    description: t.exposeString('description', { nullable: true }),
    chapters: t.field({
      type: [BlobRef],
      description:
        'Top-level blobs of the book, ordered by `data.metadata.chapter`, then creation: the first 1000. Page through all of a book with `blobs(filter: { bookId })`.',
      resolve: async (b, _a, ctx) => {
        const cap = ctx.loaders.budget.cap();
        return ctx.loaders.budget.read(
          await ctx.services.blobs.chaptersOf(userOf(ctx), b.id, MAX_CHAPTERS, cap),
          cap,
        );
      },
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (b) => b.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (b) => b.updatedAt }),
  }),
});

export const BookConnection = builder.connectionObject(
  { type: BookRef, name: 'BookConnection' },
  { name: 'BookEdge' },
);

const BookInput = builder.inputType('BookInput', {
  fields: (t) => ({
    title: t.string({ required: true }),
    author: t.string(),
    description: t.string(),
  }),
});

builder.queryFields((t) => ({
  book: t.field({
    type: BookRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => {
      userOf(ctx);
      return ctx.loaders.book.load(String(id));
    },
  }),
  books: t.connection(
    {
      type: BookRef,
      description: 'Your books, oldest first, at most 100 a page.',
      resolve: async (_r, args, ctx) => {
        const { first, after } = forwardOnly(args);
        return toConnection(await ctx.services.books.list(userOf(ctx), first, after), args);
      },
    },
    BookConnection,
  ),
}));

builder.mutationFields((t) => ({
  createBook: t.field({
    type: BookRef,
    args: { input: t.arg({ type: BookInput, required: true }) },
    resolve: (_r, { input }, ctx) => ctx.services.books.create(userOf(ctx), input),
  }),
  updateBook: t.field({
    type: BookRef,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: BookInput, required: true }) },
    resolve: (_r, { id, input }, ctx) => ctx.services.books.update(userOf(ctx), String(id), input),
  }),
  reorderChapters: t.field({
    type: BookRef,
    description:
      "Puts the book's chapters in this order: `chapterIds` lists each of its chapters exactly once (at most 1000). Each chapter that moves gets a new version with `data.metadata.chapter` set to its place; all or nothing. Chapters keep their text, so nothing is expanded again. BAD_USER_INPUT for a list that is not the book's chapters, NOT_FOUND for a book that is not yours, VERSION_CONFLICT when a chapter changed meanwhile, PAYLOAD_TOO_LARGE (with `limit`) when the chapters hold more data than one response may carry (REYNA_RESPONSE_DATA_BYTES, 16 MiB by default): a reorder rewrites them.",
    args: {
      bookId: t.arg.id({ required: true }),
      chapterIds: t.arg.idList({ required: true }),
    },
    resolve: async (_r, { bookId, chapterIds }, ctx) => {
      const userId = userOf(ctx);
      await ctx.services.blobs.reorderChapters(
        userId,
        String(bookId),
        chapterIds.map(String),
        ctx.meter,
      );
      return (await ctx.services.books.get(userId, String(bookId)))!;
    },
  }),
}));
