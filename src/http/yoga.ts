/**
 * The GraphQL server: Pothos schema, JWT auth, masked errors, query limits, local GraphiQL, the
 * REST routes and the Studio web app, all in one Yoga fetch handler: GraphQL at `/graphql`, REST
 * at its own paths, the Studio at `/` (studio.ts).
 * Subscriptions go out over SSE, Apollo's multipart HTTP protocol, or graphql-ws (websocket.ts).
 */
import { useGraphQlJit } from '@envelop/graphql-jit';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import {
  BREAK,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  execute as executeInterpreted,
  GraphQLError,
  getOperationAST,
  visit,
} from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Authenticator } from '../auth/tokens';
import { DataPools } from '../blobs/data-budget';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { AppError, ErrorCode } from '../errors';
import type { EventBackbone } from '../events/backbone';
import type { SubscriptionSlots } from '../events/subscription-slots';
import type { FileStore } from '../files/file-store';
import { type Context, createLoaders } from '../graphql/context';
import { createMaskError } from '../graphql/errors';
import { schema } from '../graphql/schema';
import type { ProcessorHealthService } from '../health/processor-health';
import type { Logger } from '../logger';
import type { ConsumerInfo } from '../runtime/processor-runtime';
import type { ReprocessingService } from '../runtime/reprocessing-service';
import type { RunRepository } from '../runtime/run-repository';
import type { RunService } from '../runtime/run-service';
import type { Services } from '../services';
import { connectionAuthorization } from './connection-params';
import { corsFor } from './cors';
import { useCostLimit } from './cost-limit';
import type { MeteredServerContext } from './cost-meter';
import { graphiqlOptions, renderStudioGraphiQL } from './graphiql';
import { useJsonContentType } from './json-content-type';
import { useMeteredGraphql } from './metered-graphql';
import { useMultipartSubscriptions } from './multipart-subscriptions';
import { useNoManifest } from './no-manifest';
import { type Metrics, useObservability } from './observability';
import { type PersistedOperations, usePersistedManifest } from './persisted-operations';
import type { RateLimits } from './rate-limits';
import { useRestRoutes } from './rest-routes';
import { useStorableInput } from './storable-input';
import { useStudio } from './studio';
import { useValidationCache } from './validation-cache';

/**
 * What `runsCompiled` decided for each document seen: `once` until its second execution, then
 * `compiled`; `interpreted` for good. Yoga's parse cache hands back the same object for a text.
 */
const compileState = new WeakMap<DocumentNode, 'once' | 'compiled' | 'interpreted'>();

/**
 * Whether an operation runs compiled by graphql-jit rather than interpreted by graphql-js: a
 * query or mutation whose document ran before (one sent once, as a hostile client sends them by
 * the thousand, costs no compile). A document with an object or list literal always runs
 * interpreted: graphql-jit parses a scalar's literal (our `JSON`) without the variables inside it.
 * Variables are not checked here: graphql-jit refuses bad ones before running anything, and
 * `useCompiledFallback` then runs the operation interpreted, for graphql-js's own errors.
 */
function runsCompiled(args: ExecutionArgs): boolean {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation || operation.operation === 'subscription') return false;
  const state = compileState.get(args.document);
  if (state === undefined) {
    compileState.set(args.document, hasCompositeLiteral(args.document) ? 'interpreted' : 'once');
    return false;
  }
  if (state === 'interpreted') return false;
  if (state === 'once') compileState.set(args.document, 'compiled');
  return true;
}

type ExecuteFunction = Parameters<NonNullable<Plugin['onExecute']>>[0]['executeFn'];

/**
 * The execute Yoga chose before graphql-jit's plugin, for each operation's context, and the
 * plugins around graphql-jit's that use it: an operation graphql-jit answered with errors and no
 * data (it refused the variables, before running anything: it reports them in words of its own)
 * runs again interpreted, so its client gets graphql-js's BAD_USER_INPUT as the first time. A
 * check of the variables by graphql-js before every compiled run cost 2.6% of a read's CPU.
 */
