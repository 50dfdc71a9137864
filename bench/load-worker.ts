/**
 * The load thread of `bench:processors` (see `load-thread.ts`): the OpenAI-compatible LLM server
 * and the 8 writers of the throughput phases, on a thread of their own. In a deployment neither
 * runs in the API's process; here they would take a tenth of the main thread the server needs.
 */
import { parentPort } from 'node:worker_threads';
import type { Client } from 'graphql-ws';
import { startFakeLlm } from '../test/support/fake-llm';
import type { LoadCommand, LoadReply } from './load-thread';
import { startWriter, type Writer } from './writers';

const port = parentPort!;
const llm = await startFakeLlm();
const clients: Client[] = [];
let writers: Writer[] = [];

async function handle(command: LoadCommand): Promise<unknown> {
  switch (command.kind) {
    case 'writers':
      writers = await Promise.all(
        command.names.map((name) => startWriter(command.secret, name, command.url, clients)),
      );
      return null;
    case 'write': {
      const from = command.from - performance.timeOrigin;
      const until = command.until - performance.timeOrigin;
      let warming = 0;
      let done = 0;
      let after = 0;
      await Promise.all(
        writers.map(async (w, k) => {
          let i = 0;
          while (performance.now() < until) {
            await w.expand(`User ${k} writes passage number ${i++} for throughput.`);
            const now = performance.now();
            if (now < from) warming++;
            else if (now <= until) done++;
            else after++;
          }
        }),
      );
      return { warming, done, after };
    }
    case 'stopWriters':
      await Promise.all(clients.splice(0).map((c) => c.dispose()));
      writers = [];
      return null;
    case 'close':
      await Promise.all(clients.splice(0).map((c) => c.dispose()));
      await llm.close();
      return null;
  }
}

port.on('message', (command: LoadCommand) => {
  handle(command).then(
    (result) => port.postMessage({ id: command.id, result } satisfies LoadReply),
    (error: unknown) =>
      port.postMessage({
        id: command.id,
        error: error instanceof Error ? error.message : String(error),
      } satisfies LoadReply),
  );
});
port.postMessage({ ready: llm.url });
