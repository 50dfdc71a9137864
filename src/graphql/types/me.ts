import { builder } from '../builder';
import { userOf } from '../context';
import { BookRef } from './book';
import { ConversationRef } from './conversation';
import { ProcessorInstanceRef } from './processor';

interface Me {
  userId: string;
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
      resolve: async (m, _a, ctx) => (await ctx.services.blobs.stats(m.userId)).count,
    }),
    totalSize: t.int({
      description: 'Bytes of data across those blobs.',
      resolve: async (m, _a, ctx) => (await ctx.services.blobs.stats(m.userId)).totalSize,
    }),
  }),
});

builder.queryField('me', (t) =>
  t.field({ type: MeRef, resolve: (_r, _a, ctx) => ({ userId: userOf(ctx) }) }),
);
