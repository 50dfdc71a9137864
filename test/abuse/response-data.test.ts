/**
 * One response carries at most REYNA_RESPONSE_DATA_BYTES of blob data, however much the user
 * stores: the reads that return many blobs at once (`Blob.derived`, `Book.chapters`,
 * `Conversation.blobs`, `Blob.versions`, a page's parents) fail with RESPONSE_TOO_LARGE past it,
 * a page of `blobs` ends early, and what was left out can still be read a page at a time.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { MAX_LIST_ROWS } from '../../src/blobs/data-budget';
import { ConfigError, loadConfig } from '../../src/config';
import {
  expectData,
  expectError,
  type GraphQLResponse,
  testEnv,
  type Untyped,
  uniqueId,
  useHarness,
} from '../support/harness';
import { subscribedOn, subscribeWs, wsClient } from '../support/realtime';

/** The smallest limit the server takes; three passages fit in it, four do not. */
const LIMIT = 1024 * 1024;
const PASSAGE = 300_000;
const h = useHarness({ REYNA_RESPONSE_DATA_BYTES: String(LIMIT) });

/** `{ text }` of PASSAGE characters, starting with `label`: about 300 KB serialised. */
const passage = (label: string) => ({ text: label.padEnd(PASSAGE, '.') });

interface Id {
  id: string;
}

let schemaId: string | undefined;
/** A schema of this file's own, so no processor derives anything from these blobs. */
async function bulkSchema(): Promise<string> {
  if (schemaId) return schemaId;
  const admin = await h().signIn('data-admin', { roles: ['registry-admin'] });
  const id = `${uniqueId('bulk')}-v1`;
  expectData(
    await h().gql(
      'mutation($d: JSON!) { registerSchema(input: { definition: $d }) { id } }',
      { d: { $id: id, type: 'object', properties: { text: { type: 'string' } } } },
      admin.token,
    ),
  );
  schemaId = id;
  return id;
}

async function create(token: string, data: unknown, links: Record<string, string> = {}) {
  const input = { schemaId: await bulkSchema(), data, ...links };
  const r = await h().gql<{ createBlob: Id }>(
    'mutation($input: CreateBlobInput!) { createBlob(input: $input) { id } }',
    { input },
    token,
  );
  return expectData(r).createBlob.id;
}

/** The text each blob's data starts with, for comparing what came back. */
const labels = (blobs: { data: { text: string } }[]) =>
  blobs.map((b) => b.data.text.replace(/\.+$/, ''));

function expectTooLarge(r: { errors?: { extensions: Record<string, unknown> }[] | undefined }) {
  const error = expectError(r as Parameters<typeof expectError>[0], 'RESPONSE_TOO_LARGE');
  expect(error.extensions.limit).toBe(LIMIT);
  return error;
}

