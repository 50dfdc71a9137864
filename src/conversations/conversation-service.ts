/** Conversations group a user's blobs as an exchange: the rules; SQL is the repository's. */
import { badInput } from '../errors';
import { isUuid } from '../ids';
import { isUuidKey, type Page, pageRequest } from '../paging';
import { CONVERSATION_CURSOR, type ConversationRepository } from './conversation-repository';
import type { Conversation } from './conversation-types';

export class ConversationService {
  constructor(private readonly repo: ConversationRepository) {}

  async create(userId: string, input: { title: string }): Promise<Conversation> {
    const title = input.title.trim();
    if (title.length === 0 || title.length > 500)
      throw badInput('title', 'Title must be 1-500 characters');
    return this.repo.insert(userId, title);
  }

  async get(userId: string, id: string): Promise<Conversation | null> {
    return (await this.getMany(userId, [id]))[0] ?? null;
  }

  async getMany(userId: string, ids: readonly string[]): Promise<Conversation[]> {
    return this.repo.findMany(userId, ids.filter(isUuid));
  }

  /** A page of the user's conversations, oldest first. */
  async list(
    userId: string,
    first?: number | null,
    after?: string | null,
  ): Promise<Page<Conversation>> {
    return this.repo.list(userId, pageRequest(CONVERSATION_CURSOR, first, after, isUuidKey));
  }
}
