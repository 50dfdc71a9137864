/**
 * Reordering a book's chapters (`reorderChapters`): the whole list in its new order, applied all
 * or nothing, used by the book compiler; bad lists get a typed error and change nothing. Neither a
 * reorder nor a new chapter title expands a passage again (text expansion's input key is the text
 * and its style), while a new text still does. The fake LLM counts the calls.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BookDocument,
  type BookQuery,
  CompileBookDocument,
  CreateBlobDocument,
  CreateBookDocument,
  dataOf,
  ReorderChaptersDocument,
  type ReorderChaptersMutationVariables,
  RunDocument,
  type RunQuery,
  type RunStatus,
  type TextInputV2,
  UpdateBlobDocument,
  type UpdateBlobMutationVariables,
} from '../client-sdk/index';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import { expectData, type Harness, startHarness, stopHarness } from './support/harness';
import { natsEnabled } from './support/nats';
import { eventually } from './support/realtime';

let llm: FakeLlm;
let h: Harness;

beforeAll(async () => {
  llm = await startFakeLlm();
  h = await startHarness({
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: 'test-key',
    REYNA_LLM_MODEL: 'fake-model',
    REYNA_PROCESSORS: 'all',
    REYNA_RETRY_BASE_MS: '20',
    // The least a response (and a reorder) may carry, so that a test can pass it.
    REYNA_RESPONSE_DATA_BYTES: String(1024 ** 2),
  });
});
afterAll(async () => {
  await stopHarness(h);
  await llm.close();
});
beforeEach(() => llm.reset());

const REORDER = ReorderChaptersDocument;
/** A passage's runs and expansions, current and all (no SDK operation reads these together). */
const LINEAGE = `query($id: ID!) { blob(id: $id) {
  version
  runs { status inputVersion }
  derived { id provenance }
  all: derived(includeSuperseded: true) { id supersededBy { id } }
} }`;

type Chapter = NonNullable<BookQuery['book']>['chapters'][number];

/** A chapter's text-input-v2 data (every chapter here is one). */
const dataOfChapter = (chapter: { schemaId: string; data: unknown }): TextInputV2 | undefined =>
  dataOf(chapter, 'text-input-v2');

async function createBook(token: string, title: string) {
  return expectData(await h.gql(CreateBookDocument, { input: { title } }, token)).createBook.id;
}

async function update(token: string, variables: UpdateBlobMutationVariables) {
  return expectData(await h.gql(UpdateBlobDocument, variables, token)).updateBlob;
}

async function reorder(token: string, variables: ReorderChaptersMutationVariables) {
  return expectData(await h.gql(REORDER, variables, token)).reorderChapters.chapters;
}

/** A book with chapters titled as given (numbered 1, 2, ...), each expanded once. */
async function bookWith(token: string, titles: string[]) {
  const bookId = await createBook(token, 'Order test');
  const ids: string[] = [];
  for (const [i, title] of titles.entries()) {
    const input = {
      schemaId: 'text-input-v2',
      bookId,
      data: { content: textOf(title), metadata: { chapter: i + 1, title } },
    };
    const r = expectData(await h.gql(CreateBlobDocument, { input }, token));
    ids.push(r.createBlob.id);
  }
  for (const id of ids) await settled(token, id, 1);
  return { bookId, ids };
}

const textOf = (title: string) => `${title}: the keeper climbed the tower and lit the lamp.`;

async function chapters(token: string, bookId: string): Promise<Chapter[]> {
  return expectData(await h.gql(BookDocument, { id: bookId }, token)).book?.chapters ?? [];
}

interface Lineage {
  version: number;
  runs: { status: RunStatus; inputVersion: number }[];
  derived: { id: string; provenance: { inputVersion: number } }[];
  all: { id: string; supersededBy: { id: string } | null }[];
}

async function lineage(token: string, id: string): Promise<Lineage> {
  return expectData(await h.gql<{ blob: Lineage }>(LINEAGE, { id }, token)).blob;
}

/** Waits until the run for `version` succeeded and no run is queued or running. */
async function settled(token: string, id: string, version: number) {
  await eventually(async () => {
    const { runs } = await lineage(token, id);
    return (
      runs.some((r) => r.inputVersion === version && r.status === 'SUCCEEDED') &&
      runs.every((r) => r.status !== 'QUEUED' && r.status !== 'RUNNING')
    );
  }, 30_000);
  return lineage(token, id);
}

/** LLM calls made for a text. */
const callsFor = (content: string) => llm.requests.filter((r) => r.user === content).length;

/** Long enough for an update's event to reach the processor (and a run to start) if it would. */
const quiet = () => new Promise((r) => setTimeout(r, natsEnabled ? 1500 : 800));

