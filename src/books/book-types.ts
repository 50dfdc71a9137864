/** A book: a user's title for a group of blobs kept as chapters. */
export interface Book {
  id: string;
  userId: string;
  title: string;
  author: string | null;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** What a user gives to create or update a book. */
export interface BookInput {
  title: string;
  author?: string | null;
  description?: string | null;
}
