/**
 * The typed test kit: GraphQL through the SDK's generated documents, so a test's variables are
 * checked against the operation and its answer is typed by the selection, plus the few helpers
 * a test reaches for (`expectData`, `expectError`, `nodes`). The harness re-exports all of it.
 *
 * A query written as a string (odd GraphQL on purpose: bad input, malformed or costly queries)
 * still works, and its answer is `unknown` unless the test names a type.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, print } from 'graphql';
import { expect } from 'vitest';
import type { ErrorCode, ErrorDetails, ValidationIssue } from '../../src/errors';

/**
 * What a string query or a REST body answers when the test names no type: `unknown`, so a test
 * that reads an answer field by field either uses one of the SDK's typed documents or names the
 * type it expects (`h().gql<{ blob: { id: string } | null }>(QUERY, ...)`).
 */
export type Untyped = unknown;

export type Variables = Record<string, unknown>;

/**
 * One entry of a GraphQL answer's `errors`, as the server formats it. `X` is the type of the
 * extensions other than `code`: `unknown` (check before reading) except on untyped answers.
 */
export interface GraphQLErrorBody<X = unknown> {
  message: string;
  path?: (string | number)[];
  extensions: { code?: string; [key: string]: X | string | undefined };
}

export interface GraphQLResponse<T = Untyped, X = unknown> {
  status: number;
  data: T | null | undefined;
  errors: GraphQLErrorBody<X>[] | undefined;
}

/** A document's variables and the token: the variables may be left out when none is required. */
export type DocumentArgs<V> =
  Record<string, never> extends V
    ? [variables?: V, token?: string | null]
    : [variables: V, token?: string | null];

/** The harness's `gql`: a typed document of the SDK, or a query string. */
export interface GqlFunction {
  <R, V extends Variables>(
    document: TypedDocumentNode<R, V>,
    ...args: DocumentArgs<V>
  ): Promise<GraphQLResponse<R>>;
  <T = Untyped>(
    query: string,
    variables?: Variables,
    token?: string | null,
  ): Promise<GraphQLResponse<T, Untyped>>;
}

export interface RestResponse<T> {
  status: number;
  body: T;
}

/** What a REST route answers on an error: `{ error: { code, message, ...details } }`. */
export interface RestError {
  error: { code: ErrorCode; message: string } & ErrorDetails;
}

export interface RestOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
}

/** The harness's `rest`: the body parsed as JSON when it is JSON, else its text. */
export type RestFunction = <T = Untyped>(
  method: string,
  path: string,
  options?: RestOptions,
) => Promise<RestResponse<T>>;

/** Anything that answers HTTP requests as `fetch` does, such as `yoga.fetch`. */
export type Fetcher = (url: string, init: RequestInit) => Promise<Response> | Response;

const printed = new WeakMap<DocumentNode, string>();

/** The text of a query: a string as it is, a document printed once. */
export function queryText(query: string | DocumentNode): string {
  if (typeof query === 'string') return query;
  let text = printed.get(query);
  if (text === undefined) {
    text = print(query);
    printed.set(query, text);
  }
  return text;
}

const bearer = (token: string | null | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

/** `gql` over `fetcher`, posting to `url`. */
export function gqlOver(fetcher: Fetcher, url: string): GqlFunction {
  return async (
    query: string | DocumentNode,
    variables?: Variables,
    token?: string | null,
  ): Promise<GraphQLResponse<never>> => {
    const res = await fetcher(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(token) },
      body: JSON.stringify({ query: queryText(query), variables }),
    });
    const body = (await res.json()) as { data?: never; errors?: GraphQLErrorBody[] };
    return { status: res.status, data: body.data, errors: body.errors };
  };
}

/** `rest` over `fetcher`, on paths under `origin`. */
export function restOver(fetcher: Fetcher, origin: string): RestFunction {
  return async <T>(method: string, path: string, options: RestOptions = {}) => {
    const headers = bearer(options.token);
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const res = await fetcher(`${origin}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed as T };
  };
}

/** Asserts the answer has no errors and has data, and returns the data. */
export function expectData<T>(r: GraphQLResponse<T>): T {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  if (r.data === null || r.data === undefined) throw new Error(`no data (HTTP ${r.status})`);
  return r.data;
}

/** A code of `src/errors.ts`, or one GraphQL itself gives (such as GRAPHQL_VALIDATION_FAILED). */
export type ExpectedCode = ErrorCode | (string & Record<never, never>);

/** Asserts the answer's first error carries `code`, and returns that error. */
export function expectError<X>(
  r: GraphQLResponse<unknown, X>,
  code: ExpectedCode,
): GraphQLErrorBody<X> {
  const first = r.errors?.[0];
  expect(first?.extensions.code, JSON.stringify(r.errors ?? r.data)).toBe(code);
  if (!first) throw new Error(`no error, expected ${code}`);
  return first;
}

/** The issues (JSON Pointer path, message, keyword) a VALIDATION_FAILED error lists. */
export function issuesOf(error: GraphQLErrorBody<unknown>): ValidationIssue[] {
  const { issues } = error.extensions;
  expect(Array.isArray(issues), JSON.stringify(error)).toBe(true);
  return issues as ValidationIssue[];
}

/** The nodes of a connection, in order: `nodes(data.books)` (typed as the connection's nodes). */
export const nodes = <T = Untyped>(connection: { edges: readonly { node: T }[] }): T[] =>
  connection.edges.map((e) => e.node);
