/**
 * `npm run faults`: the fault suite. `reyna serve` and `reyna worker` run as real child processes
 * on a PostgreSQL and a NATS server of the suite's own (spare ports, throwaway data: never the
 * machine's shared services) with the fake LLM, and each scenario breaks one thing on purpose.
 * Every scenario prints what was committed, delivered (read back from the NATS stream by a
 * subscriber of its own), duplicated, lost and expanded, the processes that exited unasked and
 * how long recovery took; the run exits non-zero when any scenario lost or duplicated an event or
 * an expansion, or a process exited unasked.
 *
 * Timings are scaled down through the ordinary settings (REYNA_ACK_WAIT_MS, REYNA_RETRY_BASE_MS,
 * REYNA_RETRY_WINDOW_MS, REYNA_LLM_BREAKER_OPEN_MS), so the run stays within a few minutes.
 */
import type { ChildProcess } from 'node:child_process';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { mintToken } from '../../src/auth/tokens';
import { NatsBackbone } from '../../src/events/nats-backbone';
import { streamName } from '../../src/events/subjects';
import { createLogger } from '../../src/logger';
import { type FakeLlm, startFakeLlm } from '../support/fake-llm';
import { servedUrl, startReyna, stopProcess } from '../support/processes';
import {
  startThrowawayNats,
  startThrowawayPostgres,
  type ThrowawayNats,
  type ThrowawayPostgres,
  throwawayMissing,
} from '../support/throwaway-services';

const SECRET = 'fault-suite-secret-that-is-long-enough!';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CREATE = (text: string) =>
  `mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: ${JSON.stringify(text)} } }) { id } }`;

interface Tally {
  committed: number;
  delivered: number;
  duplicated: number;
  lost: number;
  inputs: number;
  expanded: number;
  expandedTwice: number;
  unexpectedExits: string[];
  recoverySeconds: number;
  notes: string[];
  /** A check of the scenario's own that failed (besides lost, duplicated and exits). */
  failures: string[];
}

/** The services every scenario shares; each scenario has its own database and stream prefix. */
let db: ThrowawayPostgres;
let nats: ThrowawayNats;
let llm: FakeLlm;

class Scenario {
  readonly children = new Map<ChildProcess, string>();
  readonly exits: string[] = [];
  readonly notes: string[] = [];
  readonly failures: string[] = [];
  env: Record<string, string> = {};
  dbUrl = '';

  constructor(readonly name: string) {}

  async setup(extra: Record<string, string> = {}): Promise<void> {
    const admin = new pg.Client(db.url);
    await admin.connect();
    await admin.query(`create database ${this.name}`);
    await admin.end();
    this.dbUrl = db.url.replace(/\/postgres$/, `/${this.name}`);
    this.env = {
      DATABASE_URL: this.dbUrl,
      NATS_URL: nats.url,
      PORT: '0',
      REYNA_DEPLOYMENT: this.name,
      REYNA_JWT_SECRET: SECRET,
      REYNA_LOG_LEVEL: 'error',
      OPENAI_BASE_URL: llm.url,
      REYNA_LLM_MODEL: 'fake-model',
      REYNA_RATE_LIMIT_USER: '10000000',
      REYNA_RATE_LIMIT_IP: '10000000',
      REYNA_COST_LIMIT_USER_MS: '100000',
      REYNA_ACK_WAIT_MS: '3000',
      REYNA_RETRY_BASE_MS: '50',
      ...extra,
    };
  }

  private watch(child: ChildProcess, label: string): void {
    this.children.set(child, label);
    child.once('exit', (code, signal) => {
      // Only a process still on the list exited unasked: `kill` takes it off first.
      if (this.children.has(child)) this.exits.push(`${label} exited (${code ?? signal})`);
      this.children.delete(child);
    });
  }

  async serve(): Promise<{ child: ChildProcess; url: string }> {
    const s = await startReyna(['serve'], this.env, /GraphQL and GraphiQL: \S+\/graphql/);
    this.watch(s.child, 'reyna serve');
    return { child: s.child, url: servedUrl(s) };
  }

  async worker(): Promise<ChildProcess> {
    const s = await startReyna(['worker', 'text-expansion'], this.env, /ReYNa worker running/);
    this.watch(s.child, 'reyna worker');
    return s.child;
  }

