import { builder } from '../builder';
import { userOf } from '../context';
import { BookRef } from './book';
import { ConversationRef } from './conversation';
import { ProcessorInstanceRef } from './processor';

interface Me {
  userId: string;
  /** Count and size come from one aggregate, run once however many of them a query asks for. */
  stats: () => Promise<{ count: number; totalSize: number }>;
}

const MeRef = builder.objectRef<Me>('UserState').implement({
  description: "The caller's state: what they own and how much.",
  fields: (t) => ({
    userId: t.exposeID('userId'),
    books: t.field({ type: [BookRef], resolve: (m, _a, ctx) => ctx.services.books.list(m.userId) }),
    conversations: t.field({
      type: [ConversationRef],
      resolve: (m, _a, ctx) => ctx.services.conversations.list(m.userId),
    }),
    processorInstances: t.field({
      type: [ProcessorInstanceRef],
      resolve: (m, _a, ctx) => ctx.services.processors.instances(m.userId),
    }),
    blobCount: t.int({
      description: 'Blobs not deleted.',
      resolve: async (m) => (await m.stats()).count,
    }),
    totalSize: t.int({
      description: 'Bytes of data across those blobs.',
      resolve: async (m) => (await m.stats()).totalSize,
    }),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    type: MeRef,
    resolve: (_r, _a, ctx) => {
      const userId = userOf(ctx);
      let stats: Promise<{ count: number; totalSize: number }> | undefined;
      return { userId, stats: () => (stats ??= ctx.services.blobs.stats(userId)) };
    },
  }),
);
