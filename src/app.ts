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
import { createHttpServer } from './http/server';
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
    const services = createServices(database);
    await registerBuiltins(services);
    const auth = createAuthenticator(config);
    const devToken =
      config.devSecret && config.jwtSecret ? await mintToken(config.jwtSecret, 'dev') : undefined;
    const yoga = createStudioYoga({ services, auth, log, graphiqlToken: devToken });
    const server = createHttpServer(yoga);
    const app: App = {
      config,
      database,
      services,
      auth,
      yoga,
      server,
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
        if (server.listening) {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          });
        }
        if (ownsDatabase) await database.close();
      },
    };
    return app;
  } catch (error) {
    if (ownsDatabase) await database.close();
    throw error;
  }
}
