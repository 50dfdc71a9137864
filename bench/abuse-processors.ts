/**
 * Processor abuse figures, in one run:
 *
 * 1. Milliseconds to compute the text metrics (and to render a book chapter as Markdown) of
 *    1 MB hostile texts: one word, no terminator, only terminators, and patterns that made
 *    backtracking regexes quadratic. For scale, the sentence pattern metrics used to have, on
 *    20 KB (it grew with the square of the length).
 * 2. Another user's queue wait (their blob's creation to their run's start) while one user has
 *    50 jobs queued, beside the same wait with nothing queued: on the in-process backbone with
 *    PGlite, and on PostgreSQL + NATS when reachable. The LLM takes 200 ms per job.
 * 3. The longest the event loop was held while a book of 4 MB of text rendered as EPUB: in the
 *    thread that asked for it (as the compiler did), then in the renderer's thread of its own.
 *
 * `runProcessorAbuse()` returns the figures; run directly (`tsx bench/abuse-processors.ts`) it
 * prints them.
 */

import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { renderMarkdown } from '../processors/book-compiler/formats/markdown';
import { renderBook } from '../processors/book-compiler/render';
import { openRenderer } from '../processors/book-compiler/render-thread';
import { measure } from '../processors/lib/text-metrics';
import { type App, createApp } from '../src/app';
import { mintToken } from '../src/auth/tokens';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { createPgDatabase, postgresReachable } from '../test/support/database';
import { type FakeLlm, startFakeLlm } from '../test/support/fake-llm';
import { dropNatsStreams, NATS_URL } from '../test/support/nats';
import { UNLIMITED_ENV } from './support';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const MB = 1024 * 1024;
const HOG_JOBS = 50;

const HOSTILE: Record<string, string> = {
  oneWord: 'a'.repeat(MB),
  wordsNoTerminator: 'lorem '.repeat(MB / 6),
  onlyTerminators: '!?.…'.repeat(MB / 4),
  apostropheChain: "a'".repeat(MB / 2),
  hyphenChain: 'a-'.repeat(MB / 2),
  blankLines: '\n \n'.repeat(MB / 3),
  thematicBreak: '- '.repeat(MB / 2),
  charRefNoSemicolon: `&#x${'0'.repeat(MB)}`,
};

function timed(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** The pattern `sentences` used before: restarts at every character without a terminator. */
const oldSentences = (text: string) => (text.match(/[^.!?…]+[.!?…]+/g) ?? []).length;

function hostileText(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, text] of Object.entries(HOSTILE)) {
    out[`metrics1MB.${name}.ms`] = timed(() => measure(text, undefined));
    out[`bookMarkdown1MB.${name}.ms`] = timed(() =>
      renderMarkdown({
        title: 'Hostile',
        author: 'Bench',
        description: '',
        language: 'en',
        chapters: [{ title: 'One', text }],
      }),
    );
  }
  out['oldSentencePattern.10KB.ms'] = timed(() => oldSentences('a'.repeat(10_000)));
  out['oldSentencePattern.20KB.ms'] = timed(() => oldSentences('a'.repeat(20_000)));
  return out;
}

