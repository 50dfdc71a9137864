/** Books group a user's blobs into chapters. All SQL for books lives here: it is two statements. */
import type { Kysely, Selectable } from 'kysely';
import type { BooksTable, DB } from '../db/types';
import { badInput, notFound } from '../errors';
import { isUuid } from '../ids';
import { afterRow, isUuidKey, type Page, pageRequest, toPage } from '../paging';

const BOOK_CURSOR = 'book';

export interface Book {
  id: string;
  userId: string;
  title: string;
  author: string | null;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface BookInput {
  title: string;
  author?: string | null;
  description?: string | null;
}

const toBook = (r: Selectable<BooksTable>): Book => ({
  id: r.id,
  userId: r.user_id,
  title: r.title,
  author: r.author,
  description: r.description,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

function checked(input: BookInput): BookInput {
  const title = input.title.trim();
  if (title.length === 0 || title.length > 500)
    throw badInput('title', 'Title must be 1-500 characters');
  if (input.author != null && input.author.length > 200)
    throw badInput('author', 'Author must be at most 200 characters');
  if (input.description != null && input.description.length > 10000) {
    throw badInput('description', 'Description must be at most 10000 characters');
  }
  return { title, author: input.author ?? null, description: input.description ?? null };
}

export class BookService {
  constructor(private readonly db: Kysely<DB>) {}

  async create(userId: string, input: BookInput): Promise<Book> {
    const { title, author, description } = checked(input);
    const row = await this.db
      .insertInto('books')
      .values({ user_id: userId, title, author: author ?? null, description: description ?? null })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toBook(row);
  }

  async update(userId: string, id: string, input: BookInput): Promise<Book> {
    const { title, author, description } = checked(input);
    const row = isUuid(id)
      ? await this.db
          .updateTable('books')
          .set({
            title,
            author: author ?? null,
            description: description ?? null,
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .where('user_id', '=', userId)
          .returningAll()
          .executeTakeFirst()
      : undefined;
    if (!row) throw notFound('Book', id);
    return toBook(row);
  }

  async get(userId: string, id: string): Promise<Book | null> {
    return (await this.getMany(userId, [id]))[0] ?? null;
  }

  async getMany(userId: string, ids: readonly string[]): Promise<Book[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const rows = await this.db
      .selectFrom('books')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', 'in', valid)
      .execute();
    return rows.map(toBook);
  }

  /** A page of the user's books, oldest first; `after` is a cursor from a previous page. */
  async list(userId: string, first?: number | null, after?: string | null): Promise<Page<Book>> {
    const page = pageRequest(BOOK_CURSOR, first, after, isUuidKey);
    let q = this.db.selectFrom('books').selectAll().where('user_id', '=', userId);
    if (page.after !== null) q = q.where(afterRow('books', userId, page.after));
    const rows = await q
      .orderBy('created_at')
      .orderBy('id')
      .limit(page.first + 1)
      .execute();
    return toPage(BOOK_CURSOR, rows.map(toBook), page.first, (b) => b.id);
  }
}
