import type { Conversation } from '../../conversations/conversation-types';
import { builder } from '../builder';
import { forwardOnly, toConnection } from '../connection';
import { userOf } from '../context';
import { BlobRef } from './blob';

export const ConversationRef = builder.objectRef<Conversation>('Conversation');

ConversationRef.implement({
  description: 'A conversation: blobs exchanged in order.',
  fields: (t) => ({
    id: t.exposeID('id'),
    title: t.exposeString('title'),
    blobs: t.field({
      type: [BlobRef],
      description:
        'The first 100 blobs, oldest first; page with `blobs(filter: { conversationId })`.',
      resolve: async (c, _a, ctx) => {
        const cap = ctx.loaders.budget.cap();
        const page = await ctx.services.blobs.list(
          userOf(ctx),
          { conversationId: c.id },
          'OLDEST_FIRST',
          100,
          null,
          cap,
        );
        return ctx.loaders.budget.read(page.blobs, cap);
      },
    }),
    createdAt: t.field({ type: 'DateTime', resolve: (c) => c.createdAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (c) => c.updatedAt }),
  }),
});

export const ConversationConnection = builder.connectionObject(
  { type: ConversationRef, name: 'ConversationConnection' },
  { name: 'ConversationEdge' },
);

builder.queryFields((t) => ({
  conversation: t.field({
    type: ConversationRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => {
      userOf(ctx);
      return ctx.loaders.conversation.load(String(id));
    },
  }),
  conversations: t.connection(
    {
      type: ConversationRef,
      description: 'Your conversations, oldest first, at most 100 a page.',
      resolve: async (_r, args, ctx) => {
        const { first, after } = forwardOnly(args);
        return toConnection(await ctx.services.conversations.list(userOf(ctx), first, after), args);
      },
    },
    ConversationConnection,
  ),
}));

builder.mutationFields((t) => ({
  createConversation: t.field({
    type: ConversationRef,
    args: { title: t.arg.string({ required: true }) },
    resolve: (_r, { title }, ctx) => ctx.services.conversations.create(userOf(ctx), { title }),
  }),
}));
