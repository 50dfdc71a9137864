/** Conversations group a user's blobs as an exchange, in creation order. */
import type { Kysely, Selectable } from 'kysely';
import type { ConversationsTable, DB } from '../db/types';
import { badInput } from '../errors';
import { isUuid } from '../ids';

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

  async list(userId: string): Promise<Conversation[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toConversation);
  }
}
