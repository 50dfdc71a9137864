/**
 * JWT authentication shared by GraphQL (HTTP and WebSocket) and the REST routes. A token is
 * HS256-signed with REYNA_JWT_SECRET or signed by a key from REYNA_JWKS_URL; the user id is `sub`,
 * the roles are read from a configurable claim (`roles` by default).
 *
 * Every accepted token has an end: a token without `exp` is refused, unless REYNA_JWT_MAX_AGE is
 * set, in which case it needs `iat` and ends `maxAge` seconds after it (tokens with `exp` end at
 * the earlier of the two). Issuer and audience are checked when configured.
 */
import {
  createRemoteJWKSet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from 'jose';
import type { Config } from '../config';
import { AppError, ErrorCode } from '../errors';

export interface Principal {
  userId: string;
  /** Seconds since the epoch when the token stops being valid. */
  expiresAt: number;
  /** The roles the token grants (from the configured roles claim); empty when none. */
  roles: readonly string[];
}

export type AuthConfig = Pick<
  Config,
  'jwtSecret' | 'jwksUrl' | 'jwtIssuer' | 'jwtAudience' | 'jwtMaxAgeSeconds' | 'rolesClaim'
>;

const MAX_ROLES = 64;

/** Reads the roles at a dotted claim path (`roles`, `realm_access.roles`); junk is ignored. */
function rolesAt(payload: Record<string, unknown>, path: string): string[] {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
    value = (value as Record<string, unknown>)[key];
  }
  if (typeof value === 'string') value = value.split(/[\s,]+/);
  if (!Array.isArray(value)) return [];
  return value
    .filter((r): r is string => typeof r === 'string' && r.length > 0 && r.length <= 128)
    .slice(0, MAX_ROLES);
}

export interface Authenticator {
  /** Verifies a bearer token; throws UNAUTHENTICATED saying why. */
  verify(token: string): Promise<Principal>;
  /** Reads `Bearer <token>`; null when there is no header, UNAUTHENTICATED when it is malformed. */
  fromHeader(header: string | null | undefined): Promise<Principal | null>;
}

const VERIFIED_CACHE_SIZE = 10_000;
const SUB_PATTERN = /^[A-Za-z0-9@._:|-]{1,128}$/;
const unauthenticated = (message: string) => new AppError(ErrorCode.UNAUTHENTICATED, message);

/** Says why jose refused a token, without echoing anything the token claims. */
function reasonOf(error: { code?: string; claim?: string }): string {
  switch (error.code) {
    case 'ERR_JWT_EXPIRED':
      return 'The token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (error.claim === 'exp') return 'The token has no expiry ("exp"): tokens must end';
      if (error.claim === 'iat')
        return 'The token has no "iat" (issued at), needed to apply REYNA_JWT_MAX_AGE';
      if (error.claim === 'iss') return 'The token is from another issuer';
      if (error.claim === 'aud') return 'The token is for another audience';
      return `The token's "${error.claim}" claim is not acceptable`;
    default:
      return 'The token is not valid';
  }
}

export function createAuthenticator(config: AuthConfig): Authenticator {
  const key: Uint8Array | JWTVerifyGetKey = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : new TextEncoder().encode(config.jwtSecret);
  const algorithms = config.jwksUrl ? ['RS256', 'ES256', 'EdDSA', 'PS256'] : ['HS256'];
  const maxAge = config.jwtMaxAgeSeconds;

  async function verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, {
        algorithms,
        issuer: config.jwtIssuer,
        audience: config.jwtAudience,
        maxTokenAge: maxAge,
        requiredClaims: maxAge === undefined ? ['exp'] : ['iat'],
      }));
    } catch (error) {
      throw unauthenticated(reasonOf(error as { code?: string; claim?: string }));
    }
    if (typeof payload.sub !== 'string' || !SUB_PATTERN.test(payload.sub)) {
      throw unauthenticated('The token has no usable "sub" (user id)');
    }
    const ends = [payload.exp, maxAge === undefined ? undefined : payload.iat! + maxAge].filter(
      (n): n is number => typeof n === 'number',
    );
    return {
      userId: payload.sub,
      expiresAt: Math.min(...ends),
      roles: rolesAt(payload, config.rolesClaim),
    };
  }

  // Verifying a signature costs far more than the rest of a small request; a token already
  // verified is remembered (bounded, oldest dropped first) until it expires.
  const verified = new Map<string, Principal>();
  async function verifyCached(token: string): Promise<Principal> {
    const hit = verified.get(token);
    if (hit && hit.expiresAt * 1000 > Date.now()) return hit;
    if (hit) verified.delete(token);
    const principal = await verify(token);
    if (verified.size >= VERIFIED_CACHE_SIZE)
      verified.delete(verified.keys().next().value as string);
    verified.set(token, principal);
    return principal;
  }

  return {
    verify: verifyCached,
    async fromHeader(header) {
      if (header == null || header === '') return null;
      const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
      if (!match) throw unauthenticated('Authorization must be "Bearer <token>"');
      return verifyCached(match[1]!);
    },
  };
}

/** Mints an HS256 token for `sub` with extra `claims` (such as `roles`); for development and tests. */
export async function mintToken(
  secret: string,
  sub: string,
  expiresIn: string | number = '30d',
  claims: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/** The claims that put `roles` at a dotted claim path: `realm_access.roles` nests. */
export function rolesClaims(path: string, roles: readonly string[]): Record<string, unknown> {
  const keys = path.split('.');
  let claims: Record<string, unknown> = { [keys.pop()!]: [...roles] };
  while (keys.length > 0) claims = { [keys.pop()!]: claims };
  return claims;
}
