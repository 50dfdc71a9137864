/**
 * The Node HTTP server around the Yoga fetch handler. It refuses bodies over the request cap
 * (by Content-Length) before Yoga reads them, so an oversized upload costs nothing but the
 * refusal. Blob size itself is checked again, exactly, by the blob service.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Authenticator } from '../auth/tokens';
import { ErrorCode } from '../errors';
import { bodyCostMs, type CostMeter, type MeteredServerContext } from './cost-meter';
import { type RateLimits, rateLimitedBody } from './rate-limits';
import type { StudioYoga } from './yoga';

/** Largest request body: a 1 MiB blob, JSON-escaped, plus the query around it. */
export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

function refuse(res: ServerResponse, limit: number): void {
  res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
  res.end(
    JSON.stringify({
      errors: [
        {
          message: `Request body over ${limit} bytes`,
          extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE, limit },
        },
      ],
    }),
  );
}

export interface HttpServerOptions {
  limits?: RateLimits;
  auth?: Authenticator;
  maxBytes?: number;
}

/** Paths that are never rate limited: probes and scrapes must always get through. */
const UNLIMITED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Counts the request against the limits. Answers 429 and resolves `false` when it is over one;
 * otherwise resolves with the caller's user id (null without a valid token), to charge its cost.
 */
async function admit(
  req: IncomingMessage,
  res: ServerResponse,
  options: HttpServerOptions,
): Promise<string | null | false> {
  if (!options.limits || UNLIMITED.has((req.url ?? '/').split('?')[0]!)) return null;
  let userId: string | null = null;
  try {
    userId = (await options.auth?.fromHeader(req.headers.authorization))?.userId ?? null;
  } catch {
    // A bad token is answered by the API itself; it still counts against the IP.
  }
  const waits = await Promise.all([
    options.limits.request(req.socket.remoteAddress ?? 'unknown', userId),
    userId ? options.limits.costWait(userId) : null,
  ]);
  const over = waits.filter((w): w is number => w !== null);
  if (over.length === 0) return userId;
  const wait = Math.max(...over);
  res.writeHead(429, {
    'content-type': 'application/json',
    'retry-after': String(Math.ceil(wait / 1000)),
  });
  res.end(rateLimitedBody(wait));
  req.resume();
  return false;
}

export function createHttpServer(yoga: StudioYoga, options: HttpServerOptions = {}): Server {
  const maxBytes = options.maxBytes ?? MAX_REQUEST_BYTES;
  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    // A streamed body of unknown length could not be refused before it is read: ask for a length.
    if (
      req.headers['transfer-encoding'] !== undefined &&
      req.headers['content-length'] === undefined
    ) {
      res.writeHead(411, { 'content-type': 'application/json', connection: 'close' });
      res.end(
        JSON.stringify({
          errors: [
            {
              message: 'Send the body with a Content-Length',
              extensions: { code: ErrorCode.BAD_USER_INPUT },
            },
          ],
        }),
      );
      req.resume();
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      refuse(res, maxBytes);
      req.resume();
      return;
    }
    const userId = await admit(req, res, options);
    if (userId === false) return;
    if (!userId || !options.limits) {
      void yoga(req, res);
      return;
    }
    // The request's expensive synchronous work is timed into its meter, charged when it ends. The
    // meter rides in Yoga's server context, from which the GraphQL context and REST routes take it.
    const meter: CostMeter = { ms: bodyCostMs(declared) };
    const limits = options.limits;
    res.once('close', () => void limits.chargeCost(userId, meter.ms));
    void yoga(req, res, { meter } satisfies MeteredServerContext);
  });
}
