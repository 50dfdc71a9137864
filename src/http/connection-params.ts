/**
 * The token a WebSocket client sends in `connection_init`. Clients spell it differently: the SDK
 * and graphql-ws examples send `{ authorization }`, Apollo Kotlin and Apollo iOS samples often
 * `{ Authorization }`, and clients that reuse their HTTP header map send
 * `{ headers: { Authorization } }`. All mean the same `Bearer <JWT>`.
 */
function authorizationIn(params: unknown): string | null {
  if (!params || typeof params !== 'object' || Array.isArray(params)) return null;
  for (const [key, value] of Object.entries(params)) {
    if (key.toLowerCase() === 'authorization' && typeof value === 'string') return value;
  }
  return null;
}

/** `authorization` in any case, at the top level of the params or under `headers`; else null. */
export function connectionAuthorization(
  params: Record<string, unknown> | undefined,
): string | null {
  if (!params) return null;
  return authorizationIn(params) ?? authorizationIn(params.headers);
}
