/**
 * Turns thrown errors into what clients see. An `AppError` keeps its message and gains
 * `extensions.code` plus its details (failing paths, breaking changes, field). Anything else is
 * masked to "Unexpected error." with code INTERNAL_SERVER_ERROR, and logged.
 */
import { GraphQLError } from 'graphql';
import { AppError, ErrorCode } from '../errors';

export function toGraphQLError(error: AppError, base?: GraphQLError): GraphQLError {
  const { code, message: _message, ...details } = error.toJSON();
  return new GraphQLError(error.message, {
    nodes: base?.nodes,
    source: base?.source,
    positions: base?.positions,
    path: base?.path,
    originalError: error,
    extensions: { code, ...details },
  });
}

export function createMaskError(log: (error: unknown) => void) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    if (original instanceof AppError)
      return toGraphQLError(original, error instanceof GraphQLError ? error : undefined);
    // Errors raised by GraphQL itself (bad variables, unknown fields) are the client's and safe.
    if (error instanceof GraphQLError && !error.originalError) {
      if (!error.extensions.code) {
        (error.extensions as Record<string, unknown>).code = ErrorCode.BAD_USER_INPUT;
      }
      return error;
    }
    if (original instanceof GraphQLError) return original;
    log(original);
    return new GraphQLError(message, {
      nodes: error instanceof GraphQLError ? error.nodes : undefined,
      path: error instanceof GraphQLError ? error.path : undefined,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    });
  };
}
