import type { Usage } from '../../blobs/blob-types';
import { builder } from '../builder';
import { forwardOnly, toConnection } from '../connection';
import { userOf } from '../context';
import { BookConnection, BookRef } from './book';
import { ConversationConnection, ConversationRef } from './conversation';
import { ProcessorInstanceConnection, ProcessorInstanceRef } from './processor';

interface Me {
  userId: string;
  /** Count and size come from one read of the usage row, however many of them a query asks for. */
  stats: () => Promise<{ count: number; totalSize: number }>;
  quota: () => Promise<{ used: Usage; limit: Usage }>;
}

/**
 * One `me` per request, however many aliases ask for it: each read (stats, quota) then runs once.
 * Read again under each alias, a query of 15 aliases made 30 statements.
 */
const mine = new WeakMap<object, Me>();

const QuotaRef = builder.objectRef<{ used: Usage; limit: Usage }>('BlobQuota').implement({
  description:
    'What you may keep and what you use: blobs not deleted, and bytes of their data with earlier versions.',
  fields: (t) => ({
    blobs: t.int({ resolve: (q) => q.limit.blobs }),
    bytes: t.field({ type: 'SafeInt', resolve: (q) => q.limit.bytes }),
    usedBlobs: t.int({ resolve: (q) => q.used.blobs }),
    usedBytes: t.field({ type: 'SafeInt', resolve: (q) => q.used.bytes }),
  }),
});

const MeRef = builder.objectRef<Me>('UserState').implement({
  description: "The caller's state: what they own and how much.",
  fields: (t) => ({
    userId: t.exposeID('userId'),
    books: t.connection(
      {
        type: BookRef,
        description: 'Your books, oldest first, at most 100 a page.',
        resolve: async (m, args, ctx) => {
          const { first, after } = forwardOnly(args);
          return toConnection(await ctx.services.books.list(m.userId, first, after), args);
        },
      },
      BookConnection,
    ),
    conversations: t.connection(
      {
        type: ConversationRef,
        description: 'Your conversations, oldest first, at most 100 a page.',
        resolve: async (m, args, ctx) => {
          const { first, after } = forwardOnly(args);
          return toConnection(await ctx.services.conversations.list(m.userId, first, after), args);
        },
      },
      ConversationConnection,
    ),
    processorInstances: t.connection(
      {
        type: ProcessorInstanceRef,
        description: 'Your processor instances in processor id order, at most 100 a page.',
        resolve: async (m, args, ctx) => {
          const { first, after } = forwardOnly(args);
          return toConnection(
            await ctx.services.processors.instances(m.userId, first, after),
            args,
          );
        },
      },
      ProcessorInstanceConnection,
    ),
    quota: t.field({
      type: QuotaRef,
      description: 'Writes past the quota fail with QUOTA_EXCEEDED.',
      resolve: (m) => m.quota(),
    }),
    blobCount: t.int({
      description: 'Blobs not deleted.',
      resolve: async (m) => (await m.stats()).count,
    }),
    totalSize: t.field({
      type: 'SafeInt',
      description: 'Bytes of data across those blobs (their current versions).',
      resolve: async (m) => (await m.stats()).totalSize,
    }),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    type: MeRef,
    resolve: (_r, _a, ctx) => {
      const known = mine.get(ctx);
      if (known) return known;
      const userId = userOf(ctx);
      let stats: ReturnType<Me['stats']> | undefined;
      let quota: ReturnType<Me['quota']> | undefined;
      const me: Me = {
        userId,
        stats: () => (stats ??= ctx.services.blobs.stats(userId)),
        quota: () => (quota ??= ctx.services.blobs.quotaOf(userId)),
      };
      mine.set(ctx, me);
      return me;
    },
  }),
);