  /** A deliberate stop or crash: not counted as an unexpected exit. */
  async kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
    this.children.delete(child);
    await stopProcess(child, signal);
  }

  async stopAll(): Promise<void> {
    for (const child of [...this.children.keys()]) await this.kill(child, 'SIGTERM');
  }

  async query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new pg.Client(this.dbUrl);
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  async pendingOutbox(): Promise<number> {
    const [row] = await this.query<{ n: string }>(
      'select count(*) as n from outbox where published_at is null',
    );
    return Number(row!.n);
  }

  /** Input blobs (no parent) of `user`, and how many derived blobs each has. */
  async expansion(user: string) {
    const rows = await this.query<{ id: string; derived: string }>(
      `select b.id, (select count(*) from blobs d where d.parent_id = b.id) as derived
         from blobs b where b.user_id = $1 and b.parent_id is null and b.schema_id = 'text-input-v1'`,
      [user],
    );
    return {
      inputs: rows.length,
      expanded: rows.filter((r) => Number(r.derived) === 1).length,
      expandedTwice: rows.filter((r) => Number(r.derived) > 1).length,
    };
  }

  /** Waits until `check` holds; false after `limitMs`. */
  async until(check: () => Promise<boolean>, limitMs: number): Promise<boolean> {
    const end = performance.now() + limitMs;
    for (;;) {
      if (await check().catch(() => false)) return true;
      if (performance.now() > end) return false;
      await sleep(200);
    }
  }

  /** Every event id of `user` in the stream, read from the start by a subscriber of our own. */
  async streamEventIds(user: string): Promise<string[]> {
    const backbone = new NatsBackbone({
      url: nats.url,
      prefix: this.name,
      log: createLogger('silent'),
    });
    await backbone.start();
    try {
      const sub = await backbone.subscribe(user, { after: '0' });
      const out: string[] = [];
      let timer = setTimeout(() => void sub.close(), 2000);
      for await (const d of sub) {
        if (d.kind === 'event') out.push(d.event.id);
        // Quiet for two seconds: the stream has nothing more for this user.
        clearTimeout(timer);
        timer = setTimeout(() => void sub.close(), 2000);
      }
      clearTimeout(timer);
      return out;
    } finally {
      await backbone.stop();
    }
  }

  /**
   * Waits for the outbox to drain and `users`' inputs to be expanded, then counts: committed
   * (outbox rows), delivered (events read back from the stream), duplicated, lost, expanded.
   */
  async tally(users: string[], recoveryFrom: number, acknowledged: string[] = []) {
    const drained = await this.until(async () => (await this.pendingOutbox()) === 0, 60_000);
    if (!drained) this.failures.push('outbox never drained');
    const expandedAll = await this.until(async () => {
      for (const u of users) {
        const e = await this.expansion(u);
        if (e.expanded + e.expandedTwice < e.inputs) return false;
      }
      return true;
    }, 60_000);
    // A minute is several times the slowest healthy recovery: a failing run stays under 10 minutes.
    if (!expandedAll) this.failures.push('not every input was expanded within 60 s');
    const recoverySeconds = (performance.now() - recoveryFrom) / 1000;
    // Let derived blobs' own events reach the outbox and the stream before counting.
    await this.until(async () => (await this.pendingOutbox()) === 0, 30_000);
    const t: Tally = {
      committed: 0,
      delivered: 0,
      duplicated: 0,
      lost: 0,
      inputs: 0,
      expanded: 0,
      expandedTwice: 0,
      unexpectedExits: this.exits,
      recoverySeconds,
      notes: this.notes,
      failures: this.failures,
    };
    const committedBlobs = new Set<string>();
    for (const user of users) {
      const outbox = await this.query<{ event_id: string; blob: string | null }>(
        `select event_id, event->>'blobId' as blob from outbox where user_id = $1`,
        [user],
      );
      for (const r of outbox) if (r.blob) committedBlobs.add(r.blob);
      const delivered = await this.streamEventIds(user);
      const seen = new Set(delivered);
      t.committed += outbox.length;
      t.delivered += delivered.length;
      t.duplicated += delivered.length - seen.size;
      t.lost += outbox.filter((r) => !seen.has(r.event_id)).length;
      const e = await this.expansion(user);
      t.inputs += e.inputs;
      t.expanded += e.expanded;
      t.expandedTwice += e.expandedTwice;
    }
    // A write the client was told succeeded must have committed its event.
    const missing = acknowledged.filter((id) => !committedBlobs.has(id)).length;
    if (missing > 0) {
      t.lost += missing;
      this.notes.push(`${missing} acknowledged writes have no committed event`);
    }
    return t;
  }
}

