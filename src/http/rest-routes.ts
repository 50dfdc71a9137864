/**
 * The design document's REST routes, kept beside GraphQL with the same auth, services and errors:
 *
 *   GET  /schemas                  list (filters: name, active)
 *   POST /schemas                  register: a RegisterSchemaInput, or a bare JSON Schema
 *   GET  /schemas/:id              one schema
 *   GET  /schemas/:id/validate     ?data=<JSON> -> { valid, errors }
 *   POST /schemas/:id/validate     body is the data -> { valid, errors }
 *   GET  /processors/:id/schemas   { processorId, input, output, owned }
 *   POST /processors/:id/runs      ask an on-request processor for a run: { bookId, blobId, details }
 *   GET  /files/:id                 a file a processor exported (book, pitch), for its owner
 *
 * Errors answer `{ "error": { "code", "message", ...details } }` with the matching HTTP status.
 */
import type { Plugin } from 'graphql-yoga';
import { registryActor } from '../auth/registry-access';
import type { Authenticator, Principal } from '../auth/tokens';
import { AppError, badInput, ErrorCode, notFound } from '../errors';
import type { FileStore } from '../files/file-store';
import { assertRoundTrips } from '../json-values';
import { COMPATIBILITY_MODES } from '../registry/compatibility';
import type { RegisterSchemaInput, SchemaRecord } from '../registry/schema-types';
import { type RunAsk, requestRun } from '../runtime/run-requests';
import type { RunService } from '../runtime/run-service';
import type { ProcessorRun } from '../runtime/run-types';
import type { Services } from '../services';
import { retryAfterSeconds, toUnavailable } from '../unavailable';
import type { CostMeter, MeteredServerContext } from './cost-meter';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });

const schemaJson = (s: SchemaRecord) => ({
  id: s.id,
  name: s.name,
  version: s.version,
  draft: s.draft,
  definition: s.definition,
  description: s.description,
  examples: s.examples,
  ownerProcessorId: s.ownerProcessorId,
  active: s.active,
  createdAt: s.createdAt.toISOString(),
});

/**
 * The body as JSON; `stored` when it will be written (strings must then be storable). Its walk is
 * charged to `meter`.
 */
async function readJson(
  request: Request,
  meter: CostMeter | undefined,
  stored = false,
): Promise<unknown> {
  const text = await request.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badInput('body', 'The request body is not valid JSON');
  }
  assertRoundTrips(value, 'body', stored, meter);
  return value;
}

const isString = (v: unknown) => typeof v === 'string';

/** The fields of a RegisterSchemaInput body and what each must be, as GraphQL's input type. */
const INPUT_FIELDS: Record<string, [(v: unknown) => boolean, string]> = {
  definition: [() => true, 'a JSON Schema'],
  name: [isString, 'a string'],
  version: [isString, 'a string'],
  description: [isString, 'a string'],
  examples: [Array.isArray, 'an array'],
  ownerProcessorId: [isString, 'a string'],
  active: [(v) => typeof v === 'boolean', 'a boolean'],
  compatibility: [
    (v) => COMPATIBILITY_MODES.includes(v as never),
    `one of ${COMPATIBILITY_MODES.join(', ')}`,
  ],
};

/** Refuses unknown or mistyped fields with BAD_USER_INPUT, as GraphQL does for its input. */
function checkFields<T>(body: Record<string, unknown>, fields: typeof INPUT_FIELDS): T {
  for (const [field, value] of Object.entries(body)) {
    const rule = fields[field];
    if (!rule) throw badInput(field, `Unknown field "${field}"`);
    if (value !== null && !rule[0](value)) throw badInput(field, `"${field}" must be ${rule[1]}`);
  }
  return body as T;
}

/** The fields of a run request, as `requestRun`'s arguments. */
const RUN_FIELDS: typeof INPUT_FIELDS = {
  bookId: [isString, 'a string'],
  blobId: [isString, 'a string'],
  details: [() => true, 'JSON'],
};

/** A JSON object body; BAD_USER_INPUT for anything else. */
function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw badInput('body', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

export const runJson = (r: ProcessorRun) => ({
  id: r.id,
  processorId: r.processorId,
  processorVersion: r.processorVersion,
  status: r.status.toUpperCase(),
  attempts: r.attempts,
  error: r.error,
  inputBlobId: r.inputBlobId,
  inputVersion: r.inputVersion,
  bookId: r.bookId,
  outputBlobId: r.outputBlobId,
  createdAt: r.createdAt.toISOString(),
});

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badInput('path', 'The path is not validly percent-encoded');
  }
}

type Handler = (
  principal: Principal,
  params: string[],
  request: Request,
  url: URL,
  /** The request's meter, when its user's work is charged (see cost-meter.ts). */
  meter: CostMeter | undefined,
) => Promise<Response>;

/**
 * A route: method, path pattern, handler, and whether it changes the registry (such routes are
 * refused in allowlist mode, as operation text is over GraphQL).
 */
type Route = [string, RegExp, Handler, 'registry-write'?];

