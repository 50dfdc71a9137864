/** All SQL for conversations. Maps rows to `Conversation`; ids are checked by the service. */
import type { Kysely, Selectable } from 'kysely';
import type { ConversationsTable, DB } from '../db/types';
import { afterRow, type Page, type PageRequest, toPage } from '../paging';
import type { Conversation } from './conversation-types';

export const CONVERSATION_CURSOR = 'conversation';

const toConversation = (r: Selectable<ConversationsTable>): Conversation => ({
  id: r.id,
  userId: r.user_id,
  title: r.title,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class ConversationRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(userId: string, title: string): Promise<Conversation> {
    const row = await this.db
      .insertInto('conversations')
      .values({ user_id: userId, title })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toConversation(row);
  }

  async findMany(userId: string, ids: readonly string[]): Promise<Conversation[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', 'in', ids)
      .execute();
    return rows.map(toConversation);
  }

  /** A page of the user's conversations, oldest first. */
  async list(userId: string, page: PageRequest<string>): Promise<Page<Conversation>> {
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
