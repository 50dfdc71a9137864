/**
 * The README's first command, as a user runs it: `reyna serve` with no services configured starts
 * on embedded PGlite in a data folder, prints the GraphQL URL and a development token, keeps data
 * across restarts and registers the built-in schemas once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
let dataDir = '';

interface Started {
  child: ChildProcess;
  url: string;
  token: string;
}

function serve(dir: string): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: root,
    // No DATABASE_URL, NATS_URL or secret: the embedded default.
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      REYNA_DATA_DIR: dir,
      REYNA_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${out}\n${err}`)),
      60_000,
    );
    child.stderr!.on('data', (d) => {
      err += d;
    });
    child.stdout!.on('data', (d) => {
      out += d;
      const url = /GraphQL and GraphiQL: (\S+)\/graphql/.exec(out)?.[1];
      const token = /Authorization: Bearer (\S+)/.exec(out)?.[1];
      if (url && token) {
        clearTimeout(timer);
        resolve({ child, url, token });
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}\n${err}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

async function gql(started: Started, query: string, variables: object = {}) {
  const res = await fetch(`${started.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${started.token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('reyna serve on the embedded default', () => {
  it('starts with no services, prints a working token, keeps data and built-ins across restarts', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reyna-serve-'));
    const first = await serve(dataDir);
    const me = await gql(first, '{ me { userId } }');
    expect(me.data).toEqual({ me: { userId: 'dev' } });
    const created = await gql(
      first,
      'mutation { createBlob(input: { schemaId: "text-input-v1", data: { content: "Kept across restarts." } }) { id } }',
    );
    const id = created.data!.createBlob.id as string;
    const page = await fetch(`${first.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('GraphiQL');
    expect(await stop(first.child)).toBe(0);

    const second = await serve(dataDir);
    try {
      const after = await gql(
        second,
        'query($id: ID!) { blob(id: $id) { data } schemas(name: "text-input") { id version } }',
        { id },
      );
      expect(after.data!.blob.data).toEqual({ content: 'Kept across restarts.' });
      expect(after.data!.schemas).toEqual([{ id: 'text-input-v1', version: '1.0.0' }]);
    } finally {
      expect(await stop(second.child)).toBe(0);
    }
  }, 120_000);
});
