/**
 * Start-up and shutdown in one place: config -> database -> migrations -> services -> built-ins
 * -> GraphQL -> HTTP. `stop()` runs the same steps in reverse and lets in-flight requests finish.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../db/migrate';
import { type Authenticator, createAuthenticator, mintToken } from './auth/tokens';
import type { Config } from './config';
import { type Database, openDatabase } from './db/database';
import type { EventBackbone } from './events/backbone';
import { MemoryBackbone } from './events/memory-backbone';
import { NatsBackbone } from './events/nats-backbone';
import { OutboxRelay } from './events/outbox-relay';
import { createHttpServer } from './http/server';
import { attachWebSocketServer } from './http/websocket';
import { createStudioYoga, type StudioYoga } from './http/yoga';
import { createLogger, type Logger } from './logger';
import { createServices, registerBuiltins, type Services } from './services';

export interface App {
  config: Config;
  database: Database;
  services: Services;
  auth: Authenticator;
  yoga: StudioYoga;
  server: Server;
  events: EventBackbone;
  relay: OutboxRelay;
  log: Logger;
  /** Set after `listen()`. */
  url: string | undefined;
  /** A development token for user `dev` (embedded default only). */
  devToken: string | undefined;
  listen(): Promise<string>;
  stop(): Promise<void>;
}

export interface AppOptions {
  /** Use an already-open database (tests share one per worker); it is not closed by `stop()`. */
  database?: Database;
  log?: Logger;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  const ownsDatabase = !options.database;
  const database = options.database ?? (await openDatabase(config));
  try {
    await migrateToLatest(database.db as unknown as Kysely<unknown>);
    const events: EventBackbone = config.natsUrl
      ? new NatsBackbone({ url: config.natsUrl, prefix: config.deploymentId, log })
      : new MemoryBackbone();
    const relayRef: { current?: OutboxRelay } = {};
    const services = createServices(database, { onWrite: () => relayRef.current?.kick() });
    await registerBuiltins(services);
    await events.start();
    const relay = new OutboxRelay(database.db, events, log);
    relayRef.current = relay;
    if (config.outboxRelay) relay.start();
    const auth = createAuthenticator(config);
    const devToken =
      config.devSecret && config.jwtSecret ? await mintToken(config.jwtSecret, 'dev') : undefined;
    const yoga = createStudioYoga({ services, auth, log, events, config, graphiqlToken: devToken });
    const server = createHttpServer(yoga);
    const ws = attachWebSocketServer({ server, yoga, auth, config, log });
    const app: App = {
      config,
      database,
      services,
      auth,
      yoga,
      server,
      events,
      relay,
      log,
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
        if (server.listening) {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          });
        }
        await relay.stop();
        await events.stop();
        if (ownsDatabase) await database.close();
      },
    };
    return app;
  } catch (error) {
    if (ownsDatabase) await database.close();
    throw error;
  }
}
