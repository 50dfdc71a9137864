/**
 * JWT authentication shared by GraphQL (HTTP and WebSocket) and the REST routes. A token is
 * HS256-signed with REYNA_JWT_SECRET or signed by a key from REYNA_JWKS_URL; the user id is `sub`.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify, SignJWT } from 'jose';
import type { Config } from '../config';
import { AppError, ErrorCode } from '../errors';

export interface Principal {
  userId: string;
  /** Seconds since the epoch when the token stops being valid, if it says. */
  expiresAt: number | undefined;
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

export function createAuthenticator(config: Pick<Config, 'jwtSecret' | 'jwksUrl'>): Authenticator {
  const key: Uint8Array | JWTVerifyGetKey = config.jwksUrl
    ? createRemoteJWKSet(new URL(config.jwksUrl))
    : new TextEncoder().encode(config.jwtSecret);
  const algorithms = config.jwksUrl ? ['RS256', 'ES256', 'EdDSA', 'PS256'] : ['HS256'];

  async function verify(token: string): Promise<Principal> {
    let payload: { sub?: unknown; exp?: number };
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, { algorithms }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw unauthenticated(
        code === 'ERR_JWT_EXPIRED' ? 'The token has expired' : 'The token is not valid',
      );
    }
    if (typeof payload.sub !== 'string' || !SUB_PATTERN.test(payload.sub)) {
      throw unauthenticated('The token has no usable "sub" (user id)');
    }
    return { userId: payload.sub, expiresAt: payload.exp };
  }

  // Verifying a signature costs far more than the rest of a small request; a token already
  // verified is remembered (bounded, oldest dropped first) until it expires.
  const verified = new Map<string, Principal>();
  async function verifyCached(token: string): Promise<Principal> {
    const hit = verified.get(token);
    if (hit && (hit.expiresAt === undefined || hit.expiresAt * 1000 > Date.now())) return hit;
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
