/** Conversations group a user's blobs as an exchange, in creation order. */
import type { Kysely, Selectable } from 'kysely';
import type { ConversationsTable, DB } from '../db/types';
import { badInput } from '../errors';
import { isUuid } from '../ids';
import { afterRow, isUuidKey, type Page, pageRequest, toPage } from '../paging';

const CONVERSATION_CURSOR = 'conversation';

export interface Conversation {
  id: string;
  userId: string;
  title: string;
  createdAt: Date;
  updatedAt: Date;
}

const toConversation = (r: Selectable<ConversationsTable>): Conversation => ({
  id: r.id,
  userId: r.user_id,
  title: r.title,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class ConversationService {
  constructor(private readonly db: Kysely<DB>) {}

  async create(userId: string, input: { title: string }): Promise<Conversation> {
    const title = input.title.trim();
    if (title.length === 0 || title.length > 500)
      throw badInput('title', 'Title must be 1-500 characters');
    const row = await this.db
      .insertInto('conversations')
      .values({ user_id: userId, title })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toConversation(row);
  }

  async get(userId: string, id: string): Promise<Conversation | null> {
    return (await this.getMany(userId, [id]))[0] ?? null;
  }

  async getMany(userId: string, ids: readonly string[]): Promise<Conversation[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', 'in', valid)
      .execute();
    return rows.map(toConversation);
  }

  /** A page of the user's conversations, oldest first. */
  async list(
    userId: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Conversation>> {
    const page = pageRequest(CONVERSATION_CURSOR, first, after, isUuidKey);
    let q = this.db.selectFrom('conversations').selectAll().where('user_id', '=', userId);
    if (page.after !== null) q = q.where(afterRow('conversations', userId, page.after));
    const rows = await q
      .orderBy('created_at')
      .orderBy('id')
      .limit(page.first + 1)
      .execute();
    return toPage(CONVERSATION_CURSOR, rows.map(toConversation), page.first, (c) => c.id);
  }
}
