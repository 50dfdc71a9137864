/**
 * GraphQL over WebSocket (graphql-ws protocol) at `/graphql`, on the HTTP server's port. The
 * operations run through Yoga's envelop (the documented `getEnveloped` recipe), so the same
 * auth, limits and error masking apply as over HTTP.
 *
 * Hardening:
 * - the token travels in `connection_init` (`connectionParams.authorization`, in any case, or
 *   under `connectionParams.headers`); a missing or bad
 *   token closes the socket with 4403, and the socket is closed (4403) when the token expires;
 * - `connection_init` must arrive within `wsInitTimeoutMs` (else 4408);
 * - messages over `wsMaxPayload` bytes close the socket (1009);
 * - at most `wsMaxSubscriptions` subscriptions per connection (more are refused with
 *   TOO_MANY_SUBSCRIPTIONS);
 * - with `allowedOrigins` set, upgrades from other origins are refused with HTTP 403 (an upgrade
 *   without an Origin header, as native clients send, is admitted: the list guards browsers);
 * - connections per IP are rate limited (HTTP 429 on the upgrade), and every operation sent over
 *   a socket counts against the same per-user and per-IP limits as an HTTP request;
 * - with a persisted-operations manifest, a subscribe message may carry an empty or no `query`
 *   and `extensions.persistedQuery.sha256Hash`; in allowlist mode operation text is refused.
 */
import type { IncomingMessage, Server } from 'node:http';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import {
  CloseCode,
  type ConnectionInitMessage,
  type Context,
  type Server as GraphQLWsServer,
  type WebSocket as GraphQLWsSocket,
  handleProtocols,
  makeServer,
  type SubscribePayload,
} from 'graphql-ws';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Authenticator, Principal } from '../auth/tokens';
import type { Config } from '../config';
import { ErrorCode } from '../errors';
import type { Logger } from '../logger';
import { connectionAuthorization } from './connection-params';
import type { CostMeter } from './cost-meter';
import { noManifestError } from './no-manifest';
import {
  allowsText,
  notFoundError,
  type PersistedOperations,
  persistedErrors,
  persistedHash,
} from './persisted-operations';
import type { RateLimits } from './rate-limits';
import type { StudioYoga } from './yoga';

export interface WebSocketOptions {
  server: Server;
  yoga: StudioYoga;
  auth: Authenticator;
  config: Pick<
    Config,
    'wsMaxSubscriptions' | 'wsMaxPayload' | 'wsInitTimeoutMs' | 'allowedOrigins'
  >;
  log: Logger;
  limits?: RateLimits;
  persisted?: PersistedOperations;
}

const persistedError = (refusal: { message: string; extensions: { code: string } }) =>
  new GraphQLError(refusal.message, { extensions: { code: refusal.extensions.code } });

interface ConnectionState {
  principal?: Principal;
  expiry?: NodeJS.Timeout;
}

/**
 * Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer delay fires at once. A token
 * living 30 days would close its socket on connect, so long waits are taken in steps.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `onExpired` at `endsAtMs` (epoch ms), however far away, re-arming in steps. */
export function armExpiry(state: ConnectionState, endsAtMs: number, onExpired: () => void): void {
  const left = endsAtMs - Date.now();
  if (left <= 0) {
    onExpired();
    return;
  }
  state.expiry = setTimeout(
    () => armExpiry(state, endsAtMs, onExpired),
    Math.min(left, MAX_TIMER_MS),
  );
  state.expiry.unref();
}

/**
 * graphql-ws requires a subscribe message's `query` to be a string, but Apollo Kotlin and Apollo
 * iOS send a persisted operation with no `query` at all (only `extensions.persistedQuery`). Such a
 * message is read as if it carried an empty one, which `onSubscribe` resolves from the manifest.
 * A JSON reviver sees the parsed message last, under the key "".
 */
function withEmptyQuery(key: string, value: unknown): unknown {
  if (key !== '' || !value || typeof value !== 'object') return value;
  const message = value as { type?: unknown; payload?: unknown };
  if (message.type !== 'subscribe' || !message.payload || typeof message.payload !== 'object') {
    return value;
  }
  const payload = message.payload as { query?: unknown };
  return payload.query == null ? { ...message, payload: { ...payload, query: '' } } : value;
}

