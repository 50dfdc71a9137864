/**
 * The one reader of `process.env`. Every setting is parsed and checked here once; the rest of the
 * code receives a frozen, typed `Config` and never looks at the environment again.
 */
import { resolve } from 'node:path';
import { ConnectionString } from 'mongodb-connection-string-url';
import { DEMO_MODEL } from '../processors/lib/demo-llm';
import { DEFAULT_RESPONSE_DATA_BYTES } from './blobs/data-budget';

export interface Config {
  /** HTTP port for GraphQL, SSE, WebSocket, REST and GraphiQL. Default 8010. */
  readonly port: number;
  /** Host to bind. Default 127.0.0.1 on the embedded default, 0.0.0.0 otherwise. */
  readonly host: string;
  /**
   * Port of a `reyna worker`'s /healthz, /readyz and /metrics (REYNA_WORKER_PORT, on HOST); 0
   * picks a free one. Unset: the worker serves no HTTP.
   */
  readonly workerPort: number | undefined;
  /** PostgreSQL connection string; when absent the embedded PGlite database is used. */
  readonly databaseUrl: string | undefined;
  /** Folder for the embedded PGlite database (and later, export files). */
  readonly dataDir: string;
  readonly natsUrl: string | undefined;
  readonly mongodbUrl: string | undefined;
  readonly redisUrl: string | undefined;
  /** HS256 secret. On the embedded default a development secret is used when none is set. */
  readonly jwtSecret: string | undefined;
  readonly jwksUrl: string | undefined;
  /** True when the JWT secret is the built-in development one (only ever on a loopback bind). */
  readonly devSecret: boolean;
  /** Required `iss` of tokens, when set. */
  readonly jwtIssuer: string | undefined;
  /** Required `aud` of tokens, when set. */
  readonly jwtAudience: string | undefined;
  /**
   * Longest a token may live, in seconds from its `iat`. Unset: tokens must carry `exp`. Set:
   * tokens without `exp` are accepted until `iat` + this, and none lives longer.
   */
  readonly jwtMaxAgeSeconds: number | undefined;
  /** Dotted path of the claim holding the caller's roles (`roles`, `realm_access.roles`). */
  readonly rolesClaim: string;
  /**
   * Which LLM text expansion uses. `demo`: a built-in endpoint that streams labelled,
   * deterministic sample text (model `demo`), the default on the embedded default when no LLM is
   * configured, refused in production. `openai`: the OpenAI-compatible server of OPENAI_BASE_URL
   * and/or OPENAI_API_KEY (with neither, runs fail with an error that says what to set).
   */
  readonly llm: 'demo' | 'openai';
  /** Delay per streamed token of the demo LLM, in ms. Default 30. */
  readonly llmDemoDelayMs: number;
  readonly openaiApiKey: string | undefined;
  readonly openaiBaseUrl: string | undefined;
  readonly llmModel: string;
  /** Models users may choose (REYNA_LLM_MODELS); default: only `llmModel`. */
  readonly llmModels: readonly string[];
  /** Most output tokens one LLM request may ask for, whatever the input size. */
  readonly llmMaxOutputTokens: number;
  /** LLM requests text expansion makes at once in one process (REYNA_EXPANSION_CONCURRENCY). */
  readonly expansionConcurrency: number;
  /** Prefix for NATS stream and consumer names, so deployments sharing a NATS never meet. */
  readonly deploymentId: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Whether this process runs an outbox relay (REYNA_OUTBOX_RELAY=off to leave it to others). */
  readonly outboxRelay: boolean;
  /** Undelivered events kept per subscription before the oldest are dropped with a RESET. */
  readonly subscriptionBuffer: number;
  /** Subscriptions one WebSocket connection may hold at once. */
  readonly wsMaxSubscriptions: number;
  /** Subscriptions one user may hold at once across all connections and instances. */
  readonly maxSubscriptionsPerUser: number;
  /** Largest WebSocket message accepted, in bytes. */
  readonly wsMaxPayload: number;
  /** Time a WebSocket client has to send connection_init, in ms. */
  readonly wsInitTimeoutMs: number;
  /** Origins allowed to open WebSockets and read HTTP responses (CORS); empty means any. */
  readonly allowedOrigins: readonly string[];
  /**
   * The API's public base URL (e.g. https://api.example.com), without a trailing slash: file
   * URLs in blobs are built on it. Unset: they are paths (`/files/<id>`) on the API's own URL.
   */
  readonly publicUrl: string | undefined;
  /**
   * Processors `reyna serve` runs in-process: 'all', 'none' or a list of ids. Default: all on
   * the embedded default, none with NATS (run `reyna worker` processes instead).
   */
  readonly processors: 'all' | 'none' | readonly string[];
  /** A delivery without a heartbeat for this long goes to another worker. */
  readonly ackWaitMs: number;
  /**
   * How often a process running processors writes its heartbeat row; it counts as live for two
   * intervals after its last one.
   */
  readonly heartbeatMs: number;
  /**
   * Reprocessings: runs enqueued per batch (the next batch goes when fewer than half of one are
   * still queued or running), and how often the API process that drives them looks at them.
   */
  readonly reprocessBatch: number;
  readonly reprocessPollMs: number;
  /** First retry delay of a failed run (doubles per attempt). */
  readonly retryBaseMs: number;
  /** LLM request timeout, consecutive failures that open the circuit, and how long it stays open. */
  readonly llmTimeoutMs: number;
  readonly llmBreakerThreshold: number;
  readonly llmBreakerOpenMs: number;
  /**
   * How long a failing run keeps retrying from its first attempt (it fails once this has passed
   * and its attempts are spent). Always longer than the breaker's open window; default 10x it.
   */
  readonly retryWindowMs: number;
  /** Deliveries a worker holds waiting per processor (in per-user lanes), kept alive. */
  readonly workBuffer: number;
  /** Most characters of a run's streamed text kept for late subscribers and queries. */
  readonly runTextLimit: number;
  /** Most bytes of blob data one processor run reads through its kit. */
  readonly runReadBytes: number;
  /** Longest one format of a compiled book may take to render. */
  readonly renderTimeLimitMs: number;
  /** Requests per minute per user, per IP, and WebSocket connections per minute per IP. */
  readonly rateLimitUser: number;
  readonly rateLimitIp: number;
  readonly rateLimitWsIp: number;
  /**
   * Event-loop milliseconds per second one user's requests may take in one process (parsing,
   * validating, schema checks), with a burst of 500 ms; past it their requests get 429 with the
   * wait. Default 150.
   */
  readonly costLimitUserMs: number;
  /**
   * Persisted-operation manifests to load (comma-separated paths: the web SDK's, the Android
   * app's, the iOS app's), each the client preset's or Apollo's shape.
   */
  readonly persistedOperations: readonly string[] | undefined;
  /** Allowlist mode: only operations in the manifest run (GraphiQL excepted, when enabled). */
  readonly persistedOnly: boolean;
  /** Serve GraphiQL at /graphql. Default: on, except with NODE_ENV=production. */
  readonly graphiql: boolean;
  /** Blobs one user may keep (not deleted). Default 100,000. */
  readonly quotaBlobs: number;
  /** Bytes of blob data one user may keep, earlier versions included. Default 1 GiB. */
  readonly quotaBytes: number;
  /** Blob data one GraphQL response may carry (REYNA_RESPONSE_DATA_BYTES, 1 MiB to 1 GiB). */
  readonly responseDataBytes: number;
}

