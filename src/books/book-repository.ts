/** All SQL for books. Maps rows to `Book`; ids are checked as UUIDs by the service. */
import type { Kysely, Selectable } from 'kysely';
import type { BooksTable, DB } from '../db/types';
import { afterRow, type Page, type PageRequest, toPage } from '../paging';
import type { Book } from './book-types';

export const BOOK_CURSOR = 'book';

/** The fields a book is written with, already checked. */
export interface BookFields {
  title: string;
  author: string | null;
  description: string | null;
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

export class BookRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(userId: string, fields: BookFields): Promise<Book> {
    const row = await this.db
      .insertInto('books')
      .values({ user_id: userId, ...fields })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toBook(row);
  }

  /** The updated book, or null when the user has no book `id`. */
  async update(userId: string, id: string, fields: BookFields): Promise<Book | null> {
    const row = await this.db
      .updateTable('books')
      .set({ ...fields, updated_at: new Date() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirst();
    return row ? toBook(row) : null;
  }

  async findMany(userId: string, ids: readonly string[]): Promise<Book[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('books')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', 'in', ids)
      .execute();
    return rows.map(toBook);
  }

  /** A page of the user's books, oldest first. */
  async list(userId: string, page: PageRequest<string>): Promise<Page<Book>> {
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