describe('reorderChapters', () => {
  it('puts the chapters in the new order at once, and the book compiler follows it', async () => {
    const token = await h.token(h.user());
    const { bookId, ids } = await bookWith(token, ['Arrival', 'Storm', 'Harbour']);
    const [arrival, storm, harbour] = ids as [string, string, string];

    const order = await reorder(token, { bookId, chapterIds: [harbour, arrival, storm] });
    const titles = order.map((c) => dataOfChapter(c)?.metadata?.title);
    expect(titles).toEqual(['Harbour', 'Arrival', 'Storm']);
    expect(order.map((c) => dataOfChapter(c)?.metadata?.chapter)).toEqual([1, 2, 3]);
    // Every chapter moved, so each has a new version keeping its text and title.
    expect(order.map((c) => c.version)).toEqual([2, 2, 2]);
    expect(dataOfChapter(order[0]!)?.content).toBe(textOf('Harbour'));
    // A fresh read (a reload) shows the same order.
    expect((await chapters(token, bookId)).map((c) => c.id)).toEqual([harbour, arrival, storm]);

    // Only the chapters that move get a new version.
    const again = await reorder(token, { bookId, chapterIds: [harbour, storm, arrival] });
    expect(again.map((c) => [dataOfChapter(c)?.metadata?.title, c.version])).toEqual([
      ['Harbour', 2],
      ['Storm', 3],
      ['Arrival', 3],
    ]);

    const compile = await h.gql(CompileBookDocument, { bookId, formats: ['MARKDOWN'] }, token);
    const runId = expectData(compile).compileBook.id;
    let run = null as RunQuery['run'];
    await eventually(async () => {
      run = expectData(await h.gql(RunDocument, { id: runId }, token)).run;
      return ['SUCCEEDED', 'FAILED'].includes(run?.status ?? '');
    }, 30_000);
    expect(run?.status).toBe('SUCCEEDED');
    const compiled = dataOf(run?.output, 'compiled-book-v1');
    expect(compiled?.chapters.map((c) => [c.title, c.source])).toEqual([
      ['Harbour', 'expanded'],
      ['Storm', 'expanded'],
      ['Arrival', 'expanded'],
    ]);
  });

  it('a reorder and a title rename call no LLM and derive nothing; a new text is expanded again', async () => {
    const token = await h.token(h.user());
    const { bookId, ids } = await bookWith(token, ['Arrival', 'Storm']);
    const [arrival, storm] = ids as [string, string];
    const before = await lineage(token, arrival);
    expect(before.derived).toHaveLength(1);
    expect(callsFor(textOf('Arrival'))).toBe(1);

    await reorder(token, { bookId, chapterIds: [storm, arrival] });
    const renamed = await update(token, {
      id: arrival,
      input: {
        expectedVersion: 2,
        data: { content: textOf('Arrival'), metadata: { chapter: 2, title: 'The Arrival' } },
      },
    });
    expect(renamed.version).toBe(3);
    await quiet();

    for (const id of [arrival, storm]) {
      const after = await lineage(token, id);
      // No run for the new versions, the same single expansion, still current.
      expect(after.runs.map((r) => [r.inputVersion, r.status])).toEqual([[1, 'SUCCEEDED']]);
      expect(after.all).toHaveLength(1);
      expect(after.derived.map((d) => d.provenance.inputVersion)).toEqual([1]);
    }
    expect(callsFor(textOf('Arrival'))).toBe(1);
    expect(callsFor(textOf('Storm'))).toBe(1);

    // A new text is expanded again, and the earlier expansion is superseded by it.
    const edited = 'The Arrival: the keeper saw a ship with black sails at dawn.';
    await update(token, {
      id: arrival,
      input: { data: { content: edited, metadata: { chapter: 2, title: 'The Arrival' } } },
    });
    const followed = await settled(token, arrival, 4);
    expect(followed.runs.map((r) => [r.inputVersion, r.status])).toEqual([
      [1, 'SUCCEEDED'],
      [4, 'SUCCEEDED'],
    ]);
    expect(followed.derived.map((d) => d.provenance.inputVersion)).toEqual([4]);
    expect(followed.all.find((d) => d.id === before.derived[0]!.id)?.supersededBy?.id).toBe(
      followed.derived[0]!.id,
    );
    expect(callsFor(edited)).toBe(1);

    // A new style changes what the model writes: expanded again.
    await update(token, {
      id: arrival,
      input: {
        data: {
          content: edited,
          metadata: { chapter: 2, title: 'The Arrival', style: 'formal' },
        },
      },
    });
    expect(
      (await settled(token, arrival, 5)).derived.map((d) => d.provenance.inputVersion),
    ).toEqual([5]);
  });

  it('a title rename while the expansion streams lets it finish, without a second call', async () => {
    const token = await h.token(h.user());
    llm.behaviour.chunkDelayMs = 15;
    const bookId = await createBook(token, 'Streaming');
    const content = textOf('Lantern');
    const input = {
      schemaId: 'text-input-v2',
      bookId,
      data: { content, metadata: { chapter: 1 } },
    };
    const id = expectData(await h.gql(CreateBlobDocument, { input }, token)).createBlob.id;
    await eventually(() => callsFor(content) === 1, 10_000);
    await update(token, {
      id,
      input: { data: { content, metadata: { chapter: 1, title: 'Lantern' } } },
    });
    const done = await settled(token, id, 1);
    await quiet();
    expect((await lineage(token, id)).runs.map((r) => [r.inputVersion, r.status])).toEqual([
      [1, 'SUCCEEDED'],
    ]);
    expect(done.derived.map((d) => d.provenance.inputVersion)).toEqual([1]);
    expect(callsFor(content)).toBe(1);
  });

  it('refuses a list that is not the book’s chapters, or a book that is not yours, and changes nothing', async () => {
    const user = h.user();
    const token = await h.token(user);
    const { bookId, ids } = await bookWith(token, ['One', 'Two', 'Three']);
    const [one, two, three] = ids as [string, string, string];
    const other = await h.token(h.user());
    const theirs = await bookWith(other, ['Theirs']);
    const expansion = (await lineage(token, one)).derived[0]!.id;
    const before = await chapters(token, bookId);

    const cases: [string, ReorderChaptersMutationVariables, string, RegExp][] = [
      ['a duplicate', { bookId, chapterIds: [one, one, two] }, 'BAD_USER_INPUT', /listed twice/],
      ['a missing chapter', { bookId, chapterIds: [two, one] }, 'BAD_USER_INPUT', /all 3 chapters/],
      ['an empty list', { bookId, chapterIds: [] }, 'BAD_USER_INPUT', /all 3 chapters/],
      [
        'an unknown id',
        { bookId, chapterIds: [one, two, three, '00000000-0000-4000-8000-000000000000'] },
        'BAD_USER_INPUT',
        /is not a chapter/,
      ],
      [
        'not an id',
        { bookId, chapterIds: [one, two, 'chapter-3'] },
        'BAD_USER_INPUT',
        /not a chapter/,
      ],
      [
        'an expansion (not a chapter)',
        { bookId, chapterIds: [one, two, expansion] },
        'BAD_USER_INPUT',
        /not a chapter/,
      ],
      [
        'another user’s chapter',
        { bookId, chapterIds: [one, two, theirs.ids[0]!] },
        'BAD_USER_INPUT',
        /not a chapter/,
      ],
      [
        'another user’s book',
        { bookId: theirs.bookId, chapterIds: theirs.ids },
        'NOT_FOUND',
        /was not found/,
      ],
      ['an unknown book', { bookId: 'no-such-book', chapterIds: [one] }, 'NOT_FOUND', /not found/],
    ];
    for (const [what, variables, code, message] of cases) {
      const r = await h.gql(REORDER, variables, token);
      expect(r.errors?.[0]?.extensions?.code, what).toBe(code);
      expect(r.errors?.[0]?.message, what).toMatch(message);
      expect(r.errors?.[0]?.extensions?.field, what).toBe(
        code === 'NOT_FOUND' ? 'bookId' : 'chapterIds',
      );
    }
    expect(await chapters(token, bookId)).toEqual(before);
    expect((await chapters(other, theirs.bookId)).map((c) => c.version)).toEqual([1]);
  });

  it('refuses to reorder a book whose chapters hold more than a response may carry, and reorders one that fits', async () => {
    const user = h.user();
    const token = await h.token(user);
    /** A book of `n` chapters of about 45 KB each, stored directly (no events, no runs). */
    const heavyBook = async (n: number) => {
      const bookId = await createBook(token, 'Heavy');
      await sql`insert into blobs (user_id, schema_id, processor_id, data, size, book_id)
        select ${user}, 'text-input-v2', 'user-input', d, octet_length(d::text), ${bookId}::uuid
        from generate_series(1, ${n}) n, lateral (select jsonb_build_object(
          'content', repeat('The keeper climbed the tower. ', 1500),
          'metadata', jsonb_build_object('chapter', n, 'title', 'Chapter ' || n)) as d) c`.execute(
        h.app.database.db,
      );
      return bookId;
    };
    const versions = async (bookId: string) => {
      const r = await h.gql<{ book: { chapters: { id: string; version: number }[] } }>(
        'query($id: ID!) { book(id: $id) { chapters { id version } } }',
        { id: bookId },
        token,
      );
      return r.data!.book.chapters;
    };
    // About 1.1 MB of chapters: more than the 1 MiB a reorder reads here.
    const heavy = await heavyBook(25);
    const before = await versions(heavy);
    const refused = await h.gql(
      REORDER,
      { bookId: heavy, chapterIds: before.map((c) => c.id).reverse() },
      token,
    );
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      field: 'chapterIds',
      limit: 1024 ** 2,
    });
    expect(refused.errors?.[0]?.message).toMatch(/more than 1048576 bytes.*nothing was changed/);
    expect(await versions(heavy)).toEqual(before);
    // About 0.9 MB: reordered, each moved chapter at a new version.
    const fits = await heavyBook(20);
    const order = (await versions(fits)).map((c) => c.id).reverse();
    await reorder(token, { bookId: fits, chapterIds: order });
    const after = await versions(fits);
    expect(after.map((c) => c.id)).toEqual(order);
    expect(after.every((c) => c.version === 2)).toBe(true);
  });
});
