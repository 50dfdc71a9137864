/**
 * One format of a compiled book renders for at most REYNA_RENDER_TIME_LIMIT_MS: a book whose PDF
 * would keep a core busy longer fails its run, saying which format and which limit, with no
 * output, and is not retried; the same book's Markdown renders within it.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { CompileBookDocument, CreateBookDocument, RunDocument } from '../client-sdk/index';
import { ConfigError, loadConfig } from '../src/config';
import { expectData, testEnv, useHarness } from './support/harness';
import { eventually } from './support/realtime';

const h = useHarness({ REYNA_PROCESSORS: 'all', REYNA_RENDER_TIME_LIMIT_MS: '1000' });

async function compiled(token: string, bookId: string, formats: ('MARKDOWN' | 'PDF')[]) {
  const runId = expectData(
    await h().gql(CompileBookDocument, { bookId, formats, useOriginals: true }, token),
  ).compileBook.id;
  let run = null as Awaited<ReturnType<typeof readRun>>;
  const readRun = async () => expectData(await h().gql(RunDocument, { id: runId }, token)).run;
  await eventually(async () => {
    run = await readRun();
    return run?.status === 'SUCCEEDED' || run?.status === 'FAILED';
  }, 60_000);
  return run!;
}

describe('a book format that takes too long to render', () => {
  it('fails the run saying so, while a quicker format of the same book renders', async () => {
    const userId = h().user();
    const token = await h().token(userId);
    const bookId = expectData(
      await h().gql(CreateBookDocument, { input: { title: 'Long to render' } }, token),
    ).createBook.id;
    // About 3 MB of text: its PDF takes seconds on any machine, its Markdown milliseconds.
    await sql`insert into blobs (user_id, schema_id, processor_id, data, size, book_id)
      select ${userId}, 'text-input-v1', 'user-input', d, octet_length(d::text), ${bookId}::uuid
      from generate_series(1, 8) n,
        lateral (select jsonb_build_object('content', repeat('Words of chapter ' || n || '. ', 20000)) as d) c`.execute(
      h().app.database.db,
    );
    const quick = await compiled(token, bookId, ['MARKDOWN']);
    expect(quick.status).toBe('SUCCEEDED');
    const slow = await compiled(token, bookId, ['PDF']);
    expect(slow.status).toBe('FAILED');
    expect(slow.error).toMatch(/as pdf took longer than 1000 ms.*REYNA_RENDER_TIME_LIMIT_MS/);
    expect(slow.attempts).toBe(1);
    expect(slow.output).toBeNull();
  }, 90_000);

  it('REYNA_RENDER_TIME_LIMIT_MS takes 1 second to 1 hour, and nothing else', () => {
    expect(loadConfig(testEnv({})).renderTimeLimitMs).toBe(300_000);
    expect(loadConfig(testEnv({ REYNA_RENDER_TIME_LIMIT_MS: '1000' })).renderTimeLimitMs).toBe(
      1000,
    );
    for (const bad of ['999', '3600001', '5m', '-1', '1.5']) {
      expect(
        () => loadConfig(testEnv({ REYNA_RENDER_TIME_LIMIT_MS: bad })),
        JSON.stringify(bad),
      ).toThrow(ConfigError);
    }
  });
});
