/**
 * The README's first command, as a user runs it: `reyna serve` with no services configured starts
 * on embedded PGlite in a data folder, prints the GraphQL URL and a development token, keeps data
 * across restarts and registers the built-in schemas once.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FormattedExecutionResult } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExpandedTextV1 } from '../client-sdk/index';
import type { GraphQLErrorBody } from './support/harness';
import { servedUrl, startReyna, stopProcess } from './support/processes';
import { wsClient } from './support/realtime';

let dataDir = '';

interface Served {
  child: ChildProcess;
  url: string;
  token: string;
  output: string;
}

async function serve(dir: string): Promise<Served> {
  // No DATABASE_URL, NATS_URL or secret: the embedded default.
  const started = await startReyna(
    ['serve'],
    { PORT: '0', REYNA_DATA_DIR: dir, REYNA_LOG_LEVEL: 'warn' },
    /Authorization: Bearer \S+\n/,
  );
  const token = /Authorization: Bearer (\S+)/.exec(started.output())![1]!;
  return { child: started.child, url: servedUrl(started), token, output: started.output() };
}

const stop = (child: ChildProcess) => stopProcess(child);

/** Posts a query to the served API with its token; `T` names the answer's data. */
async function gql<T = unknown>(started: Served, query: string, variables: object = {}) {
  const res = await fetch(`${started.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${started.token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T | null; errors?: GraphQLErrorBody[] };
}

interface Derived {
  data: ExpandedTextV1;
  provenance: { model?: string } | null;
}

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('reyna serve on the embedded default', () => {
  it('starts with no services and the demo LLM, prints a working token, keeps data and built-ins across restarts', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reyna-serve-'));
    const first = await serve(dataDir);
    // It says where to connect, which LLM writes expansions, and how long the token lives.
    const printed = first.output;
    expect(printed).toContain(
      `WebSocket (graphql-ws): ${first.url.replace('http', 'ws')}/graphql\n`,
    );
    expect(printed).toMatch(/^LLM: demo, model "demo": labelled sample text, not AI-written/m);
    const until = /valid 30 days, until (\S+)\), already filled in GraphiQL's headers/.exec(
      printed,
    );
    expect(Math.abs(Date.parse(until![1]!) - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    const me = await gql(first, '{ me { userId } }');
    expect(me.data).toEqual({ me: { userId: 'dev' } });
    const created = await gql<{ createBlob: { id: string } }>(
      first,
      'mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "Kept across restarts." } }) { id } }',
    );
    const id = created.data!.createBlob.id;
    // With no LLM configured, the demo expands it: labelled, and recorded as model "demo".
    let derived: Derived[] = [];
    for (let i = 0; i < 100 && derived.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const r = await gql<{ blob: { derived: Derived[] } | null }>(
        first,
        'query($id: ID!) { blob(id: $id) { derived { data provenance } } }',
        {
          id,
        },
      );
      derived = r.data!.blob!.derived;
    }
    expect(derived[0]?.provenance?.model).toBe('demo');
    expect(derived[0]?.data.expanded).toMatch(/^\[Demo expansion — not AI-written\]/);
    // The printed token may change the registry, so GraphiQL's users can register schemas.
    const registered = await gql<{ registerSchema: { id: string } }>(
      first,
      'mutation($d: JSON!) { registerSchema(input: { definition: $d }) { id } }',
      { d: { $id: 'dev-notes-v1', type: 'object' } },
    );
    expect(registered.errors).toBeUndefined();
    expect(registered.data!.registerSchema.id).toBe('dev-notes-v1');
    // ...and it keeps a WebSocket open: its 30 days are past one Node timer.
    const ws = wsClient(first.url, first.token, { lazy: false });
    const closes: unknown[] = [];
    ws.on('closed', (e) => closes.push(e));
    const answer = await new Promise<FormattedExecutionResult>((resolve, reject) =>
      ws.subscribe(
        { query: '{ me { userId } }' },
        { next: resolve, error: reject, complete: () => {} },
      ),
    );
    expect(answer.data).toEqual({ me: { userId: 'dev' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(closes).toEqual([]);
    await ws.dispose();
    const page = await fetch(`${first.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('GraphiQL');
    // The Studio at `/` (built at start when missing or stale), signed in by the dev token.
    expect(printed).toMatch(new RegExp(`^Studio \\(web app\\): ${first.url}/( |\n)`, 'm'));
    const studio = await fetch(`${first.url}/`);
    expect(studio.status).toBe(200);
    expect(studio.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await studio.text()).toContain('<div id="root">');
    const config = await fetch(`${first.url}/studio/config.json`);
    expect(await config.json()).toEqual({ devToken: first.token });
    expect(await stop(first.child)).toBe(0);

    const second = await serve(dataDir);
    try {
      const after = await gql<{ blob: { data: unknown } | null; schemas: unknown }>(
        second,
        'query($id: ID!) { blob(id: $id) { data } schemas(name: "text-input") { edges { node { id version } } } }',
        { id },
      );
      expect(after.data!.blob?.data).toEqual({ content: 'Kept across restarts.' });
      expect(after.data!.schemas).toEqual({
        edges: [
          { node: { id: 'text-input-v1', version: '1.0.0' } },
          { node: { id: 'text-input-v2', version: '2.0.0' } },
        ],
      });
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 120_000);
});
