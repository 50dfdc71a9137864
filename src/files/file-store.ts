/**
 * Files kept outside blobs (book and pitch exports): in PostgreSQL, so every API instance can
 * serve them, owned by one user and downloaded with that user's token at `/files/:id`.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { isUuid } from '../ids';

export interface FileRecord {
  id: string;
  userId: string;
  name: string;
  mediaType: string;
  size: number;
  createdAt: Date;
}

/** The largest file kept: 50 MiB. */
const MAX_FILE_BYTES = 50 * 1024 * 1024;

export class FileStore {
  constructor(private readonly db: Kysely<DB>) {}

  async store(
    userId: string,
    name: string,
    mediaType: string,
    content: Buffer,
  ): Promise<FileRecord> {
    if (content.length > MAX_FILE_BYTES)
      throw new Error(`file ${name} is ${content.length} bytes; the limit is ${MAX_FILE_BYTES}`);
    const row = await this.db
      .insertInto('files')
      .values({ user_id: userId, name, media_type: mediaType, size: content.length, content })
      .returning(['id', 'user_id', 'name', 'media_type', 'size', 'created_at'])
      .executeTakeFirstOrThrow();
    return {
      id: row.id,
      userId: row.user_id,
      name: row.name,
      mediaType: row.media_type,
      size: row.size,
      createdAt: row.created_at,
    };
  }

  /** The file with its content, or null when absent or another user's. */
  async read(userId: string, id: string): Promise<(FileRecord & { content: Buffer }) | null> {
    if (!isUuid(id)) return null;
    const row = await this.db
      .selectFrom('files')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) return null;
    return {
      id: row.id,
      userId: row.user_id,
      name: row.name,
      mediaType: row.media_type,
      size: row.size,
      createdAt: row.created_at,
      content: row.content,
    };
  }
}