describe('one response carries at most REYNA_RESPONSE_DATA_BYTES of blob data', () => {
  it('Blob.derived: all five listed, their data RESPONSE_TOO_LARGE by both paths, and paged in full', async () => {
    const { token } = await h().signIn('data-derived');
    const parent = await create(token, { text: 'parent' });
    const children: string[] = [];
    for (let i = 0; i < 5; i++)
      children.push(await create(token, passage(`child ${i}`), { parentId: parent }));

    // Without data, every derived blob is listed.
    const listed = await h().gql<{ blob: { derived: (Id & { size: number })[] } }>(
      'query($id: ID!) { blob(id: $id) { derived { id size } } }',
      { id: parent },
      token,
    );
    expect(expectData(listed).blob.derived.map((d) => d.id)).toEqual(children);
    const sizes = expectData(listed).blob.derived.map((d) => d.size);
    expect(sizes.slice(0, 3).reduce((a, b) => a + b)).toBeLessThanOrEqual(LIMIT);
    expect(sizes.slice(0, 4).reduce((a, b) => a + b)).toBeGreaterThan(LIMIT);

    // With data: the one-statement family read, and the loader under a page.
    const family = await h().gql<{ blob: null }>(
      'query($id: ID!) { blob(id: $id) { id derived { id data } } }',
      { id: parent },
      token,
    );
    expectTooLarge(family);
    expect(family.data?.blob).toBeNull();
    const underPage = await h().gql(
      '{ blobs(first: 1, order: OLDEST_FIRST) { edges { node { id derived { data } } } } }',
      {},
      token,
    );
    expectTooLarge(underPage);

    // The page walk the error points to serves them all, three to a response.
    const served: { id: string; data: { text: string } }[] = [];
    const pages: number[] = [];
    let after: string | null = null;
    interface Page {
      blobs: {
        edges: { node: { id: string; data: { text: string } } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    }
    for (;;) {
      const r: GraphQLResponse<Page> = await h().gql<Page>(
        'query($p: ID!, $after: String) { blobs(first: 5, order: OLDEST_FIRST, after: $after, filter: { parentId: $p }) { edges { node { id data } } pageInfo { hasNextPage endCursor } } }',
        { p: parent, after },
        token,
      );
      const page: Page['blobs'] = expectData(r).blobs;
      pages.push(page.edges.length);
      served.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toEqual([3, 2]);
    expect(served.map((b) => b.id)).toEqual(children);
    expect(labels(served)).toEqual([0, 1, 2, 3, 4].map((i) => `child ${i}`));

    // A page that does not ask for data is not shortened.
    const ids = await h().gql<{ blobs: { edges: { node: Id }[] } }>(
      'query($p: ID!) { blobs(first: 5, filter: { parentId: $p }) { edges { node { id } } } }',
      { p: parent },
      token,
    );
    expect(expectData(ids).blobs.edges).toHaveLength(5);
  });

  it('Book.chapters, Conversation.blobs and a page of parents: data past the limit is RESPONSE_TOO_LARGE, less is served whole', async () => {
    const { token } = await h().signIn('data-book');
    const book = expectData(
      await h().gql<{ createBook: Id }>(
        'mutation { createBook(input: { title: "Long" }) { id } }',
        {},
        token,
      ),
    ).createBook.id;
    const conversation = expectData(
      await h().gql<{ createConversation: Id }>(
        'mutation { createConversation(title: "Long") { id } }',
        {},
        token,
      ),
    ).createConversation.id;
    for (let i = 0; i < 4; i++) {
      await create(token, passage(`chapter ${i}`), { bookId: book });
      await create(token, passage(`message ${i}`), { conversationId: conversation });
    }
    const chapters = await h().gql<{ book: { chapters: Id[] } }>(
      'query($id: ID!) { book(id: $id) { chapters { id } } }',
      { id: book },
      token,
    );
    expect(expectData(chapters).book.chapters).toHaveLength(4);
    expectTooLarge(
      await h().gql('query($id: ID!) { book(id: $id) { chapters { data } } }', { id: book }, token),
    );
    expectTooLarge(
      await h().gql(
        'query($id: ID!) { conversation(id: $id) { blobs { data } } }',
        { id: conversation },
        token,
      ),
    );

    // Parents read through the loader under a page: three fit, four do not.
    const { token: other } = await h().signIn('data-parents');
    for (let i = 0; i < 4; i++) {
      const parent = await create(other, passage(`parent ${i}`));
      await create(other, { text: `child of ${i}` }, { parentId: parent });
    }
    const parents = (first: number) =>
      h().gql<{ blobs: { edges: { node: { parent: { data: { text: string } } | null } }[] } }>(
        'query($first: Int) { blobs(first: $first, order: OLDEST_FIRST) { edges { node { parent { data } } } } }',
        { first },
        other,
      );
    const three = expectData(await parents(6)).blobs.edges.flatMap((e) =>
      e.node.parent ? [e.node.parent] : [],
    );
    expect(labels(three)).toEqual(['parent 0', 'parent 1', 'parent 2']);
    expectTooLarge(await parents(8));
  });

  it('Blob.versions: every version listed, their data RESPONSE_TOO_LARGE, each one readable with versionAt', async () => {
    const { token } = await h().signIn('data-versions');
    const id = await create(token, { text: 'first' });
    for (let i = 2; i <= 5; i++) {
      expectData(
        await h().gql(
          'mutation($id: ID!, $data: JSON!) { updateBlob(id: $id, input: { data: $data }) { version } }',
          { id, data: passage(`version ${i}`) },
          token,
        ),
      );
    }
    const listed = await h().gql<{ blob: { versions: { version: number }[] } }>(
      'query($id: ID!) { blob(id: $id) { versions { version size } } }',
      { id },
      token,
    );
    expect(expectData(listed).blob.versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5]);
    expectTooLarge(
      await h().gql('query($id: ID!) { blob(id: $id) { versions { data } } }', { id }, token),
    );
    for (const version of [1, 3, 5]) {
      const one = await h().gql<{ blob: { versionAt: { data: { text: string } } | null } }>(
        'query($id: ID!, $v: Int!) { blob(id: $id) { versionAt(version: $v) { data } } }',
        { id, v: version },
        token,
      );
      const text = expectData(one).blob.versionAt?.data.text.replace(/\.+$/, '');
      expect(text).toBe(version === 1 ? 'first' : `version ${version}`);
    }
    const missing = await h().gql<{ blob: { versionAt: null } }>(
      'query($id: ID!) { blob(id: $id) { versionAt(version: 9) { data } } }',
      { id },
      token,
    );
    expect(expectData(missing).blob.versionAt).toBeNull();
  });

  it('a replay of large blobs reaches a subscriber whole, each delivery with its own budget', async () => {
    const base = await h().app.listen();
    const { token } = await h().signIn('data-live');
    type Delivery = {
      blobEvents: { cursor: string; blob: { id: string; data: { text: string } } };
    };
    const query =
      'subscription($after: String) { blobEvents(after: $after) { cursor blob { id data } } }';
    const first = wsClient(base, token);
    let cursor: string;
    try {
      const live = subscribeWs<Delivery>(first, query);
      await subscribedOn(h().app.events, token, 1);
      await create(token, { text: 'start' });
      cursor = (await live.take(1))[0]!.blobEvents.cursor;
    } finally {
      await first.dispose();
    }
    // Written while nobody listens, then replayed: the replay reads them in one batch, more
    // data than one response carries.
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await create(token, passage(`replayed ${i}`)));
    const again = wsClient(base, token);
    try {
      const replay = subscribeWs<Delivery>(again, query, { after: cursor });
      const got = (await replay.take(5, 20_000)).map((d) => d.blobEvents.blob);
      expect(replay.error).toBeUndefined();
      expect(got.map((b) => b.id)).toEqual(ids);
      expect(labels(got)).toEqual([0, 1, 2, 3, 4].map((i) => `replayed ${i}`));
    } finally {
      await again.dispose();
    }
  });

  it('serves the current derived blob whole when superseded ones read before it fill the cap', async () => {
    const { userId, token } = await h().signIn('data-current');
    const parent = await create(token, { text: 'parent' });
    // Four runs of one processor on versions 1 to 4 of the parent, oldest first: only the last
    // is current. Stored directly, as the runtime writes them (users cannot set provenance).
    await sql`insert into blobs (user_id, schema_id, processor_id, data, size, parent_id, provenance)
      select ${userId}, ${await bulkSchema()}, 'user-input',
        jsonb_build_object('text', 'revision ' || n || repeat('.', ${PASSAGE} - 10)), ${PASSAGE + 11},
        ${parent}::uuid, jsonb_build_object('inputBlobId', ${parent}::text, 'inputVersion', n, 'runId', 'run-' || n)
      from generate_series(1, 4) n order by n`.execute(h().testDb.database.db);
    const current = await h().gql<{ blob: { derived: { data: { text: string } }[] } }>(
      'query($id: ID!) { blob(id: $id) { derived { data } } }',
      { id: parent },
      token,
    );
    expect(labels(expectData(current).blob.derived)).toEqual(['revision 4']);
    expectTooLarge(
      await h().gql(
        'query($id: ID!) { blob(id: $id) { derived(includeSuperseded: true) { data } } }',
        { id: parent },
        token,
      ),
    );
  });

  it("a user's reads in flight share four responses' worth: the rest wait with RATE_LIMITED, and nothing stays held", async () => {
    const { token } = await h().signIn('data-pool');
    const parent = await create(token, { text: 'parent' });
    for (let i = 0; i < 3; i++) await create(token, passage(`part ${i}`), { parentId: parent });
    const { token: otherToken } = await h().signIn('data-pool-other');
    const own = await create(otherToken, passage('their own'));
    const read = () =>
      h().gql<{ blob: { derived: { data: { text: string } }[] } | null }>(
        'query($id: ID!) { blob(id: $id) { derived { data } } }',
        { id: parent },
        token,
      );
    // 24 reads of 900 KB at once: the pool (4 MiB with a 1 MiB budget) holds four of them.
    const [answers, theirs] = await Promise.all([
      Promise.all(Array.from({ length: 24 }, read)),
      h().gql<{ blob: { data: { text: string } } }>(
        'query($id: ID!) { blob(id: $id) { data } }',
        { id: own },
        otherToken,
      ),
    ]);
    expect(expectData(theirs).blob.data.text).toHaveLength(PASSAGE);
    let whole = 0;
    let waited = 0;
    for (const answer of answers) {
      if (!answer.errors) {
        expect(labels(expectData(answer).blob!.derived)).toEqual(['part 0', 'part 1', 'part 2']);
        whole++;
        continue;
      }
      const error = expectError(answer, 'RATE_LIMITED');
      expect(error.extensions.retryAfterMs).toBeGreaterThan(0);
      expect(error.extensions.limit).toBe(4 * LIMIT);
      waited++;
    }
    expect(whole).toBeGreaterThan(0);
    expect(waited).toBeGreaterThan(0);
    // Every response gave back what it held: one after another, each is served whole.
    for (let i = 0; i < 8; i++) {
      expect(labels(expectData(await read()).blob!.derived)).toEqual([
        'part 0',
        'part 1',
        'part 2',
      ]);
    }
  });

  it(`past ${MAX_LIST_ROWS} derived blobs or versions, RESPONSE_TOO_LARGE names the field; paging still works`, async () => {
    const { userId, token } = await h().signIn('data-rows');
    const parent = await create(token, { text: 'parent' });
    const schema = await bulkSchema();
    // Stored directly: ten thousand createBlob calls would only slow the test down.
    const db = h().testDb.database.db;
    await sql`insert into blobs (user_id, schema_id, processor_id, data, size, parent_id)
      select ${userId}, ${schema}, 'user-input', jsonb_build_object('text', 'row ' || n), 20, ${parent}::uuid
      from generate_series(1, ${MAX_LIST_ROWS + 1}) n`.execute(db);
    await sql`insert into blob_versions (blob_id, version, schema_id, data, size)
      select ${parent}::uuid, -n, ${schema}, '{"text":"old"}'::jsonb, 14
      from generate_series(1, ${MAX_LIST_ROWS + 1}) n`.execute(db);

    for (const [field, query] of [
      ['derived', 'query($id: ID!) { blob(id: $id) { derived { id } } }'],
      ['derived', '{ blobs(first: 1, order: OLDEST_FIRST) { edges { node { derived { id } } } } }'],
      ['derived', 'query($id: ID!) { blob(id: $id) { supersededBy { id } derived { id } } }'],
      ['versions', 'query($id: ID!) { blob(id: $id) { versions { version } } }'],
    ] as const) {
      const r = await h().gql<Untyped>(query, { id: parent }, token);
      const error = expectError(r, 'RESPONSE_TOO_LARGE');
      expect(error.extensions.field, query).toBe(field);
      expect(error.extensions.limit).toBe(MAX_LIST_ROWS);
    }
    const page = await h().gql<{ blobs: { edges: { node: { data: { text: string } } }[] } }>(
      'query($p: ID!) { blobs(first: 100, order: OLDEST_FIRST, filter: { parentId: $p }) { edges { node { data } } } }',
      { p: parent },
      token,
    );
    expect(expectData(page).blobs.edges).toHaveLength(100);
    expect(expectData(page).blobs.edges[0]?.node.data.text).toBe('row 1');
  });

  it('REYNA_RESPONSE_DATA_BYTES takes 1 MiB to 1 GiB, and nothing else', () => {
    expect(loadConfig(testEnv({})).responseDataBytes).toBe(16 * 1024 * 1024);
    expect(loadConfig(testEnv({ REYNA_RESPONSE_DATA_BYTES: '1048576' })).responseDataBytes).toBe(
      LIMIT,
    );
    for (const bad of ['1048575', '2147483648', '16MiB', '-1', '1.5']) {
      expect(
        () => loadConfig(testEnv({ REYNA_RESPONSE_DATA_BYTES: bad })),
        JSON.stringify(bad),
      ).toThrow(ConfigError);
    }
  });
});
