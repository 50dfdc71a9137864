/**
 * How operator commands (`reyna dead-letters …`, `reyna runs …`) reach a running API: they send
 * GraphQL over HTTP with an admin token, like any other client, so every rule the API enforces
 * (roles, limits, validation) holds for them too, and they work the same on PGlite (whose
 * database only the API process may open) and PostgreSQL.
 *
 *   REYNA_URL    the API's base URL (default http://127.0.0.1:8010, `npm start`'s address)
 *   REYNA_TOKEN  a token with the `registry-admin` role, e.g. from
 *                `npm run token -- ops 1h registry-admin`
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { ConfigError } from '../config';

export interface ApiTarget {
  url: string;
  token: string;
}

/** The API named by REYNA_URL and REYNA_TOKEN; a ConfigError saying what to set when missing. */
export function apiTarget(env: NodeJS.ProcessEnv = process.env): ApiTarget {
  const token = env.REYNA_TOKEN?.trim();
  if (!token) {
    throw new ConfigError(
      'set REYNA_TOKEN to a token with the registry-admin role (npm run token -- ops 1h registry-admin)',
    );
  }
  const url = (env.REYNA_URL?.trim() || 'http://127.0.0.1:8010').replace(/\/+$/, '');
  return { url, token };
}

/** A GraphQL error as the API sent it: its message and `extensions.code`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** Sends one operation; the data, or an ApiError carrying the first error's message and code. */
export async function callApi<T>(
  target: ApiTarget,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(`${target.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => null)) as {
    data?: T;
    errors?: { message: string; extensions?: { code?: string } }[];
  } | null;
  const first = body?.errors?.[0];
  if (first) throw new ApiError(first.message, first.extensions?.code);
  if (!response.ok || !body?.data) {
    throw new ApiError(`the API answered HTTP ${response.status}`, undefined);
  }
  return body.data;
}

/** Sends one of the SDK's typed documents: its result comes back typed. */
export function callDocument<R, V extends Record<string, unknown>>(
  target: ApiTarget,
  document: TypedDocumentNode<R, V>,
  variables: V,
): Promise<R> {
  return callApi<R>(target, print(document), variables);
}

/** A command used wrongly (unknown option, bad value): said before anything is sent. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--name value` and `--flag` options, and the words before them. */
export function parseOptions(args: readonly string[]): {
  words: string[];
  options: Map<string, string | true>;
} {
  const words: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    const next = args[i + 1];
    if (inline !== undefined) options.set(name, inline);
    else if (next !== undefined && !next.startsWith('--')) {
      options.set(name, next);
      i++;
    } else options.set(name, true);
  }
  return { words, options };
}
