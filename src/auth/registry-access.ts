/**
 * Who may change the schema and processor registries. Reading and validating are open to every
 * signed-in user; writing needs a role carried in the token:
 *
 * - `registry-admin` may register, publish and change anything that is not reserved;
 * - `registry-author` may register new schema names and processor ids, and publish versions of
 *   or change only what they own (the user who registered a name or id first owns it).
 *
 * The names and ids of built-in schemas and processors, and everything in the `reyna-`
 * namespace, are reserved for releases: nobody registers them through the API.
 */
import { AppError, ErrorCode } from '../errors';

export const REGISTRY_ADMIN = 'registry-admin';
const REGISTRY_AUTHOR = 'registry-author';

/** A caller allowed to write to the registry, and how far. */
export interface RegistryActor {
  userId: string;
  /** Admins may change what others own. */
  admin: boolean;
}

/** Who reads what only an owner and admins may see (a processor's chain overrides). */
export interface RegistryViewer {
  userId: string;
  admin: boolean;
}

export function registryViewer(userId: string, roles: readonly string[]): RegistryViewer {
  return { userId, admin: roles.includes(REGISTRY_ADMIN) };
}

/** The registry rights `roles` grant `userId`; FORBIDDEN when they grant none. */
export function registryActor(userId: string, roles: readonly string[]): RegistryActor {
  const admin = roles.includes(REGISTRY_ADMIN);
  if (!admin && !roles.includes(REGISTRY_AUTHOR)) {
    throw new AppError(
      ErrorCode.FORBIDDEN,
      `Changing the registry needs the role "${REGISTRY_AUTHOR}" or "${REGISTRY_ADMIN}" in your token`,
      { requiredRole: REGISTRY_AUTHOR },
    );
  }
  return { userId, admin };
}

/** `userId` when `roles` make it an admin; FORBIDDEN (naming the role) otherwise. */
export function requireAdmin(userId: string, roles: readonly string[]): string {
  if (roles.includes(REGISTRY_ADMIN)) return userId;
  throw new AppError(ErrorCode.FORBIDDEN, `This needs the role "${REGISTRY_ADMIN}" in your token`, {
    requiredRole: REGISTRY_ADMIN,
  });
}

/**
 * FORBIDDEN unless `actor` owns the thing (`ownerId`) or is an admin. Built-ins (no owner) are
 * changed by releases only, not even by admins.
 */
export function assertMayChange(actor: RegistryActor, ownerId: string | null, what: string): void {
  if (ownerId !== null && (actor.admin || ownerId === actor.userId)) return;
  throw new AppError(
    ErrorCode.FORBIDDEN,
    ownerId === null
      ? `${what} is built in: only a release changes it`
      : `${what} belongs to another user: only its owner or a ${REGISTRY_ADMIN} may change it`,
  );
}

/** Names and ids that only a release may register. */
export interface Reserved {
  schemaIds: ReadonlySet<string>;
  schemaNames: ReadonlySet<string>;
  processorIds: ReadonlySet<string>;
}

/** Prefix kept for future built-ins, in schema ids, schema names and processor ids. */
const RESERVED_PREFIX = 'reyna-';

export function isReserved(set: ReadonlySet<string>, value: string): boolean {
  const v = value.toLowerCase();
  return set.has(v) || v.startsWith(RESERVED_PREFIX);
}

/** FORBIDDEN with a message naming what is reserved. */
export function reservedError(kind: string, value: string): AppError {
  return new AppError(
    ErrorCode.FORBIDDEN,
    `${kind} "${value}" is reserved for built-ins (the built-in names, and everything starting with "${RESERVED_PREFIX}")`,
    { reserved: true },
  );
}