function useCompiledFallback(): [Plugin, Plugin] {
  const interpreted = new WeakMap<object, ExecuteFunction>();
  return [
    {
      // Interpreted runs go to graphql-js's own execute rather than Yoga's default executor,
      // which writes an object's fields in the order their resolvers finish (an async field
      // listed first came last): the GraphQL spec orders them as the query lists them, and
      // compiled runs (graphql-jit) did. Only the engine changes here: the plugins that wrap
      // execution (useDataRelease) come after this one and wrap this.
      onExecute({ setExecuteFn, args }) {
        const execute = executeInterpreted as ExecuteFunction;
        setExecuteFn(execute);
        interpreted.set(args.contextValue as object, execute);
      },
    },
    {
      onExecute({ executeFn, setExecuteFn, args }) {
        const original = interpreted.get(args.contextValue as object);
        if (!original || original === executeFn) return;
        setExecuteFn(async (a) => {
          const result = await executeFn(a);
          const refused =
            result !== null &&
            typeof result === 'object' &&
            !('data' in result) &&
            Array.isArray((result as ExecutionResult).errors);
          return refused ? original(a) : result;
        });
      },
    },
  ];
}

/** Whether `document` has an object or list value written in it (not passed as a variable). */
function hasCompositeLiteral(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    ObjectValue() {
      found = true;
      return BREAK;
    },
    ListValue() {
      found = true;
      return BREAK;
    },
  });
  return found;
}

/** Query limits. Generous for real clients, fatal for abusive queries. */
export const QUERY_LIMITS = {
  maxDepth: 10,
  maxAliases: 15,
  maxTokens: 3000,
  maxCost: 5000,
  maxDirectives: 20,
} as const;

export interface YogaOptions {
  services: Services;
  events: EventBackbone;
  runs: RunRepository;
  runService: RunService;
  reprocessings: ReprocessingService;
  /** Called after a reprocessing was recorded (its driver polls at once). */
  onReprocess: () => void;
  files: FileStore;
  health: ProcessorHealthService;
  /** The work queues this process consumes, listed by /readyz. */
  consumers?: () => ConsumerInfo[];
  /** Wakes the outbox relay after a write that queued events. */
  onWrite: () => void;
  database: Database;
  metrics: Metrics;
  limits?: RateLimits;
  slots: SubscriptionSlots;
  /** Operation names allowed as metric labels. */
  knownOperations?: ReadonlySet<string>;
  /** The MongoDB blob store, checked by /readyz when present. */
  mongo?: { healthy(): Promise<boolean> };
  config: Pick<Config, 'subscriptionBuffer' | 'graphiql' | 'allowedOrigins'>;
  /** A loaded persisted-operations manifest (and whether it is an allowlist). */
  persisted?: PersistedOperations;
  auth: Authenticator;
  log: Logger;
  /** A token GraphiQL pre-fills in its headers and the Studio signs in with (development only). */
  graphiqlToken?: string;
  /** Where the Studio's build is (tests); defaults to web/dist. */
  studioDist?: string;
}

export type StudioYoga = YogaServerInstance<Record<string, unknown>, Context>;

const tagged = (code: string) => [
  (_ctx: unknown, error: GraphQLError) => {
    (error.extensions as Record<string, unknown>).code = code;
  },
];

