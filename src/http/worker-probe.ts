/**
 * The HTTP a `reyna worker` serves when REYNA_WORKER_PORT is set: the same /healthz, /readyz and
 * /metrics as the API, for a process that serves no GraphQL. An orchestrator can then restart a
 * worker that lost its database or NATS, and see which work queues it consumes.
 *
 *   GET /healthz   200 while the process is up
 *   GET /readyz    200 when the database, migrations and events are ok; lists the consumers and
 *                  the heartbeat id this worker reports under `Processor.health`
 *   GET /metrics   Prometheus text: runs, processor health gauges, this worker's runs in flight
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge } from 'prom-client';
import type { Core } from '../core';
import { createMetrics, readinessReport } from './observability';

export interface WorkerProbe {
  url: string;
  close(): Promise<void>;
}

export async function startWorkerProbe(
  core: Core,
  port: number,
  host: string,
): Promise<WorkerProbe> {
  const metrics = createMetrics({
    events: core.events,
    relay: core.relay,
    health: core.health,
    processors: core.services.processors,
    statements: () => core.database.stats.queries,
  });
  new Gauge({
    name: 'reyna_worker_runs_in_flight',
    help: 'Deliveries this worker is handling now, by processor',
    labelNames: ['processor'],
    registers: [metrics.registry],
    collect() {
      this.reset();
      for (const [processor, n] of Object.entries(core.runtime.inFlight()))
        this.set({ processor }, n);
    },
  });
  const answer = async (path: string): Promise<{ status: number; type: string; body: string }> => {
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/readyz') {
      const report = await readinessReport({
        database: core.database,
        events: core.events,
        consumers: () => core.runtime.consumerList(),
      });
      return json(report.ready ? 200 : 503, { ...report.body, worker: core.heartbeat.id });
    }
    if (path === '/metrics') {
      return {
        status: 200,
        type: metrics.registry.contentType,
        body: await metrics.registry.metrics(),
      };
    }
    return json(404, { error: 'not found: this worker serves /healthz, /readyz and /metrics' });
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://worker').pathname;
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    answer(path).then(
      (a) => res.writeHead(a.status, { 'content-type': a.type }).end(a.body),
      (error: unknown) => {
        core.log.warn('worker probe failed', { path, error });
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function json(status: number, body: unknown) {
  return { status, type: 'application/json', body: JSON.stringify(body) };
}
