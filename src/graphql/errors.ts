/**
 * Turns thrown errors into what clients see. An `AppError` keeps its message and gains
 * `extensions.code` plus its details (failing paths, breaking changes, field). Anything else is
 * masked to "Unexpected error." with code INTERNAL_SERVER_ERROR, and logged; except a dependency
 * being down, which is SERVICE_UNAVAILABLE (HTTP 503 with Retry-After) and logged as a warning.
 */
import { GraphQLError } from 'graphql';
import { AppError, ErrorCode } from '../errors';
import { retryAfterSeconds, toUnavailable } from '../unavailable';

function toGraphQLError(error: AppError, base?: GraphQLError): GraphQLError {
  const { code, message: _message, ...details } = error.toJSON();
  return new GraphQLError(error.message, {
    nodes: base?.nodes,
    source: base?.source,
    positions: base?.positions,
    path: base?.path,
    // No originalError: Yoga takes an error with a non-GraphQL cause for a server fault, and a
    // subscription refused at subscribe time (no `data`) would then answer HTTP 500 over SSE.
    extensions: { code, ...details },
  });
}

/**
 * GraphQL errors are recognised by name, not `instanceof`: libraries may load graphql's CommonJS
 * and ESM builds side by side, and each has its own GraphQLError class.
 */
const isGraphQLError = (e: unknown): e is GraphQLError =>
  typeof e === 'object' && e !== null && (e as Error).name === 'GraphQLError';

/** The innermost error: resolvers' errors arrive wrapped in one or more located GraphQL errors. */
function innermost(error: unknown): unknown {
  let current = error;
  while (isGraphQLError(current) && current.originalError) current = current.originalError;
  return current;
}

/** SERVICE_UNAVAILABLE with the HTTP status and header Yoga applies to the response. */
function unavailableError(error: AppError, base?: GraphQLError): GraphQLError {
  const plain = toGraphQLError(error, base);
  return new GraphQLError(plain.message, {
    nodes: plain.nodes,
    source: plain.source,
    positions: plain.positions,
    path: plain.path,
    extensions: {
      ...plain.extensions,
      http: { status: 503, headers: { 'retry-after': retryAfterSeconds(error) } },
    },
  });
}

export function createMaskError(
  log: (error: unknown) => void,
  warn: (error: unknown) => void = log,
) {
  return (error: unknown, message: string): Error => {
    const located = isGraphQLError(error) ? error : undefined;
    const original = innermost(error);
    const unavailable = toUnavailable(original);
    if (unavailable) {
      warn(original);
      return unavailableError(unavailable, located);
    }
    if (original instanceof AppError) return toGraphQLError(original, located);
    // Errors raised by GraphQL itself (bad variables, unknown fields) are the client's and safe.
    if (isGraphQLError(original)) {
      if (!original.extensions.code) {
        (original.extensions as Record<string, unknown>).code = ErrorCode.BAD_USER_INPUT;
      }
      return original;
    }
    log(original);
    return new GraphQLError(message, {
      nodes: located?.nodes,
      path: located?.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    });
  };
}