/** Thrown when the environment is wrong; the message names the variable and what it expects. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Whether `host` is reachable only from this machine. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The HS256 secret used when nothing is configured on a loopback bind. Never reachable from outside. */
const DEV_JWT_SECRET = 'reyna-development-secret-do-not-use-in-production';

type Env = Record<string, string | undefined>;

function optional(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const text = optional(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function processorList(text: string): 'all' | 'none' | string[] {
  if (text === 'all' || text === 'none') return text;
  const ids = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0 || ids.some((id) => !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id))) {
    throw new ConfigError(
      'REYNA_PROCESSORS must be all, none, or a comma-separated list of processor ids',
    );
  }
  return ids;
}

/** REYNA_PUBLIC_URL: an http(s) base URL without query or fragment, kept without a final slash. */
function publicUrl(env: Env): string | undefined {
  const value = url(env, 'REYNA_PUBLIC_URL', ['https:', 'http:']);
  if (value === undefined) return undefined;
  const parsed = new URL(value);
  if (parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new ConfigError(
      'REYNA_PUBLIC_URL must be a plain base URL such as https://api.example.com (no query, fragment or credentials)',
    );
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${name} is not a valid URL: expected e.g. ${protocols[0]}//host:port`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const value = optional(env, name);
  if (value === undefined) return fallback;
  if (['true', '1', 'on', 'yes'].includes(value.toLowerCase())) return true;
  if (['false', '0', 'off', 'no'].includes(value.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${value}"`);
}

/** A MongoDB connection string (several hosts allowed, which WHATWG URLs refuse). */
function mongoUrl(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  try {
    new ConnectionString(value);
  } catch (error) {
    throw new ConfigError(
      `${name} is not a MongoDB connection string (${(error as Error).message}): expected e.g. ` +
        'mongodb://host:27017/reyna?replicaSet=rs0',
    );
  }
  return value;
}

/** REYNA_LLM_MODELS: a comma-separated allowlist that always includes the default model. */
function modelList(env: Env, fallback: string): string[] {
  const text = optional(env, 'REYNA_LLM_MODELS');
  if (text === undefined) return [fallback];
  const models = text
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const bad = models.find((m) => m.length > 200 || /\s/.test(m));
  if (models.length === 0 || models.length > 100 || bad !== undefined) {
    throw new ConfigError(
      'REYNA_LLM_MODELS must be a comma-separated list of up to 100 model names (no spaces, 200 characters each)',
    );
  }
  return [...new Set([fallback, ...models])];
}

/** The settings that configure a real LLM: any of them means the demo is not wanted. */
const LLM_SETTINGS = ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'REYNA_LLM_MODEL', 'REYNA_LLM_MODELS'];

/**
 * REYNA_LLM: `demo` or `openai`. Default: `demo` on the embedded default (no DATABASE_URL) when
 * nothing configures a real LLM, outside production; `openai` otherwise.
 */
function llmKind(env: Env, databaseUrl: string | undefined): Config['llm'] {
  const value = optional(env, 'REYNA_LLM')?.toLowerCase();
  const production = env.NODE_ENV === 'production';
  const configured = LLM_SETTINGS.filter((name) => optional(env, name) !== undefined);
  if (value === undefined) {
    return databaseUrl === undefined && !production && configured.length === 0 ? 'demo' : 'openai';
  }
  if (value !== 'demo' && value !== 'openai') {
    throw new ConfigError(`REYNA_LLM must be demo or openai, got "${value.slice(0, 50)}"`);
  }
  if (value === 'demo' && production) {
    throw new ConfigError(
      'REYNA_LLM=demo is refused with NODE_ENV=production: the demo LLM writes labelled sample text, not AI text. Set REYNA_LLM=openai with OPENAI_BASE_URL (and OPENAI_API_KEY if the server needs one)',
    );
  }
  if (value === 'demo' && configured.length > 0) {
    throw new ConfigError(
      `REYNA_LLM=demo does not use ${configured.join(', ')}: unset ${configured.length > 1 ? 'them' : 'it'}, or set REYNA_LLM=openai to use that LLM`,
    );
  }
  return value;
}

function portOf(env: Env): number {
  const portText = optional(env, 'PORT') ?? '8010';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got "${portText}"`);
  }
  return port;
}

/** How tokens are checked: a shared secret, a JWKS, or the development secret on loopback only. */
function tokenKeys(env: Env, databaseUrl: string | undefined) {
  const jwksUrl = url(env, 'REYNA_JWKS_URL', ['https:', 'http:']);
  const jwtSecret = optional(env, 'REYNA_JWT_SECRET');
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('REYNA_JWT_SECRET must be at least 32 characters (HS256 key strength)');
  }
  const host = optional(env, 'HOST') ?? (databaseUrl ? '0.0.0.0' : '127.0.0.1');
  if (jwtSecret !== undefined || jwksUrl !== undefined) {
    return { host, jwksUrl, jwtSecret, devSecret: false };
  }
  // The development secret is public: anyone who can reach the port could mint any user's
  // token with it. So it is only ever used where nobody else can reach the port.
  if (!isLoopback(host)) {
    throw new ConfigError(
      `Set REYNA_JWT_SECRET (32+ characters) or REYNA_JWKS_URL: HOST=${host} is reachable from other machines, and the built-in development secret is only used on a loopback bind (127.0.0.1, ::1, localhost)`,
    );
  }
  return { host, jwksUrl, jwtSecret: DEV_JWT_SECRET, devSecret: true };
}

function rolesClaimOf(env: Env): string {
  const rolesClaim = optional(env, 'REYNA_ROLES_CLAIM') ?? 'roles';
  if (!/^[A-Za-z0-9_:/-]{1,64}(\.[A-Za-z0-9_:/-]{1,64}){0,7}$/.test(rolesClaim)) {
    throw new ConfigError(
      'REYNA_ROLES_CLAIM must be a claim name or a dotted path such as realm_access.roles',
    );
  }
  return rolesClaim;
}

function logLevelOf(env: Env): Config['logLevel'] {
  const logLevel = (optional(env, 'REYNA_LOG_LEVEL') ?? 'info') as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(logLevel)) {
    throw new ConfigError('REYNA_LOG_LEVEL must be one of debug, info, warn, error, silent');
  }
  return logLevel;
}

function deploymentIdOf(env: Env): string {
  const deploymentId = optional(env, 'REYNA_DEPLOYMENT') ?? 'reyna';
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(deploymentId)) {
    throw new ConfigError('REYNA_DEPLOYMENT must be 1-32 letters, digits, "_" or "-"');
  }
  return deploymentId;
}

/** The persisted-operation manifests (absolute, each once) and whether only they may run. */
function persistedSettings(env: Env) {
  const manifests = (optional(env, 'REYNA_PERSISTED_OPERATIONS') ?? '')
    .split(',')
    .map((path) => path.trim())
    .filter(Boolean);
  const persistedOperations =
    manifests.length > 0 ? [...new Set(manifests.map((path) => resolve(path)))] : undefined;
  const persistedOnly = flag(env, 'REYNA_PERSISTED_ONLY', false);
  if (persistedOnly && persistedOperations === undefined) {
    throw new ConfigError(
      'REYNA_PERSISTED_ONLY needs REYNA_PERSISTED_OPERATIONS: the manifest of allowed operations',
    );
  }
  return { persistedOperations, persistedOnly };
}

/** Reads and checks the configuration. Throws `ConfigError` naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  // In this order, so the first bad variable named is the one it always was.
  const port = portOf(env);
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const { host, jwksUrl, jwtSecret, devSecret } = tokenKeys(env, databaseUrl);
  const rolesClaim = rolesClaimOf(env);
  const maxAgeText = optional(env, 'REYNA_JWT_MAX_AGE');
  const logLevel = logLevelOf(env);
  const deploymentId = deploymentIdOf(env);
  const { persistedOperations, persistedOnly } = persistedSettings(env);
  const llm = llmKind(env, databaseUrl);
  const llmModel =
    llm === 'demo' ? DEMO_MODEL : (optional(env, 'REYNA_LLM_MODEL') ?? 'gpt-4o-mini');
  const llmBreakerOpenMs = integer(env, 'REYNA_LLM_BREAKER_OPEN_MS', 30_000, 10, 3_600_000);
  // A retry budget shorter than the breaker's window would let runs fail while it is open.
  const retryWindowMs = integer(
    env,
    'REYNA_RETRY_WINDOW_MS',
    llmBreakerOpenMs * 20,
    llmBreakerOpenMs * 2,
    24 * 3_600_000,
  );
  return Object.freeze({
    port,
    host,
    workerPort:
      optional(env, 'REYNA_WORKER_PORT') === undefined
        ? undefined
        : integer(env, 'REYNA_WORKER_PORT', 0, 0, 65_535),
    databaseUrl,
    dataDir: resolve(optional(env, 'REYNA_DATA_DIR') ?? '.reyna-data'),
    natsUrl: url(env, 'NATS_URL', ['nats:', 'tls:']),
    mongodbUrl: mongoUrl(env, 'MONGODB_URL'),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    jwtSecret,
    jwksUrl,
    devSecret,
    jwtIssuer: optional(env, 'REYNA_JWT_ISSUER'),
    jwtAudience: optional(env, 'REYNA_JWT_AUDIENCE'),
    jwtMaxAgeSeconds:
      maxAgeText === undefined
        ? undefined
        : integer(env, 'REYNA_JWT_MAX_AGE', 0, 60, 366 * 24 * 3600),
    rolesClaim,
    llm,
    llmDemoDelayMs: integer(env, 'REYNA_LLM_DEMO_DELAY_MS', 30, 0, 1000),
    openaiApiKey: optional(env, 'OPENAI_API_KEY'),
    openaiBaseUrl: url(env, 'OPENAI_BASE_URL', ['http:', 'https:']),
    llmModel,
    llmModels: llm === 'demo' ? [DEMO_MODEL] : modelList(env, llmModel),
    llmMaxOutputTokens: integer(env, 'REYNA_LLM_MAX_OUTPUT_TOKENS', 16_384, 16, 1_000_000),
    expansionConcurrency: integer(env, 'REYNA_EXPANSION_CONCURRENCY', 16, 1, 1000),
    deploymentId,
    logLevel,
    outboxRelay: (optional(env, 'REYNA_OUTBOX_RELAY') ?? 'on') !== 'off',
    subscriptionBuffer: integer(env, 'REYNA_SUBSCRIPTION_BUFFER', 1000, 1, 1_000_000),
    wsMaxSubscriptions: integer(env, 'REYNA_WS_MAX_SUBSCRIPTIONS', 50, 1, 10_000),
    maxSubscriptionsPerUser: integer(env, 'REYNA_MAX_SUBSCRIPTIONS_PER_USER', 100, 1, 100_000),
    wsMaxPayload: integer(env, 'REYNA_WS_MAX_PAYLOAD', 64 * 1024, 1024, 16 * 1024 * 1024),
    wsInitTimeoutMs: integer(env, 'REYNA_WS_INIT_TIMEOUT_MS', 5000, 100, 120_000),
    processors: processorList(
      optional(env, 'REYNA_PROCESSORS') ?? (env.NATS_URL?.trim() ? 'none' : 'all'),
    ),
    ackWaitMs: integer(env, 'REYNA_ACK_WAIT_MS', 30_000, 500, 3_600_000),
    heartbeatMs: integer(env, 'REYNA_HEARTBEAT_MS', 5000, 100, 600_000),
    reprocessBatch: integer(env, 'REYNA_REPROCESS_BATCH', 100, 1, 100),
    reprocessPollMs: integer(env, 'REYNA_REPROCESS_POLL_MS', 1000, 50, 60_000),
    retryBaseMs: integer(env, 'REYNA_RETRY_BASE_MS', 1000, 1, 600_000),
    llmTimeoutMs: integer(env, 'REYNA_LLM_TIMEOUT_MS', 120_000, 100, 3_600_000),
    // Ten failures in a row: an LLM that is down reaches it within seconds, while one failing
    // half its calls at random (degraded, not down) reaches it about once in 2,000 calls; at five
    // it opened every 60 or so and stalled every run for a whole window each time.
    llmBreakerThreshold: integer(env, 'REYNA_LLM_BREAKER_THRESHOLD', 10, 1, 1000),
    llmBreakerOpenMs,
    retryWindowMs,
    workBuffer: integer(env, 'REYNA_WORK_BUFFER', 500, 1, 100_000),
    runTextLimit: integer(env, 'REYNA_RUN_TEXT_LIMIT', 524_288, 1000, 4_194_304),
    runReadBytes: integer(env, 'REYNA_RUN_READ_BYTES', 64 * 1024 ** 2, 1024 ** 2, 1024 ** 3),
    renderTimeLimitMs: integer(env, 'REYNA_RENDER_TIME_LIMIT_MS', 300_000, 1000, 3_600_000),
    rateLimitUser: integer(env, 'REYNA_RATE_LIMIT_USER', 1200, 1, 10_000_000),
    rateLimitIp: integer(env, 'REYNA_RATE_LIMIT_IP', 6000, 1, 10_000_000),
    rateLimitWsIp: integer(env, 'REYNA_RATE_LIMIT_WS_IP', 120, 1, 10_000_000),
    costLimitUserMs: integer(env, 'REYNA_COST_LIMIT_USER_MS', 150, 10, 100_000),
    publicUrl: publicUrl(env),
    allowedOrigins: (optional(env, 'REYNA_ALLOWED_ORIGINS') ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    persistedOperations,
    persistedOnly,
    graphiql: flag(env, 'REYNA_GRAPHIQL', env.NODE_ENV !== 'production'),
    quotaBlobs: integer(env, 'REYNA_QUOTA_BLOBS', 100_000, 1, 1_000_000_000),
    quotaBytes: integer(env, 'REYNA_QUOTA_BYTES', 1024 ** 3, 1024, Number.MAX_SAFE_INTEGER),
    // At least one blob of the largest size fits in a response.
    responseDataBytes: integer(
      env,
      'REYNA_RESPONSE_DATA_BYTES',
      DEFAULT_RESPONSE_DATA_BYTES,
      1024 * 1024,
      1024 ** 3,
    ),
  });
}
