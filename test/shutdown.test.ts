/**
 * Stopping the server: requests in flight finish, and connections that would never close by
 * themselves (an SSE subscription, a keep-alive client that keeps asking) do not hold the stop.
 */
import { Agent, request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BlobEventsDocument } from '../client-sdk/index';
import { queryText, startHarness } from './support/harness';
import { dropNatsStreams } from './support/nats';

describe('stopping the server', () => {
  it('ends an open SSE subscription and a busy keep-alive connection, and then stops', async () => {
    const h = await startHarness();
    try {
      const url = await h.app.listen();
      const token = await h.token(h.user());

      // An SSE subscription: its answer never ends by itself.
      const sse = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ query: queryText(BlobEventsDocument) }),
      });
      expect(sse.status).toBe(200);
      const reader = sse.body!.getReader();
      const ended = (async () => {
        try {
          while (!(await reader.read()).done);
        } catch {
          // Cut mid-stream: ended too.
        }
        return true;
      })();

      // A keep-alive client that sends its next request as soon as the last one is answered.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      let answered = 0;
      let asking = true;
      const ask = () =>
        new Promise<number>((resolve) => {
          const req = httpRequest(`${url}/healthz`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', () => resolve(0));
          req.end();
        });
      const asker = (async () => {
        while (asking && (await ask()) === 200) answered++;
      })();
      await expect.poll(() => answered).toBeGreaterThan(3);

      await h.app.stop();
      asking = false;
      await asker;
      agent.destroy();
      expect(await ended).toBe(true);
      // And it no longer listens.
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      await h.testDb.drop();
      if (h.app.config.natsUrl) await dropNatsStreams(h.app.config.deploymentId);
    }
  }, 30_000);
});
