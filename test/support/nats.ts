/** The tests' NATS: required on the PostgreSQL project; each test app has its own stream prefix. */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** The PostgreSQL project runs on NATS (required with CI set); PGlite on the in-process backbone. */
export const natsEnabled =
  process.env.REYNA_TEST_BACKEND === 'postgres' && process.env.REYNA_TEST_NATS !== 'off';

export const NATS_URL = process.env.REYNA_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Deletes every stream whose name starts with `<prefix>_`. */
export async function dropNatsStreams(prefix: string): Promise<void> {
  const nc = await connect({ servers: NATS_URL });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`${prefix}_`)) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
}

/** The PostgreSQL project also shares rate limits through the real Redis (required with CI set). */
export const redisEnabled =
  process.env.REYNA_TEST_BACKEND === 'postgres' && process.env.REYNA_TEST_REDIS === 'on';
export const REDIS_URL = process.env.REYNA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