/** Seconds until the API's /readyz says ready (200) or not, as asked. */
async function readyUntil(url: string, ready: boolean, limitMs = 60_000): Promise<number> {
  const at = performance.now();
  while (performance.now() - at < limitMs) {
    const res = await fetch(`${url}/readyz`).catch(() => undefined);
    await res?.text();
    if (res && (res.status === 200) === ready) return (performance.now() - at) / 1000;
    await sleep(50);
  }
  throw new Error(`/readyz not ${ready ? 'ready' : 'failing'} after ${limitMs} ms`);
}
const readyAgain = (url: string) => readyUntil(url, true);

async function post(url: string, token: string, query: string): Promise<Response> {
  return fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
}

/** Writes one input blob; its id when the API said it succeeded, else the HTTP status. */
async function write(url: string, token: string, text: string): Promise<string | number> {
  try {
    const res = await post(url, token, CREATE(text));
    const body = (await res.json()) as { data?: { createBlob?: { id: string } } };
    return body.data?.createBlob?.id ?? res.status;
  } catch {
    return 0;
  }
}

/** `count` writes with `parallel` at a time; `onProgress` sees how many finished. */
async function burst(
  url: string,
  token: string,
  count: number,
  parallel: number,
  onProgress?: (done: number) => void,
): Promise<{ ids: string[]; statuses: Map<number, number> }> {
  const ids: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const i = next++;
        let r = await write(url, token, `Passage ${i}: the tide turned at dusk.`);
        // A refused write (503 while a dependency is down) is retried, as a client would.
        for (let tries = 0; typeof r === 'number' && tries < 100; tries++) {
          statuses.set(r, (statuses.get(r) ?? 0) + 1);
          await sleep(100);
          r = await write(url, token, `Passage ${i}: the tide turned at dusk.`);
        }
        if (typeof r === 'string') ids.push(r);
        onProgress?.(++done);
      }
    }),
  );
  return { ids, statuses };
}

const token = (user: string) => mintToken(SECRET, user, '1h');

// --- scenarios, in order of priority -------------------------------------------------------

async function workerKilledMidRun(s: Scenario): Promise<Tally> {
  await s.setup({ REYNA_ACK_WAIT_MS: '2000' });
  const api = await s.serve();
  llm.reset();
  llm.behaviour.firstTokenDelayMs = 400;
  const first = await s.worker();
  const user = 'writer-1';
  const { ids } = await burst(api.url, await token(user), 20, 4);
  await s.until(async () => llm.requests.length >= 3, 20_000);
  await s.kill(first, 'SIGKILL');
  s.notes.push(`worker SIGKILLed with ${llm.inFlight} LLM calls in flight`);
  const restarted = performance.now();
  await s.worker();
  const t = await s.tally([user], restarted, ids);
  const [runs] = await s.query<{ retried: string }>(
    'select count(*) as retried from processor_runs where attempts > 1',
  );
  s.notes.push(`${runs!.retried} runs took a second attempt after the kill`);
  if (Number(runs!.retried) === 0) s.failures.push('the kill hit no run');
  return t;
}

async function apiKilledWithUnpublishedRows(s: Scenario): Promise<Tally> {
  await s.setup();
  llm.reset();
  const first = await s.serve();
  await s.worker();
  const user = 'writer-2';
  const tk = await token(user);
  // NATS is held down so the committed rows cannot be published; then the API is killed.
  await nats.kill();
  const { ids } = await burst(first.url, tk, 50, 5);
  await s.kill(first.child, 'SIGKILL');
  s.notes.push(`API SIGKILLed with ${await s.pendingOutbox()} unpublished outbox rows`);
  await nats.start();
  const restarted = performance.now();
  await s.serve();
  return s.tally([user], restarted, ids);
}

