/**
 * Start-up and shutdown in one place: config -> database -> migrations -> services -> built-ins
 * -> GraphQL -> HTTP. `stop()` runs the same steps in reverse and lets in-flight requests finish.
 */

import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REGISTRY_ADMIN } from './auth/registry-access';
import { type Authenticator, createAuthenticator, mintToken, rolesClaims } from './auth/tokens';
import type { Config } from './config';
import { type Core, type CoreOptions, createCore } from './core';
import { createSubscriptionSlots } from './events/subscription-slots';
import { schema } from './graphql/schema';
import { createMetrics, operationNames } from './http/observability';
import { loadPersistedOperations } from './http/persisted-operations';
import { createRateLimits } from './http/rate-limits';
import { createHttpServer } from './http/server';
import { attachWebSocketServer } from './http/websocket';
import { createStudioYoga, type StudioYoga } from './http/yoga';

export interface App extends Core {
  auth: Authenticator;
  yoga: StudioYoga;
  server: Server;
  /** Set after `listen()`. */
  url: string | undefined;
  /** A development token for user `dev` (embedded default only). */
  devToken: string | undefined;
  listen(): Promise<string>;
}

export type AppOptions = CoreOptions;

/** How long requests in flight get to finish when the server stops, before their sockets close. */
export const STOP_GRACE_MS = 5_000;

/**
 * Stops taking connections and waits for the open ones to finish their requests. A keep-alive
 * connection stays open after `close()` and a client may send it more requests, and a
 * streaming answer (SSE) never ends by itself: connections are closed as soon as they are idle,
 * and whatever is still open after STOP_GRACE_MS is closed mid-request.
 */
async function closeServer(server: Server, log: Core['log']): Promise<void> {
  await new Promise<void>((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const force = setTimeout(() => {
      log.warn('connections still open when the server stopped: closed', {
        graceMs: STOP_GRACE_MS,
      });
      server.closeAllConnections();
    }, STOP_GRACE_MS);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** The SDK's operation texts, when the generated manifest ships beside the code. */
async function sdkOperations(): Promise<string[]> {
  try {
    const url = new URL('../client-sdk/generated/persisted-documents.json', import.meta.url);
    return Object.values(JSON.parse(await readFile(url, 'utf8')) as Record<string, string>);
  } catch {
    return [];
  }
}

/** The API server: the core, its processors (as configured), GraphQL, REST and WebSocket. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  // A bad manifest stops the start before anything else is opened.
  const persisted = config.persistedOperations
    ? await loadPersistedOperations(config.persistedOperations, schema, {
        allowlist: config.persistedOnly,
        graphiqlExempt: config.graphiql,
      })
    : undefined;
  const core = await createCore(config, options);
  try {
    await core.startProcessors();
    // Reprocessings are driven by API processes, which take them over from one that stopped.
    core.reprocessingDriver.start();
    const auth = createAuthenticator(config);
    if (persisted) {
      core.log.info('persisted operations loaded', {
        operations: persisted.documents.size,
        allowlist: persisted.allowlist,
      });
    }
    const limits = createRateLimits(config);
    const slots = createSubscriptionSlots({
      max: config.maxSubscriptionsPerUser,
      redisUrl: config.redisUrl,
      prefix: config.deploymentId,
      log: core.log,
    });
    // The development user may change the registry, so GraphiQL can register schemas as is.
    const devToken =
      config.devSecret && config.jwtSecret
        ? await mintToken(
            config.jwtSecret,
            'dev',
            '30d',
            rolesClaims(config.rolesClaim, [REGISTRY_ADMIN]),
          )
        : undefined;
    const yoga = createStudioYoga({
      services: core.services,
      auth,
      log: core.log,
      events: core.events,
      runs: core.runs,
      runService: core.runService,
      reprocessings: core.reprocessings,
      onReprocess: () => core.reprocessingDriver.kick(),
      files: core.files,
      config,
      onWrite: () => core.relay.kick(),
      database: core.database,
      health: core.health,
      consumers: () => core.runtime.consumerList(),
      metrics: createMetrics({
        events: core.events,
        relay: core.relay,
        health: core.health,
        processors: core.services.processors,
        statements: () => core.database.stats.queries,
      }),
      limits,
      slots,
      knownOperations: operationNames(persisted?.documents.values() ?? (await sdkOperations())),
      mongo: core.mongo,
      persisted,
      graphiqlToken: devToken,
    });
    const server = createHttpServer(yoga, { limits, auth });
    const ws = attachWebSocketServer({
      server,
      yoga,
      auth,
      config,
      log: core.log,
      limits,
      persisted,
    });
    const app: App = {
      ...core,
      auth,
      yoga,
      server,
      url: undefined,
      devToken,
      async listen() {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(config.port, config.host, () => resolve());
        });
        const { port } = server.address() as AddressInfo;
        const host = config.host === '0.0.0.0' ? 'localhost' : config.host;
        app.url = `http://${host}:${port}`;
        return app.url;
      },
      async stop() {
        await ws.close();
        if (server.listening) await closeServer(server, core.log);
        await limits.close();
        await slots.close();
        await core.stop();
      },
    };
    return app;
  } catch (error) {
    await core.stop();
    throw error;
  }
}