function routes(services: Services, files: FileStore, runService: RunService): Route[] {
  return [
    [
      'GET',
      /^\/files\/([^/]+)$/,
      async ({ userId }, [id]) => {
        const file = await files.read(userId, id!);
        if (!file) throw notFound('File', id!);
        return new Response(new Uint8Array(file.content), {
          status: 200,
          headers: {
            'content-type': file.mediaType,
            'content-length': String(file.size),
            'content-disposition': `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`,
          },
        });
      },
    ],
    [
      'GET',
      /^\/schemas$/,
      async (_u, _p, _r, url) => {
        const active = url.searchParams.get('active');
        const first = url.searchParams.get('first');
        const page = await services.schemas.list(
          {
            name: url.searchParams.get('name'),
            active: active === null ? null : active === 'true',
          },
          first === null ? null : Number(first),
          url.searchParams.get('after'),
        );
        // Pages like GraphQL's `schemas`: pass `nextCursor` back as ?after= for the next page.
        return json(200, {
          schemas: page.edges.map((e) => schemaJson(e.node)),
          nextCursor: page.hasNextPage ? (page.edges.at(-1)?.cursor ?? null) : null,
        });
      },
    ],
    [
      'POST',
      /^\/schemas$/,
      async (principal, _p, request, _url, meter) => {
        const actor = registryActor(principal.userId, principal.roles);
        const body = await readJson(request, meter, true);
        const isInput = typeof body === 'object' && body !== null && 'definition' in body;
        const input = isInput
          ? checkFields<RegisterSchemaInput>(body as Record<string, unknown>, INPUT_FIELDS)
          : { definition: body };
        return json(201, schemaJson(await services.schemas.register(actor, input, meter)));
      },
      'registry-write',
    ],
    [
      'GET',
      /^\/schemas\/([^/]+)$/,
      async (_u, [id]) => {
        const schema = await services.schemas.require(id!);
        return json(200, schemaJson(schema));
      },
    ],
    [
      'GET',
      /^\/schemas\/([^/]+)\/validate$/,
      async (_u, [id], _r, url, meter) => {
        const raw = url.searchParams.get('data');
        if (raw === null)
          throw badInput('data', 'Pass the document as ?data=<JSON>, or POST it as the body');
        let data: unknown;
        try {
          data = JSON.parse(raw);
        } catch {
          throw badInput('data', 'The data parameter is not valid JSON');
        }
        assertRoundTrips(data, 'data', false, meter);
        return json(200, await services.schemas.validate(id!, data, meter));
      },
    ],
    [
      'POST',
      /^\/schemas\/([^/]+)\/validate$/,
      async (_u, [id], request, _url, meter) =>
        json(200, await services.schemas.validate(id!, await readJson(request, meter), meter)),
    ],
    [
      'GET',
      /^\/processors\/([^/]+)\/schemas$/,
      async (_u, [id]) => {
        const processor = await services.processors.require(id!);
        const [input, output, owned] = await Promise.all([
          services.schemas.getMany(processor.inputSchemaIds),
          services.schemas.getMany(processor.outputSchemaIds),
          services.schemas.list({ ownerProcessorId: processor.id }),
        ]);
        return json(200, {
          processorId: processor.id,
          input: input.map(schemaJson),
          output: output.map(schemaJson),
          owned: owned.edges.map((e) => schemaJson(e.node)),
        });
      },
    ],
    [
      'POST',
      /^\/processors\/([^/]+)\/runs$/,
      async ({ userId }, [id], request, _url, meter) => {
        const body = objectBody(await readJson(request, meter, true));
        const ask = checkFields<RunAsk>(body, RUN_FIELDS);
        const run = await requestRun({ services, runService }, userId, id!, ask);
        return json(201, runJson(run));
      },
    ],
  ];
}

/** Serves the REST routes from inside Yoga, so one fetch handler answers everything. */
export function useRestRoutes(options: {
  services: Services;
  /** Run requests go through it, as `requestRun` does. */
  runService: RunService;
  files: FileStore;
  auth: Authenticator;
  log: (error: unknown) => void;
  /** Logs a dependency being down (a warning, not a bug). */
  warn?: (error: unknown) => void;
  /** Allowlist mode (REYNA_PERSISTED_ONLY): registry writes are refused here too. */
  persistedOnly?: boolean;
}): Plugin {
  const table = routes(options.services, options.files, options.runService);
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      const matches = table.filter(([, pattern]) => pattern.test(url.pathname));
      if (matches.length === 0) return;
      const route = matches.find(([method]) => method === request.method);
      if (!route) {
        endResponse(
          json(405, {
            error: {
              code: ErrorCode.BAD_USER_INPUT,
              message: `${request.method} is not allowed here`,
            },
          }),
        );
        return;
      }
      const [, pattern, handler, kind] = route;
      try {
        const principal = await options.auth.fromHeader(request.headers.get('authorization'));
        if (!principal)
          throw new AppError(ErrorCode.UNAUTHENTICATED, 'Send "Authorization: Bearer <token>"');
        if (options.persistedOnly && kind === 'registry-write') {
          throw new AppError(
            ErrorCode.PERSISTED_QUERY_ONLY,
            'This server runs only its persisted operations: registry writes over REST are off (use the GraphQL operations of the manifest)',
          );
        }
        const params = (pattern.exec(url.pathname) ?? []).slice(1).map(decodeParam);
        const { meter } = serverContext as MeteredServerContext;
        endResponse(await handler(principal, params, request, url, meter));
      } catch (error) {
        const unavailable = toUnavailable(error);
        if (unavailable) {
          (options.warn ?? options.log)(error);
          const response = json(unavailable.httpStatus, { error: unavailable.toJSON() });
          response.headers.set('retry-after', retryAfterSeconds(unavailable));
          endResponse(response);
        } else if (error instanceof AppError) {
          endResponse(json(error.httpStatus, { error: error.toJSON() }));
        } else {
          options.log(error);
          endResponse(
            json(500, {
              error: { code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Unexpected error.' },
            }),
          );
        }
      }
    },
  };
}