export function attachWebSocketServer(options: WebSocketOptions): { close(): Promise<void> } {
  const { server, config, log } = options;
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    maxPayload: config.wsMaxPayload,
    verifyClient: admitUpgrade(options),
    handleProtocols,
  });
  const protocol = makeServer<ConnectionInitMessage['payload'], Connection>({
    // Connection.open arms its own timer, dropped once connection_init arrives (graphql-ws's
    // would stay referenced for the socket's life).
    connectionInitWaitTimeout: 0,
    jsonMessageReviver: withEmptyQuery,
    onConnect: (ctx) => authenticate(options.auth, ctx),
    onClose: (ctx) => ctx.extra.closed(),
    onSubscribe: async (ctx, _id, payload) => {
      const refused =
        subscriptionCapError(ctx, config) ??
        (await rateLimitError(options, ctx, ctx.extra.principal));
      if (refused) return [refused];
      // Parsing and validating a new text is charged to its user, as over HTTP.
      const meter: CostMeter = { ms: 0 };
      try {
        return await operationArgs(options, ctx, payload, meter);
      } finally {
        const userId = ctx.extra.principal?.userId;
        if (userId && options.limits) void options.limits.chargeCost(userId, meter.ms);
      }
    },
    execute: meteredExecute(options.limits),
    subscribe: (args) =>
      (args.rootValue as { subscribe: typeof import('graphql').subscribe }).subscribe(args),
  });
  const heartbeat = new Heartbeat();
  wss.on('connection', (socket, request) => {
    const connection = new Connection(socket, request.socket.remoteAddress ?? 'unknown', log);
    connection.open(protocol, heartbeat, config.wsInitTimeoutMs);
  });
  wss.on('error', (error) => log.warn('websocket server error', { error }));

  return {
    async close() {
      heartbeat.stop();
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      await new Promise<void>((resolve, reject) =>
        wss.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

/** How often every socket is pinged; one that has not answered the previous ping is dropped. */
export const KEEP_ALIVE_MS = 12_000;

/** Sockets pinged that have not answered since. */
const unanswered = new WeakSet<WebSocket>();

function answered(this: WebSocket): void {
  unanswered.delete(this);
}

/**
 * Keeps every socket alive with one timer for all of them, not one per socket (graphql-ws's own
 * adapter arms an interval per socket). Sockets are dealt round-robin into `slices` groups and one
 * group is handled per tick, so the pings of ten thousand sockets are spread over the period
 * rather than written in one burst: each socket is pinged every `everyMs`, and dropped when it has
 * not answered the ping before.
 */
export class Heartbeat {
  private readonly groups: Set<WebSocket>[];
  private readonly timer: NodeJS.Timeout;
  private dealt = 0;
  private turn = 0;

  constructor(everyMs = KEEP_ALIVE_MS, slices = 120) {
    this.groups = Array.from({ length: slices }, () => new Set<WebSocket>());
    this.timer = setInterval(() => this.tick(), Math.max(1, Math.floor(everyMs / slices)));
    this.timer.unref();
  }

  /** Starts keeping `socket` alive; returns its group, to pass to `remove`. */
  add(socket: WebSocket): number {
    const group = this.dealt++ % this.groups.length;
    this.groups[group]!.add(socket);
    socket.on('pong', answered);
    return group;
  }

  /** Sockets kept alive now. */
  get size(): number {
    let n = 0;
    for (const group of this.groups) n += group.size;
    return n;
  }

  remove(socket: WebSocket, group: number): void {
    this.groups[group]?.delete(socket);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const group = this.groups[this.turn++ % this.groups.length]!;
    for (const socket of group) {
      if (unanswered.has(socket)) {
        group.delete(socket);
        socket.terminate();
        continue;
      }
      if (socket.readyState !== socket.OPEN) continue;
      unanswered.add(socket);
      socket.ping();
    }
  }
}

/**
 * One WebSocket as graphql-ws sees it (its `WebSocket`) and what it keeps per connection (its
 * `extra`): the socket, the peer's address and, once `connection_init` is accepted, the
 * principal. Methods live on the prototype, so an idle connection holds a few small objects
 * (the upgrade request is not kept).
 */
export class Connection implements GraphQLWsSocket {
  principal?: Principal;
  /** The token's expiry timer (armExpiry re-arms it in steps). */
  expiry?: NodeJS.Timeout;
  private initWait?: NodeJS.Timeout;

  constructor(
    readonly socket: WebSocket,
    /** The peer's IP address, for per-IP limits. */
    readonly ip: string,
    private readonly log: Logger,
  ) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  open(server: GraphQLWsServer<Connection>, heartbeat: Heartbeat, initMs: number) {
    const { socket } = this;
    const group = heartbeat.add(socket);
    socket.once('error', (error) => {
      this.log.warn('websocket error', { error: error.message });
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    this.initWait = setTimeout(() => {
      this.initWait = undefined;
      socket.close(CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
    }, initMs);
    const closed = server.opened(this, this);
    socket.once('close', (code, reason) => {
      heartbeat.remove(socket, group);
      void closed(code, String(reason));
    });
  }

  send(data: string): Promise<void> {
    const { socket } = this;
    if (socket.readyState !== socket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) =>
      socket.send(data, (error) => (error ? reject(error) : resolve())),
    );
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  onMessage(handle: (data: string) => Promise<void>): void {
    this.socket.on('message', (data) => {
      handle(String(data)).catch((error: unknown) => {
        this.log.error('websocket message failed', { error });
        this.socket.close(CloseCode.InternalServerError, 'Internal server error');
      });
    });
  }

  /** connection_init arrived and was accepted: the token's expiry now closes the socket. */
  accepted(principal: Principal): void {
    clearTimeout(this.initWait);
    this.initWait = undefined;
    this.principal = principal;
    armExpiry(this, principal.expiresAt * 1000, () =>
      this.socket.close(CloseCode.Forbidden, 'Token expired'),
    );
  }

  /** A refused connection_init still counts as its arrival (the socket is being closed). */
  refused(): void {
    clearTimeout(this.initWait);
    this.initWait = undefined;
  }

  closed(): void {
    clearTimeout(this.initWait);
    clearTimeout(this.expiry);
  }
}

type WsContext = Context<ConnectionInitMessage['payload'], Connection>;

/** The upgrade check: the origin allowlist, then the per-IP connection limit (429 with Retry-After). */
function admitUpgrade(options: WebSocketOptions) {
  const allowed = new Set(options.config.allowedOrigins);
  return (
    info: { origin: string; req: IncomingMessage },
    done: (ok: boolean, code?: number, message?: string, headers?: Record<string, string>) => void,
  ) => {
    // The allowlist guards browsers, which always send Origin; native clients (Apollo Kotlin,
    // Apollo iOS, servers) send none and are admitted on their token like any HTTP client.
    if (allowed.size > 0 && info.origin !== undefined && !allowed.has(info.origin))
      return done(false, 403, 'Origin not allowed');
    if (!options.limits) return done(true);
    void options.limits.connection(info.req.socket.remoteAddress ?? 'unknown').then((wait) =>
      wait === null
        ? done(true)
        : done(false, 429, 'Too Many Requests', {
            'retry-after': String(Math.ceil(wait / 1000)),
          }),
    );
  };
}

/** Admits a connection whose `connection_init` carries a valid token, and closes it at expiry. */
async function authenticate(auth: Authenticator, ctx: WsContext): Promise<boolean> {
  let principal: Principal | null = null;
  try {
    principal = await auth.fromHeader(connectionAuthorization(ctx.connectionParams));
  } catch {
    principal = null;
  }
  if (!principal) {
    ctx.extra.refused();
    return false;
  }
  ctx.extra.accepted(principal);
  return true;
}

function subscriptionCapError(
  ctx: WsContext,
  config: WebSocketOptions['config'],
): GraphQLError | null {
  // graphql-ws reserves an entry per operation (null until it starts) before calling us:
  // count those too, but not this one, so a burst cannot slip past the cap.
  const open = Object.keys(ctx.subscriptions).length - 1;
  if (open < config.wsMaxSubscriptions) return null;
  return new GraphQLError(`At most ${config.wsMaxSubscriptions} subscriptions per connection`, {
    extensions: { code: ErrorCode.TOO_MANY_SUBSCRIPTIONS, limit: config.wsMaxSubscriptions },
  });
}

/**
 * Every operation over the socket counts against the same limits as an HTTP request: a socket
 * is not a way around them.
 */
async function rateLimitError(
  options: WebSocketOptions,
  ctx: WsContext,
  principal: Principal | undefined,
): Promise<GraphQLError | null> {
  if (!options.limits) return null;
  const userId = principal?.userId ?? null;
  const waits = await Promise.all([
    options.limits.request(ctx.extra.ip, userId),
    userId ? options.limits.costWait(userId) : null,
  ]);
  const over = waits.filter((w): w is number => w !== null);
  if (over.length === 0) return null;
  const wait = Math.max(...over);
  return new GraphQLError(`Too many requests: retry in ${Math.ceil(wait / 1000)} s`, {
    extensions: { code: ErrorCode.RATE_LIMITED, retryAfterMs: wait },
  });
}

/** Parses and validates the operation through Yoga's envelop, as over HTTP. */
async function operationArgs(
  options: WebSocketOptions,
  ctx: WsContext,
  payload: SubscribePayload,
  /** Charged for the parse and validation (Yoga's hooks find it in the context). */
  meter: CostMeter,
): Promise<ExecutionArgs | readonly GraphQLError[]> {
  // What the context factory reads over a socket: the token in connectionParams (and Yoga's
  // params). Nothing else of the connection is copied into each operation's context.
  const { schema, execute, subscribe, contextFactory, parse, validate } = options.yoga.getEnveloped(
    { connectionParams: ctx.connectionParams, params: payload, meter },
  );
  const text = operationText(options.persisted, ctx, payload);
  if (typeof text !== 'string') return [text];
  let document: ReturnType<typeof parse>;
  try {
    document = parse(text);
  } catch (error) {
    return [error as GraphQLError];
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return errors;
  return {
    schema,
    operationName: payload.operationName,
    document,
    variableValues: payload.variables,
    contextValue: await contextFactory(),
    rootValue: { execute, subscribe },
  };
}

/**
 * The operation's text, or why it is refused. graphql-ws requires `query` to be a string: a
 * persisted operation sends it empty and names its hash.
 */
function operationText(
  ops: PersistedOperations | undefined,
  ctx: WsContext,
  payload: SubscribePayload,
): string | GraphQLError {
  const hash = persistedHash(payload.extensions);
  if (payload.query.trim() === '') {
    if (hash === null) return persistedError(persistedErrors.keyNotFound);
    if (!ops) return noManifestError(false);
    return ops.documents.get(hash) ?? persistedError(notFoundError(ops));
  }
  if (ops && !allowsText(ops, (name) => ctx.connectionParams?.[name]))
    return persistedError(persistedErrors.persistedQueryOnly);
  return payload.query;
}

/** An operation's expensive work is metered and charged to its user, as over HTTP. */
function meteredExecute(limits: RateLimits | undefined) {
  return async (args: ExecutionArgs) => {
    const run = (args.rootValue as { execute: typeof import('graphql').execute }).execute;
    const userId = (args.contextValue as { principal?: Principal | null }).principal?.userId;
    // The context's meter (its loaders charge it too) already holds the parse and validation,
    // charged when the operation was subscribed: what execution adds is charged now.
    const context = args.contextValue as { meter?: CostMeter };
    context.meter ??= { ms: 0 };
    const meter = context.meter;
    const before = meter.ms;
    try {
      return await run(args);
    } finally {
      if (userId && limits) void limits.chargeCost(userId, meter.ms - before);
    }
  };
}
