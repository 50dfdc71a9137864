/** What every resolver receives: the caller, the services and per-request batch loaders. */
import DataLoader from 'dataloader';
import {
  type RegistryActor,
  type RegistryViewer,
  registryActor,
  registryViewer,
  requireAdmin,
} from '../auth/registry-access';
import type { Principal } from '../auth/tokens';
import type { Blob } from '../blobs/blob-types';
import type { Book } from '../books/book-types';
import type { Conversation } from '../conversations/conversation-types';
import { AppError, ErrorCode } from '../errors';
import type { EventBackbone } from '../events/backbone';
import type { SubscriptionSlots } from '../events/subscription-slots';
import type { ProcessorHealthService } from '../health/processor-health';
import type { ProcessorRecord } from '../processor-registry/processor-types';
import type { SchemaRecord } from '../registry/schema-types';
import type { ReprocessingService } from '../runtime/reprocessing-service';
import type { RunRepository } from '../runtime/run-repository';
import type { RunService } from '../runtime/run-service';
import type { Services } from '../services';

export interface Loaders {
  blob: DataLoader<string, Blob | null>;
  derived: DataLoader<string, Blob[]>;
  schema: DataLoader<string, SchemaRecord | null>;
  processor: DataLoader<string, ProcessorRecord | null>;
  book: DataLoader<string, Book | null>;
  conversation: DataLoader<string, Conversation | null>;
}

export interface Context {
  principal: Principal | null;
  services: Services;
  /** Per-request batch loaders. Subscriptions replace them for each delivered event. */
  loaders: Loaders;
  events: EventBackbone;
  /** Reads of runs (lists, follow-ups). */
  runs: RunRepository;
  /** Requests, retries, cancels, replays: the only way runs are asked for and steered. */
  runService: RunService;
  /** Reprocessings (admins only; see `adminOf`). */
  reprocessings: ReprocessingService;
  /** Called after a reprocessing was recorded: its driver polls at once. */
  onReprocess: () => void;
  /** Processor health (admins only; see `adminOf`). */
  health: ProcessorHealthService;
  /** Wakes the outbox relay after a write that queued events. */
  onWrite: () => void;
  /** Records how long an event took from being written to being delivered. */
  observeEventLag: (seconds: number) => void;
  /** Undelivered events kept per subscription. */
  subscriptionBuffer: number;
  /** The per-user cap on open subscriptions, everywhere. */
  slots: SubscriptionSlots;
}

function byId<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const found = new Map((await load(ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/** Loaders scoped to one user, so a batch can never return another user's rows. */
export function createLoaders(services: Services, userId: string | null): Loaders {
  const uid = userId ?? '';
  return {
    blob: byId((ids) => services.blobs.getMany(uid, ids)),
    derived: new DataLoader(async (parentIds) => {
      const rows = await services.blobs.derivedOf(uid, parentIds);
      return parentIds.map((id) => rows.filter((b) => b.parentId === id));
    }),
    schema: byId((ids) => services.schemas.getMany(ids)),
    processor: byId((ids) => services.processors.getMany(ids)),
    book: byId((ids) => services.books.getMany(uid, ids)),
    conversation: byId((ids) => services.conversations.getMany(uid, ids)),
  };
}

/** The caller's registry rights; UNAUTHENTICATED without a token, FORBIDDEN without a role. */
export function registryActorOf(ctx: Context): RegistryActor {
  return registryActor(userOf(ctx), ctx.principal!.roles);
}

/** The caller and whether they are a registry admin; UNAUTHENTICATED without a token. */
export function registryViewerOf(ctx: Context): RegistryViewer {
  return registryViewer(userOf(ctx), ctx.principal!.roles);
}

/** The caller's id when an admin; UNAUTHENTICATED without a token, FORBIDDEN without the role. */
export function adminOf(ctx: Context): string {
  return requireAdmin(userOf(ctx), ctx.principal!.roles);
}

/** The caller's user id; UNAUTHENTICATED when the request carried no token. */
export function userOf(ctx: Context): string {
  if (!ctx.principal) {
    throw new AppError(
      ErrorCode.UNAUTHENTICATED,
      'Send "Authorization: Bearer <token>" (run `npm run token` for a development token)',
    );
  }
  return ctx.principal.userId;
}
