/** A conversation: a user's title for blobs kept as an exchange, in creation order. */
export interface Conversation {
  id: string;
  userId: string;
  title: string;
  createdAt: Date;
  updatedAt: Date;
}
