/** Books group a user's blobs into chapters: the rules for their fields; SQL is the repository's. */
import { badInput, notFound } from '../errors';
import { isUuid } from '../ids';
import { isUuidKey, type Page, pageRequest } from '../paging';
import { BOOK_CURSOR, type BookFields, type BookRepository } from './book-repository';
import type { Book, BookInput } from './book-types';

function checked(input: BookInput): BookFields {
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
  constructor(private readonly repo: BookRepository) {}

  async create(userId: string, input: BookInput): Promise<Book> {
    return this.repo.insert(userId, checked(input));
  }

  async update(userId: string, id: string, input: BookInput): Promise<Book> {
    const fields = checked(input);
    const book = isUuid(id) ? await this.repo.update(userId, id, fields) : null;
    if (!book) throw notFound('Book', id);
    return book;
  }

  async get(userId: string, id: string): Promise<Book | null> {
    return (await this.getMany(userId, [id]))[0] ?? null;
  }

  async getMany(userId: string, ids: readonly string[]): Promise<Book[]> {
    return this.repo.findMany(userId, ids.filter(isUuid));
  }

  /** A page of the user's books, oldest first; `after` is a cursor from a previous page. */
  async list(userId: string, first?: number | null, after?: string | null): Promise<Page<Book>> {
    return this.repo.list(userId, pageRequest(BOOK_CURSOR, first, after, isUuidKey));
  }
}
