/**
 * Rate limits per user and per IP on HTTP requests, and on WebSocket connections. With
 * `REDIS_URL` the counters live in Redis and are shared by every API instance; without it they
 * are kept in this process. Over a limit: HTTP 429 with `RATE_LIMITED` and the time to wait
 * (`Retry-After`); a WebSocket upgrade is refused with 429.
 */
import { Redis } from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterRes,
} from 'rate-limiter-flexible';
import type { Config } from '../config';
import { ErrorCode } from '../errors';
import { CostBudget } from './cost-meter';

export interface RateLimits {
  /** Counts one request; resolves with the milliseconds to wait when over a limit, else null. */
  request(ip: string, userId: string | null): Promise<number | null>;
  /** Counts one WebSocket connection attempt from `ip`. */
  connection(ip: string): Promise<number | null>;
  /** Milliseconds until `userId` has event-loop time left, or null when they have some now. */
  costWait(userId: string): Promise<number | null>;
  /** Charges `ms` of event-loop time to `userId`'s budget. */
  chargeCost(userId: string, ms: number): Promise<void>;
  readonly store: 'redis' | 'memory';
  /** Whether the store answers (for /readyz). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

type Limits = Pick<
  Config,
  | 'redisUrl'
  | 'deploymentId'
  | 'rateLimitUser'
  | 'rateLimitIp'
  | 'rateLimitWsIp'
  | 'costLimitUserMs'
>;

export function createRateLimits(config: Limits): RateLimits {
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1 })
    : undefined;
  redis?.on('error', () => {});
  const limiter = (name: string, points: number, duration = 60): RateLimiterAbstract => {
    const options = { keyPrefix: `${config.deploymentId}:rl:${name}`, points, duration };
    return redis
      ? new RateLimiterRedis({ ...options, storeClient: redis })
      : new RateLimiterMemory(options);
  };
  const perUser = limiter('user', config.rateLimitUser);
  const perIp = limiter('ip', config.rateLimitIp);
  const wsPerIp = limiter('ws', config.rateLimitWsIp);
  // Event-loop time is this process's own: its budget is kept here, not shared through Redis.
  const cost = new CostBudget(config.costLimitUserMs);

  const consume = async (l: RateLimiterAbstract, key: string): Promise<number | null> => {
    try {
      await l.consume(key);
      return null;
    } catch (rejection) {
      // A store failure is not the client's fault: let the request through rather than fail it.
      if (rejection instanceof Error) return null;
      return Math.max(1, (rejection as RateLimiterRes).msBeforeNext);
    }
  };

  return {
    store: redis ? 'redis' : 'memory',
    async request(ip, userId) {
      const waits = await Promise.all([
        consume(perIp, ip),
        userId ? consume(perUser, userId) : null,
      ]);
      const over = waits.filter((w): w is number => w !== null);
      return over.length ? Math.max(...over) : null;
    },
    connection: (ip) => consume(wsPerIp, ip),
    costWait: async (userId) => cost.wait(userId),
    chargeCost: async (userId, ms) => cost.charge(userId, ms),
    async healthy() {
      if (!redis) return true;
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The body of a refused request, as GraphQL and REST clients both read it. */
export function rateLimitedBody(retryAfterMs: number): string {
  return JSON.stringify({
    errors: [
      {
        message: `Too many requests: retry in ${Math.ceil(retryAfterMs / 1000)} s`,
        extensions: { code: ErrorCode.RATE_LIMITED, retryAfterMs },
      },
    ],
  });
}
