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
import { DataBudget, type DataPools, MAX_LIST_ROWS, tooManyRows } from '../blobs/data-budget';
import type { Book } from '../books/book-types';
import type { Conversation } from '../conversations/conversation-types';
import { AppError, ErrorCode } from '../errors';
import type { EventBackbone } from '../events/backbone';
import type { SubscriptionSlots } from '../events/subscription-slots';
import type { ProcessorHealthService } from '../health/processor-health';
import { type CostMeter, chargeRead } from '../http/cost-meter';
import type { ProcessorRecord } from '../processor-registry/processor-types';
import type { SchemaRecord } from '../registry/schema-types';
import type { ReprocessingService } from '../runtime/reprocessing-service';
import type { RunRepository } from '../runtime/run-repository';
import type { RunService } from '../runtime/run-service';
import type { Services } from '../services';

export interface Loaders {
  /** The blob data this response may still carry; every read below is capped by it. */
  budget: DataBudget;
  blob: DataLoader<string, Blob | null>;
  /**
   * The data of blobs a capped read left out, for `data` fields that turned out to fit: what a
   * read holds is capped in its own order, and a query may serve only some of it (the current
   * derived blobs, not the superseded ones read before them).
   */
  data: DataLoader<string, Blob | null>;
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
  /**
   * What this operation's expensive work is charged to (its user's share of the event loop; see
   * cost-meter.ts). Absent where nothing is charged: no budgets, no user, a subscription's
   * deliveries.
   */
  meter?: CostMeter;
}

function byId<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const found = new Map((await load(ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/**
 * Loaders scoped to one user, so a batch can never return another user's rows. Each loader is
 * made when first used: a context that never loads (an idle subscription, of which a process
 * may hold 10,000) holds one small object instead of six loaders and their caches.
 */
export function createLoaders(
  services: Services,
  userId: string | null,
  /** The process's per-user pools, for a request's own loaders (not a delivery's). */
  pools?: DataPools,
  /** The request's meter, charged for the blob data its reads hold. */
  meter?: CostMeter,
): Loaders {
  return new LazyLoaders(services, userId ?? '', pools, meter);
}

class LazyLoaders implements Loaders {
  private budget_?: DataBudget;
  private blob_?: Loaders['blob'];
  private data_?: Loaders['data'];
  private derived_?: Loaders['derived'];
  private schema_?: Loaders['schema'];
  private processor_?: Loaders['processor'];
  private book_?: Loaders['book'];
  private conversation_?: Loaders['conversation'];

  constructor(
    private readonly services: Services,
    private readonly uid: string,
    private readonly pools?: DataPools,
    private readonly meter?: CostMeter,
  ) {}

  get budget(): DataBudget {
    this.budget_ ??= new DataBudget(
      this.services.blobs.responseDataBytes,
      this.pools && this.uid ? { pools: this.pools, userId: this.uid } : undefined,
      this.meter,
    );
    return this.budget_;
  }

  get blob(): Loaders['blob'] {
    this.blob_ ??= byId(async (ids) => {
      const cap = this.budget.cap();
      return this.budget.read(await this.services.blobs.getMany(this.uid, ids, cap), cap);
    });
    return this.blob_;
  }

  get data(): Loaders['data'] {
    // Uncapped: each id was admitted by `budget.take` and `budget.admit` before it was asked for.
    this.data_ ??= byId(async (ids) => {
      const rows = await this.services.blobs.getMany(this.uid, ids);
      chargeRead(this.meter, rows);
      return rows;
    });
    return this.data_;
  }

  get derived(): Loaders['derived'] {
    this.derived_ ??= new DataLoader(async (parentIds) => {
      const cap = this.budget.cap(MAX_LIST_ROWS);
      const rows = this.budget.read(
        await this.services.blobs.derivedOf(this.uid, parentIds, cap),
        cap,
      );
      if (rows.length > MAX_LIST_ROWS)
        throw tooManyRows('derived', 'page them with blobs(filter: { parentId })');
      const byParent = new Map<string, Blob[]>();
      for (const row of rows) {
        const siblings = byParent.get(row.parentId!);
        if (siblings) siblings.push(row);
        else byParent.set(row.parentId!, [row]);
      }
      return parentIds.map((id) => byParent.get(id.toLowerCase()) ?? []);
    });
    return this.derived_;
  }

  get schema(): Loaders['schema'] {
    this.schema_ ??= byId((ids) => this.services.schemas.getMany(ids));
    return this.schema_;
  }

  get processor(): Loaders['processor'] {
    this.processor_ ??= byId((ids) => this.services.processors.getMany(ids));
    return this.processor_;
  }

  get book(): Loaders['book'] {
    this.book_ ??= byId((ids) => this.services.books.getMany(this.uid, ids));
    return this.book_;
  }

  get conversation(): Loaders['conversation'] {
    this.conversation_ ??= byId((ids) => this.services.conversations.getMany(this.uid, ids));
    return this.conversation_;
  }
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
