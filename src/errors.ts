/**
 * The one error base. Services throw `AppError` with a stable `code`; the GraphQL and REST edges
 * turn it into `extensions.code` (GraphQL) or a JSON body with `code` and an HTTP status (REST).
 * Anything that is not an `AppError` is unexpected and masked at the edge.
 */

/** Stable error codes clients may switch on. Never rename one. */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  INVALID_SCHEMA: 'INVALID_SCHEMA',
  SCHEMA_TOO_LARGE: 'SCHEMA_TOO_LARGE',
  SCHEMA_TOO_COMPLEX: 'SCHEMA_TOO_COMPLEX',
  SCHEMA_CONFLICT: 'SCHEMA_CONFLICT',
  SCHEMA_INCOMPATIBLE: 'SCHEMA_INCOMPATIBLE',
  SCHEMA_VERSION_TOO_LOW: 'SCHEMA_VERSION_TOO_LOW',
  SCHEMA_INACTIVE: 'SCHEMA_INACTIVE',
  PROCESSOR_CONFLICT: 'PROCESSOR_CONFLICT',
  PROCESSOR_CHAIN_INCOMPATIBLE: 'PROCESSOR_CHAIN_INCOMPATIBLE',
  VERSION_CONFLICT: 'VERSION_CONFLICT',
  PROCESSOR_INACTIVE: 'PROCESSOR_INACTIVE',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  RATE_LIMITED: 'RATE_LIMITED',
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  PERSISTED_QUERY_ONLY: 'PERSISTED_QUERY_ONLY',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One failing place in a JSON document: a JSON Pointer path, a message and the rule that failed. */
export interface ValidationIssue {
  path: string;
  message: string;
  keyword: string;
}

/** One breaking difference between two versions of a schema. */
export interface BreakingChange {
  path: string;
  kind: string;
  message: string;
}

/**
 * One link of a processor chain: a producer writes `producerSchemaId`, a consumer reads
 * `consumerSchemaId`, both versions of `schemaName`. Compatible when every document valid under
 * the producer's schema is valid under the consumer's; `breakingChanges` say why not, with paths
 * into the consumer's schema.
 */
export interface ChainLink {
  schemaName: string;
  producerId: string;
  producerSchemaId: string;
  producerSchemaVersion: string;
  consumerId: string;
  consumerSchemaId: string;
  consumerSchemaVersion: string;
  compatible: boolean;
  breakingChanges: BreakingChange[];
}

export interface ErrorDetails {
  /** Failing JSON paths, for VALIDATION_FAILED and INVALID_SCHEMA. */
  issues?: ValidationIssue[];
  /** The broken links, for PROCESSOR_CHAIN_INCOMPATIBLE. */
  links?: ChainLink[];
  /** What broke, for SCHEMA_INCOMPATIBLE. */
  breakingChanges?: BreakingChange[];
  /**
   * For SCHEMA_VERSION_TOO_LOW (and SCHEMA_INCOMPATIBLE): the semver bump the change needs over
   * the latest version, the smallest version that carries it, and the changes that need it.
   */
  requiredBump?: 'MAJOR' | 'MINOR' | 'PATCH';
  minimumVersion?: string;
  bumpReasons?: BreakingChange[];
  /** The input field the error is about, e.g. `parentId`. */
  field?: string;
  /** For NOT_FOUND on an id: the nearest existing one, when one is a few edits away. */
  suggestion?: string;
  limit?: number;
  actual?: number;
  /** For FORBIDDEN on the registry: the role that would allow it. */
  requiredRole?: string;
  /** For FORBIDDEN on the registry: the name or id is reserved for built-ins. */
  reserved?: boolean;
  /** For QUOTA_EXCEEDED: which quota (`blobs` or `bytes`) and how much of it is in use. */
  quota?: 'blobs' | 'bytes';
  used?: number;
  /** Which limit was exceeded, for SCHEMA_TOO_COMPLEX: e.g. `schemasPerValue`, `enumValues`. */
  limitName?: string;
  /** For SERVICE_UNAVAILABLE: which dependency is down and when to try again. */
  dependency?: 'database' | 'events';
  retryAfterMs?: number;
}

/** The HTTP status each code answers with, over REST and GraphQL alike. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  VALIDATION_FAILED: 422,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PAYLOAD_TOO_LARGE: 413,
  INVALID_SCHEMA: 422,
  SCHEMA_TOO_LARGE: 413,
  SCHEMA_TOO_COMPLEX: 422,
  SCHEMA_CONFLICT: 409,
  SCHEMA_INCOMPATIBLE: 409,
  SCHEMA_VERSION_TOO_LOW: 409,
  SCHEMA_INACTIVE: 422,
  PROCESSOR_CONFLICT: 409,
  PROCESSOR_CHAIN_INCOMPATIBLE: 409,
  VERSION_CONFLICT: 409,
  PROCESSOR_INACTIVE: 422,
  QUERY_TOO_COMPLEX: 400,
  RATE_LIMITED: 429,
  TOO_MANY_SUBSCRIPTIONS: 429,
  // Not 429: waiting does not help; deleting blobs or a larger quota does.
  QUOTA_EXCEEDED: 403,
  // The request asked for more blob data than one response carries: page, or select less.
  RESPONSE_TOO_LARGE: 400,
  PERSISTED_QUERY_NOT_FOUND: 400,
  PERSISTED_QUERY_ONLY: 403,
  // The server has no manifest: send the operation text.
  PERSISTED_QUERY_NOT_SUPPORTED: 400,
  // A dependency (database, NATS) is down: the same request should work once it is back.
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** An expected failure: the client did something we refuse, and nothing was written. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  /** The JSON shape used by both GraphQL `extensions` and REST error bodies. */
  toJSON(): { code: ErrorCode; message: string } & ErrorDetails {
    return { code: this.code, message: this.message, ...this.details };
  }
}

export const notFound = (what: string, id: string): AppError =>
  new AppError(ErrorCode.NOT_FOUND, `${what} "${id}" was not found`);

export const badInput = (field: string, message: string): AppError =>
  new AppError(ErrorCode.BAD_USER_INPUT, message, { field });
