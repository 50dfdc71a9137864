/**
 * The design document's flow, as a user of the Book Writer lives it: write a passage, watch the
 * expansion stream into the right pane, receive the derived blob, compile the book, get an EPUB
 * that epubcheck accepts.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  BlobDerivedDocument,
  CompileBookDocument,
  CreateBlobDocument,
  CreateBookDocument,
  dataOf,
  RunDocument,
  type RunQuery,
  RunUpdatedDocument,
} from '../client-sdk/index';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import { expectData, type Harness, startHarness, stopHarness } from './support/harness';
import { eventually, subscribedOn, subscribeWs, wsClient } from './support/realtime';

let llm: FakeLlm;
let h: Harness;
let client: Client | undefined;

beforeAll(async () => {
  llm = await startFakeLlm();
  llm.behaviour.chunkDelayMs = 3;
  h = await startHarness({
    OPENAI_BASE_URL: llm.url,
    REYNA_LLM_MODEL: 'fake-model',
    REYNA_PROCESSORS: 'all',
  });
});
afterAll(async () => {
  await client?.dispose();
  await stopHarness(h);
  await llm.close();
});

it('createBlob -> streamed expansion -> blobDerived -> compileBook -> a valid EPUB', async () => {
  const url = await h.app.listen();
  const { token } = await h.signIn('writer');
  const book = (
    await h.gql(CreateBookDocument, { input: { title: 'My Novel', author: 'Me' } }, token)
  ).data!.createBook.id;
  client = wsClient(url, token);
  const pane = subscribeWs(client, RunUpdatedDocument, { processorId: 'text-expansion' });
  const derived = subscribeWs(client, BlobDerivedDocument, { bookId: book });
  await subscribedOn(h.app.events, token, 2);

  const content = 'The ship sailed. The crew sang as the harbour lights faded behind them.';
  const created = await h.gql(
    CreateBlobDocument,
    {
      input: {
        schemaId: 'text-input-v1',
        bookId: book,
        data: { content, metadata: { chapter: 1, style: 'creative' } },
      },
    },
    token,
  );
  const parentId = created.data!.createBlob.id;

  const [arrived] = await derived.take(1, 20_000);
  expect(arrived?.blobDerived).toMatchObject({
    parentId,
    processorId: 'text-expansion',
    blob: { schemaId: 'expanded-text-v1' },
  });
  const expanded = dataOf(arrived?.blobDerived.blob, 'expanded-text-v1')?.expanded;
  // The right pane had the text piece by piece before the blob arrived, and it adds up to it.
  const streamed = pane.items.map((u) => u.runUpdated.textDelta ?? '').join('');
  expect(streamed.trim()).toBe(expanded);
  expect(pane.items.filter((u) => u.runUpdated.textDelta).length).toBeGreaterThan(5);
  await eventually(() => pane.items.some((u) => u.runUpdated.status === 'SUCCEEDED'));

  const compile = await h.gql(CompileBookDocument, { bookId: book, formats: ['EPUB'] }, token);
  const runId = expectData(compile).compileBook.id;
  let run = null as RunQuery['run'];
  await eventually(async () => {
    run = expectData(await h.gql(RunDocument, { id: runId }, token)).run;
    return run?.status === 'SUCCEEDED' || run?.status === 'FAILED';
  }, 30_000);
  expect(run?.status).toBe('SUCCEEDED');
  const compiled = dataOf(run?.output, 'compiled-book-v1');
  expect(compiled?.chapters).toEqual([
    { title: 'Chapter 1', word_count: expect.any(Number), source: 'expanded', blob_id: parentId },
  ]);
  const res = await fetch(`${url}${compiled?.formats[0]?.url}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  const epub = Buffer.from(await res.arrayBuffer());
  const jar = '/usr/share/java/epubcheck.jar';
  if (!existsSync(jar)) throw new Error('epubcheck is missing: apt-get install epubcheck');
  const dir = await mkdtemp(join(tmpdir(), 'reyna-flow-'));
  try {
    await writeFile(join(dir, 'novel.epub'), epub);
    const { stdout, stderr } = await promisify(execFile)('java', [
      '-jar',
      jar,
      join(dir, 'novel.epub'),
    ]);
    expect(`${stdout}${stderr}`).toMatch(/0 fatals \/ 0 errors|No errors or warnings detected/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  pane.stop();
  derived.stop();
}, 90_000);