async function postgresCrashCycles(s: Scenario): Promise<Tally> {
  await s.setup();
  llm.reset();
  const api = await s.serve();
  await s.worker();
  const user = 'writer-3';
  const tk = await token(user);
  const ids: string[] = [];
  const statuses = new Map<number, number>();
  let loading = true;
  const load = (async () => {
    let i = 0;
    while (loading) {
      const r = await write(api.url, tk, `Under load ${i++}: the lamps went out.`);
      if (typeof r === 'string') ids.push(r);
      else statuses.set(r, (statuses.get(r) ?? 0) + 1);
      await sleep(30);
    }
  })();
  let restarted = 0;
  for (let cycle = 1; cycle <= 3; cycle++) {
    await sleep(1500);
    await db.crash();
    s.notes.push(
      `cycle ${cycle}: /readyz failing ${(await readyUntil(api.url, false)).toFixed(1)} s after the crash`,
    );
    await sleep(2000);
    await db.start();
    restarted = performance.now();
    s.notes.push(
      `cycle ${cycle}: /readyz 200 again ${(await readyAgain(api.url)).toFixed(1)} s after PostgreSQL returned`,
    );
  }
  await sleep(1500);
  loading = false;
  await load;
  const refused = [...statuses].map(([k, v]) => `${k}: ${v}`).join(', ');
  s.notes.push(`${ids.length} writes succeeded under load; refused: ${refused || 'none'}`);
  const unexpected = [...statuses.keys()].filter((k) => k !== 503);
  if (unexpected.length > 0) s.failures.push(`answers other than 200/503: ${unexpected}`);
  return s.tally([user], restarted, ids);
}

async function natsRestartDuringBurst(s: Scenario): Promise<Tally> {
  await s.setup();
  llm.reset();
  const api = await s.serve();
  await s.worker();
  const user = 'writer-4';
  let restarted = 0;
  let fault: Promise<void> | undefined;
  const { ids, statuses } = await burst(api.url, await token(user), 1000, 16, (done) => {
    if (done === 300 && !fault) {
      fault = (async () => {
        await nats.kill();
        await sleep(2000);
        await nats.start();
        restarted = performance.now();
        s.notes.push(
          `/readyz 200 again ${(await readyAgain(api.url)).toFixed(1)} s after NATS returned`,
        );
      })();
    }
  });
  await fault;
  const refused = [...statuses].map(([k, v]) => `${k}: ${v}`).join(', ');
  s.notes.push(
    `${ids.length} of 1000 writes acknowledged; refused on the way: ${refused || 'none'}`,
  );
  if (ids.length !== 1000) s.failures.push(`${1000 - ids.length} writes never succeeded`);
  return s.tally([user], restarted, ids);
}

async function llmFailing(s: Scenario): Promise<Tally> {
  await s.setup({
    REYNA_LLM_BREAKER_OPEN_MS: '500',
    REYNA_RETRY_BASE_MS: '50',
    REYNA_RETRY_WINDOW_MS: '60000',
  });
  llm.reset();
  const api = await s.serve();
  await s.worker();
  // Half the calls fail.
  llm.behaviour.randomFailures = { rate: 0.5, seed: 7, status: 500 };
  const flaky = 'writer-5a';
  const a = await burst(api.url, await token(flaky), 30, 4);
  const first = await s.tally([flaky], performance.now(), a.ids);
  const calls = llm.requests.length;
  s.notes.push(`50% failing: ${calls} LLM calls for ${first.inputs} inputs`);
  llm.behaviour.randomFailures = null;
  // Down for five seconds, then back.
  llm.downFor(5000);
  const down = 'writer-5b';
  const b = await burst(api.url, await token(down), 20, 4);
  // Recovery counts from the moment the LLM answers again.
  const second = await s.tally([down], llm.behaviour.downUntil, b.ids);
  s.notes.push(`down 5 s: ${llm.requests.length - calls} LLM calls for ${second.inputs} inputs`);
  return {
    ...second,
    committed: first.committed + second.committed,
    delivered: first.delivered + second.delivered,
    duplicated: first.duplicated + second.duplicated,
    lost: first.lost + second.lost,
    inputs: first.inputs + second.inputs,
    expanded: first.expanded + second.expanded,
    expandedTwice: first.expandedTwice + second.expandedTwice,
    recoverySeconds: second.recoverySeconds,
  };
}