export function createStudioYoga(options: YogaOptions): StudioYoga {
  const { services, auth, log, events } = options;
  const logError = (error: unknown) => log.error('unexpected error', { error });
  const logUnavailable = (error: unknown) =>
    log.warn('dependency unavailable', { error: (error as Error)?.message ?? String(error) });
  const maskError = createMaskError(logError, logUnavailable);
  const observeEventLag = (seconds: number) => options.metrics.eventLag.observe(seconds);
  // What each user's requests in flight may hold of blob data at once: four responses' worth.
  const pools = new DataPools(USER_POOL_RESPONSES * services.blobs.responseDataBytes);
  const compiledFallback = useCompiledFallback();
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    cors: corsFor(options.config.allowedOrigins),
    renderGraphiQL: renderStudioGraphiQL,
    graphiql: options.config.graphiql && graphiqlOptions(options.graphiqlToken),
    maskedErrors: { maskError },
    // Parsed documents stay cached; validation results are cached by useValidationCache.
    parserAndValidationCache: { validationCache: false },
    logging: false,
    context: async ({
      request,
      connectionParams,
      meter,
    }: {
      request: Request;
      connectionParams?: Record<string, unknown>;
    } & MeteredServerContext) => {
      // Over WebSocket the token travels in connection_init; over HTTP and SSE in the header.
      const header = connectionParams
        ? connectionAuthorization(connectionParams)
        : request.headers.get('authorization');
      try {
        const principal = await auth.fromHeader(header);
        return {
          principal,
          services,
          events,
          runs: options.runs,
          runService: options.runService,
          reprocessings: options.reprocessings,
          onReprocess: options.onReprocess,
          health: options.health,
          onWrite: options.onWrite,
          observeEventLag,
          subscriptionBuffer: options.config.subscriptionBuffer,
          slots: options.slots,
          loaders: createLoaders(services, principal?.userId ?? null, pools, meter),
          meter,
        };
      } catch (error) {
        if (error instanceof AppError) {
          throw new GraphQLError(error.message, {
            extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } },
          });
        }
        throw error;
      }
    },
    plugins: [
      useObservability({
        database: options.database,
        events,
        metrics: options.metrics,
        log,
        limits: options.limits,
        mongo: options.mongo,
        knownOperations: options.knownOperations,
        consumers: options.consumers,
      }),
      useRestRoutes({
        services,
        runService: options.runService,
        files: options.files,
        auth,
        log: logError,
        warn: logUnavailable,
        persistedOnly: options.persisted?.allowlist,
      }),
      useStudio({ devToken: options.graphiqlToken, dist: options.studioDist }),
      useJsonContentType('/graphql'),
      options.persisted ? usePersistedManifest(options.persisted) : useNoManifest(),
      useStorableInput(),
      useValidationCache(),
      useCostLimit(QUERY_LIMITS.maxCost),
      compiledFallback[0],
      // Queries and mutations that clients send again run compiled (graphql-jit); see `runsCompiled`.
      useGraphQlJit(
        {},
        {
          enableIf: runsCompiled,
          // A valid document graphql-jit cannot compile answers its compile errors: rare enough
          // to be a bug worth a log line.
          onError: (result) =>
            log.error('graphql-jit could not compile a document', {
              errors: result.errors?.map((e) => e.message),
            }),
        },
      ),
      compiledFallback[1],
      useMultipartSubscriptions({ maskError }),
      EnvelopArmorPlugin({
        maxDepth: { n: QUERY_LIMITS.maxDepth, onReject: tagged(ErrorCode.QUERY_TOO_COMPLEX) },
        maxAliases: { n: QUERY_LIMITS.maxAliases, onReject: tagged(ErrorCode.QUERY_TOO_COMPLEX) },
        maxTokens: { n: QUERY_LIMITS.maxTokens, onReject: tagged(ErrorCode.QUERY_TOO_COMPLEX) },
        // Our own rule computes the same cost and says which `first` would fit (cost-limit.ts).
        costLimit: { enabled: false },
        maxDirectives: {
          n: QUERY_LIMITS.maxDirectives,
          onReject: tagged(ErrorCode.QUERY_TOO_COMPLEX),
        },
        blockFieldSuggestion: { enabled: false },
      }),
      // Nearly last, so it wraps whichever execute the plugins above chose.
      useDataRelease(),
      // And this around it: an operation's parse, validation and execution (with any compile)
      // count against its user's share of the event loop.
      useMeteredGraphql(),
    ],
  });
}

/** Responses' worth of blob data one user's requests in flight hold at most (see DataPools). */
export const USER_POOL_RESPONSES = 4;

/**
 * Gives back what an operation's reads hold of its user's data pool once it has executed, however
 * it ended (its result then holds the data until it is sent).
 */
function useDataRelease(): Plugin<Record<string, unknown>, Context> {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        try {
          return await executeFn(args);
        } finally {
          (args.contextValue as Context).loaders.budget.release();
        }
      });
    },
  };
}