async function gql(app: App, token: string, query: string, variables: Record<string, unknown>) {
  const res = await app.yoga.fetch('http://bench.local/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const write = async (app: App, token: string, content: string) =>
  (
    await gql(
      app,
      token,
      'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id } }',
      { input: { schemaId: 'text-input-v1', data: { content } } },
    )
  ).createBlob.id as string;

/** Milliseconds from the blob's creation to its run's start, once the run has finished. */
async function queueWait(app: App, token: string, blobId: string): Promise<number> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const blob = (
      await gql(
        app,
        token,
        'query($id: ID!) { blob(id: $id) { createdAt runs { status startedAt } } }',
        { id: blobId },
      )
    ).blob;
    const run = blob.runs[0];
    if (run?.status === 'SUCCEEDED')
      return new Date(run.startedAt).getTime() - new Date(blob.createdAt).getTime();
    if (run?.status === 'FAILED') throw new Error('the run failed');
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the run did not finish in time');
}

async function fairness(llm: FakeLlm, nats: boolean): Promise<Record<string, number>> {
  const pg = nats ? await createPgDatabase() : undefined;
  const prefix = `ab${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    REYNA_JWT_SECRET: SECRET,
    // The load is the point here: no rate limits.
    ...UNLIMITED_ENV,
    REYNA_LOG_LEVEL: 'silent',
    PORT: '0',
    OPENAI_BASE_URL: llm.url,
    REYNA_LLM_MODEL: 'bench-model',
    REYNA_PROCESSORS: 'all',
    ...(pg ? { DATABASE_URL: pg.url, NATS_URL, REYNA_DEPLOYMENT: prefix } : {}),
  });
  const database = await openDatabase(config, pg ? { poolSize: 16 } : { pgliteDir: 'memory://' });
  const app = await createApp(config, { database });
  const label = nats ? 'nats' : 'memory';
  try {
    llm.reset();
    llm.behaviour.firstTokenDelayMs = 200;
    const alone = await mintToken(SECRET, `alone-${prefix}`, '1h');
    const aloneWait = await queueWait(app, alone, await write(app, alone, 'A passage, alone.'));
    const hog = await mintToken(SECRET, `hog-${prefix}`, '1h');
    const victim = await mintToken(SECRET, `victim-${prefix}`, '1h');
    await Promise.all(
      Array.from({ length: HOG_JOBS }, (_, i) => write(app, hog, `Hog passage number ${i}.`)),
    );
    const victimWait = await queueWait(
      app,
      victim,
      await write(app, victim, 'The victim passage, after the fifty.'),
    );
    return {
      [`queueWait.${label}.alone.ms`]: aloneWait,
      [`queueWait.${label}.behind${HOG_JOBS}OfAnotherUser.ms`]: victimWait,
    };
  } finally {
    // Whatever of the hog's work is left is not measured: let it finish fast.
    llm.behaviour.firstTokenDelayMs = 0;
    await app.stop();
    await database.close();
    await pg?.drop();
    if (nats) await dropNatsStreams(prefix);
  }
}

/** The longest gap between 5 ms ticks of the event loop while `work` runs, less the 5 ms. */
async function longestHold(work: () => Promise<unknown>): Promise<number> {
  let longest = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last - 5);
    last = now;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(tick);
  }
  return Math.max(0, longest);
}

async function bookRender(): Promise<Record<string, number>> {
  const chapter = (n: number) => ({
    title: `Chapter ${n}`,
    text: `The tide came in over the causeway as chapter ${n} began. `.repeat(3500),
  });
  const manuscript = {
    title: 'A Large Book',
    author: 'Bench',
    description: '',
    language: 'en',
    chapters: Array.from({ length: 20 }, (_, i) => chapter(i + 1)),
  };
  const out: Record<string, number> = {};
  out['bookEpub4MB.onEventLoop.longestHoldMs'] = await longestHold(() =>
    renderBook(manuscript, 'epub'),
  );
  const renderer = await openRenderer(manuscript);
  try {
    out['bookEpub4MB.ownThread.longestHoldMs'] = await longestHold(() => renderer.render('epub'));
  } finally {
    await renderer.close();
  }
  return out;
}

/** Every figure, by name. */
export async function runProcessorAbuse(): Promise<Record<string, number>> {
  const figures = { ...hostileText(), ...(await bookRender()) };
  const llm = await startFakeLlm();
  try {
    Object.assign(figures, await fairness(llm, false));
    if (await postgresReachable()) Object.assign(figures, await fairness(llm, true));
  } finally {
    await llm.close();
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const figures = await runProcessorAbuse();
  for (const [name, value] of Object.entries(figures)) console.log(`${name}: ${value.toFixed(1)}`);
  process.exit(0);
}
