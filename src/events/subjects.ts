/**
 * NATS subjects for events. A subject token may not hold `.`, `*`, `>` or white space, and user
 * ids and schema ids are chosen by others, so tokens outside `[A-Za-z0-9_-]` are encoded
 * (`~` + base64url), reversibly and without collisions.
 *
 *   <prefix>.ev.<user>.<entity>.<action>.<subject>
 *
 * The user is in the subject so that a subscription listens to one user's events only.
 */
import { splitType } from './event';

const PLAIN = /^[A-Za-z0-9_-]+$/;

export function encodeToken(value: string): string {
  return PLAIN.test(value) ? value : `~${Buffer.from(value).toString('base64url')}`;
}

export const streamName = (prefix: string) => `${prefix}_EVENTS`;
export const streamSubjects = (prefix: string) => `${prefix}.ev.>`;

/** An event name's three tokens (see the catalog), each encoded for a subject. */
const kindTokens = (type: string) => splitType(type).map(encodeToken).join('.');

/** The subject an event is published on. */
export function eventSubject(prefix: string, userId: string, type: string): string {
  return [prefix, 'ev', encodeToken(userId), kindTokens(type)].join('.');
}

/** The filter of a work queue: one event kind's events, every user's. */
export function workSubject(prefix: string, type: string): string {
  return [prefix, 'ev', '*', kindTokens(type)].join('.');
}

/** The narrowest filter for one user's events, optionally of one entity and action. */
export function userFilter(
  prefix: string,
  userId: string,
  entity?: string,
  action?: string,
): string {
  const base = `${prefix}.ev.${encodeToken(userId)}`;
  if (!entity) return `${base}.>`;
  if (!action) return `${base}.${encodeToken(entity)}.>`;
  return `${base}.${encodeToken(entity)}.${encodeToken(action)}.*`;
}
