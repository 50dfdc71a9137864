/**
 * A per-user cap on open subscriptions, across every socket and every API instance. With
 * `REDIS_URL` the slots live in Redis (one sorted set per user, each slot leased and renewed by
 * the instance holding it, so a crashed instance's slots lapse within a lease); without it, in
 * this process. Over the cap: TOO_MANY_SUBSCRIPTIONS, and nothing is opened.
 *
 * A Redis that does not answer lets subscriptions through (as the rate limits do): a store
 * failure is not the client's fault, and the per-connection cap still holds.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { AppError, ErrorCode } from '../errors';
import type { Logger } from '../logger';

export interface SubscriptionSlots {
  /** Takes one of `userId`'s slots; resolves with its release (safe to call twice). */
  acquire(userId: string): Promise<() => void>;
  /** Slots this process holds for `userId` (all users when omitted). */
  held(userId?: string): number;
  close(): Promise<void>;
}

export interface SlotOptions {
  /** Subscriptions one user may hold at once, everywhere. */
  max: number;
  redisUrl?: string;
  /** Key prefix (the deployment id). */
  prefix: string;
  log: Logger;
  /** How long a slot lives without renewal. Default 60 s. */
  leaseMs?: number;
}

const tooMany = (max: number) =>
  new AppError(
    ErrorCode.TOO_MANY_SUBSCRIPTIONS,
    `At most ${max} open subscriptions per user, across all connections: close one first`,
    { limit: max },
  );

/** Atomically: drop lapsed slots, refuse at the cap, else take one. */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

export function createSubscriptionSlots(options: SlotOptions): SubscriptionSlots {
  const held = new Map<string, Set<string>>();
  const count = (userId?: string) =>
    userId === undefined
      ? [...held.values()].reduce((n, s) => n + s.size, 0)
      : (held.get(userId)?.size ?? 0);
  const remember = (userId: string, slot: string) => {
    const slots = held.get(userId) ?? new Set<string>();
    held.set(userId, slots);
    slots.add(slot);
  };
  const forget = (userId: string, slot: string): boolean => {
    const slots = held.get(userId);
    if (!slots?.delete(slot)) return false;
    if (slots.size === 0) held.delete(userId);
    return true;
  };

  if (!options.redisUrl) {
    return {
      async acquire(userId) {
        if (count(userId) >= options.max) throw tooMany(options.max);
        const slot = randomUUID();
        remember(userId, slot);
        return () => void forget(userId, slot);
      },
      held: count,
      async close() {},
    };
  }

  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  const leaseMs = options.leaseMs ?? 60_000;
  const instance = randomUUID();
  const key = (userId: string) => `${options.prefix}:subs:${userId}`;
  // Renew every slot this instance holds well before its lease lapses.
  const renew = setInterval(() => {
    const pipeline = redis.pipeline();
    const until = Date.now() + leaseMs;
    for (const [userId, slots] of held) {
      for (const slot of slots) pipeline.zadd(key(userId), 'XX', until, slot);
      pipeline.pexpire(key(userId), leaseMs * 2);
    }
    pipeline.exec().catch(() => {});
  }, leaseMs / 3);
  renew.unref();

  return {
    async acquire(userId) {
      const slot = `${instance}:${randomUUID()}`;
      const now = Date.now();
      let taken: unknown;
      try {
        taken = await redis.eval(
          ACQUIRE,
          1,
          key(userId),
          now,
          options.max,
          now + leaseMs,
          slot,
          leaseMs * 2,
        );
      } catch (error) {
        options.log.warn('subscription slots unavailable: letting the subscription through', {
          error,
        });
        taken = 1;
      }
      if (taken !== 1) throw tooMany(options.max);
      remember(userId, slot);
      return () => {
        if (forget(userId, slot)) redis.zrem(key(userId), slot).catch(() => {});
      };
    },
    held: count,
    async close() {
      clearInterval(renew);
      const pipeline = redis.pipeline();
      for (const [userId, slots] of held) pipeline.zrem(key(userId), ...slots);
      held.clear();
      await pipeline.exec().catch(() => {});
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * Opens a subscription inside one of the user's slots: the slot is released when the
 * subscription closes (or when opening it fails).
 */
export async function inSlot<T extends { close(): Promise<void> }>(
  slots: SubscriptionSlots,
  userId: string,
  open: () => Promise<T>,
): Promise<T> {
  const release = await slots.acquire(userId);
  let opened: T;
  try {
    opened = await open();
  } catch (error) {
    release();
    throw error;
  }
  const close = opened.close.bind(opened);
  opened.close = async () => {
    release();
    await close();
  };
  return opened;
}