async function backlogLongerThanAckWait(s: Scenario): Promise<Tally> {
  await s.setup({ REYNA_ACK_WAIT_MS: '500' });
  llm.reset();
  llm.behaviour.firstTokenDelayMs = 150;
  const api = await s.serve();
  await s.worker();
  const user = 'writer-6';
  const started = performance.now();
  const { ids } = await burst(api.url, await token(user), 60, 8);
  const t = await s.tally([user], started, ids);
  // Work deliveries, from the durable consumer's own count, against the inputs plus the retries
  // the runs really made (attempts beyond the first).
  const nc = await connect({ servers: nats.url });
  try {
    const jsm = await jetstreamManager(nc);
    let deliveries = 0;
    for await (const c of jsm.consumers.list(streamName(s.name))) {
      if (c.config.durable_name) deliveries += c.delivered.consumer_seq;
    }
    const [runs] = await s.query<{ runs: string; attempts: string }>(
      'select count(*) as runs, coalesce(sum(attempts), 0) as attempts from processor_runs',
    );
    const created = await s.query<{ n: string }>(
      `select count(*) as n from outbox where type = 'blob.created.text-input-v1'`,
    );
    const retries = Number(runs!.attempts) - Number(runs!.runs);
    const expected = Number(created[0]!.n) + retries;
    s.notes.push(
      `work deliveries ${deliveries}; input events ${created[0]!.n} + real retries ${retries} = ${expected}; LLM calls ${llm.requests.length}`,
    );
    if (deliveries !== expected) s.failures.push(`deliveries ${deliveries} != ${expected}`);
  } finally {
    await nc.close();
  }
  return t;
}

const scenarios: [string, string, (s: Scenario) => Promise<Tally>][] = [
  ['worker_kill', 'worker SIGKILL mid-run', workerKilledMidRun],
  ['api_kill', 'API SIGKILL with unpublished outbox rows', apiKilledWithUnpublishedRows],
  ['pg_crash', 'PostgreSQL crash and return x3 under load', postgresCrashCycles],
  ['nats_restart', 'NATS restart during a 1,000-blob burst', natsRestartDuringBurst],
  ['llm_failing', 'LLM failing 50%, then down 5 s', llmFailing],
  ['backlog', 'one user backlog longer than the ack wait', backlogLongerThanAckWait],
];

async function main(): Promise<number> {
  const missing = throwawayMissing();
  if (missing.length > 0) {
    console.error(`fault suite cannot run: ${missing.join(' and ')} not installed`);
    return 2;
  }
  const only = process.argv.slice(2);
  const began = performance.now();
  [db, nats, llm] = await Promise.all([
    startThrowawayPostgres(),
    startThrowawayNats(),
    startFakeLlm(),
  ]);
  let failed = 0;
  try {
    for (const [id, title, run] of scenarios) {
      if (only.length > 0 && !only.includes(id)) continue;
      const s = new Scenario(id);
      const at = performance.now();
      let line: string;
      let bad: string[];
      try {
        const t = await run(s);
        bad = [
          ...(t.lost > 0 ? [`${t.lost} lost`] : []),
          ...(t.duplicated > 0 ? [`${t.duplicated} duplicated`] : []),
          ...(t.expandedTwice > 0 ? [`${t.expandedTwice} expanded twice`] : []),
          ...(t.expanded < t.inputs ? [`${t.inputs - t.expanded} not expanded`] : []),
          ...t.unexpectedExits,
          ...t.failures,
        ];
        line = [
          `committed ${t.committed}`,
          `delivered ${t.delivered}`,
          `duplicated ${t.duplicated}`,
          `lost ${t.lost}`,
          `expanded ${t.expanded}/${t.inputs} (twice: ${t.expandedTwice})`,
          `unexpected exits ${t.unexpectedExits.length}`,
          `recovery ${t.recoverySeconds.toFixed(1)} s`,
        ].join(', ');
        for (const n of t.notes) line += `\n    ${n}`;
      } catch (error) {
        bad = [`scenario threw: ${(error as Error).message.split('\n')[0]}`];
        line = 'no counts';
      } finally {
        await s.stopAll().catch(() => {});
        await Promise.all([db.ensureUp(), nats.ensureUp()]);
      }
      const took = ((performance.now() - at) / 1000).toFixed(1);
      console.log(`${bad.length ? 'FAIL' : 'ok  '} ${title} (${took} s)\n    ${line}`);
      for (const b of bad) console.log(`    !! ${b}`);
      if (bad.length) failed++;
    }
  } finally {
    await Promise.all([db.destroy(), nats.destroy(), llm.close()]);
  }
  console.log(
    `${failed === 0 ? 'all scenarios passed' : `${failed} scenario(s) failed`} in ${((performance.now() - began) / 1000).toFixed(0)} s`,
  );
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
