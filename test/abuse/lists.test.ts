import { describe, expect, it } from 'vitest';
import {
  CompileBookDocument,
  ConfigureProcessorDocument,
  CreateBookDocument,
  CreateConversationDocument,
  ProcessorDocument,
  ProcessorInstancesDocument,
  ProcessorsDocument,
  SchemaDocument,
  SchemasDocument,
} from '../../client-sdk/index';
import { expectData, type GraphQLResponse, nodes, uniqueId, useHarness } from '../support/harness';

const h = useHarness();

const ADMIN = { roles: ['registry-admin'] };

/** The real listening server, started once for the file. */
let listening: Promise<string> | undefined;
const server = () => (listening ??= h().app.listen());

async function newUser(claims?: Record<string, unknown>) {
  const userId = h().user('lists');
  return { userId, token: await h().token(userId, claims) };
}

interface IdConnection {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A page `walk` reads: the connection aliased `page`, under `me` for a field `me.<name>`. */
interface PageAnswer {
  page?: IdConnection;
  me?: { page: IdConnection };
}

/**
 * Walks a connection page by page over a real socket, `first` at a time, and returns every node
 * id in order with the number of pages it took. `field` is a root field, or `me.<name>`.
 */
async function walk(base: string, token: string, field: string, first: number) {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const query = field.startsWith('me.')
      ? `query($first: Int, $after: String) { me { page: ${field.slice(3)}(first: $first, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } } }`
      : `query($first: Int, $after: String) { page: ${field}(first: $first, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`;
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: { first, after } }),
    });
    const body = (await res.json()) as Omit<GraphQLResponse<PageAnswer>, 'status'>;
    expect(body.errors).toBeUndefined();
    const connection = field.startsWith('me.') ? body.data?.me?.page : body.data?.page;
    if (!connection) throw new Error(`no ${field} in ${JSON.stringify(body)}`);
    expect(connection.edges.length).toBeLessThanOrEqual(first);
    ids.push(...nodes(connection).map((n) => n.id));
    pages++;
    if (!connection.pageInfo.hasNextPage) return { ids, pages };
    after = connection.pageInfo.endCursor;
  }
}

/** A page of REST GET /schemas. */
interface SchemaPage {
  schemas: { id: string }[];
  nextCursor: string | null;
}

describe('pagination', () => {
  it('walks books, conversations and processor instances (root and me) page by page with no duplicates', async () => {
    const base = await server();
    const { token } = await newUser();
    const admin = await newUser(ADMIN);
    const bookIds: string[] = [];
    const conversationIds: string[] = [];
    const processorIds: string[] = [];
    for (let i = 0; i < 7; i++) {
      const b = await h().gql(CreateBookDocument, { input: { title: `Book ${i}` } }, token);
      bookIds.push(b.data!.createBook.id);
      const c = await h().gql(CreateConversationDocument, { title: `Chat ${i}` }, token);
      conversationIds.push(c.data!.createConversation.id);
      const id = uniqueId(`page-${i}`);
      const p = await h().gql(
        'mutation($id: ID!) { registerProcessor(input: { id: $id, name: "Pager", version: "1.0.0" }) { id } }',
        { id },
        admin.token,
      );
      expect(p.errors).toBeUndefined();
      processorIds.push(id);
      const inst = await h().gql(
        ConfigureProcessorDocument,
        { processorId: id, config: {} },
        token,
      );
      expect(inst.errors).toBeUndefined();
    }
    for (const [field, expected] of [
      ['books', bookIds],
      ['me.books', bookIds],
      ['conversations', conversationIds],
      ['me.conversations', conversationIds],
    ] as const) {
      const walked = await walk(base, token, field, 3);
      expect(walked.ids).toEqual(expected);
      expect(walked.pages).toBe(3);
    }
    for (const field of ['processorInstances', 'me.processorInstances']) {
      const walked = await walk(base, token, field, 2);
      expect(new Set(walked.ids).size).toBe(7);
      expect(walked.pages).toBe(4);
    }
    // Another user's pages are empty, and do not include these.
    const other = await newUser();
    expect((await walk(base, other.token, 'books', 3)).ids).toEqual([]);
  });

  it('walks every schema and every processor, each once, in order', async () => {
    const base = await server();
    const admin = await newUser(ADMIN);
    for (let i = 0; i < 5; i++) {
      const r = await h().gql(
        'mutation($d: JSON!) { registerSchema(input: { definition: $d }) { id } }',
        { d: { $id: `${uniqueId('paged')}-v1`, type: 'object' } },
        admin.token,
      );
      expect(r.errors).toBeUndefined();
    }
    for (const field of ['schemas', 'processors']) {
      const all = await walk(base, admin.token, field, 100);
      const paged = await walk(base, admin.token, field, 2);
      expect(paged.ids).toEqual(all.ids);
      expect(new Set(paged.ids).size).toBe(paged.ids.length);
      expect(paged.pages).toBe(Math.ceil(all.ids.length / 2));
    }
  });

  it('pages runs newest first with no duplicates', async () => {
    const { token } = await newUser();
    const book = await h().gql(CreateBookDocument, { input: { title: 'Runs' } }, token);
    const bookId = book.data!.createBook.id;
    const runIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await h().gql(
        CompileBookDocument,
        { bookId: bookId, formats: ['MARKDOWN'] },
        token,
      );
      expect(r.errors).toBeUndefined();
      runIds.push(r.data!.compileBook.id);
    }
    const base = await server();
    const walked = await walk(base, token, 'runs', 2);
    expect(walked.ids).toEqual([...runIds].reverse());
    expect(walked.pages).toBe(3);
  });

  it('refuses first over 100, negative first and a foreign cursor with BAD_USER_INPUT, and has no last/before', async () => {
    const { token } = await newUser();
    for (const field of ['schemas', 'processors', 'books', 'conversations', 'runs']) {
      for (const args of ['first: 101', 'first: -1']) {
        const r = await h().gql(`{ ${field}(${args}) { edges { node { id } } } }`, {}, token);
        expect(r.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
      }
      for (const args of ['last: 2', 'before: "x"']) {
        const r = await h().gql(`{ ${field}(${args}) { edges { node { id } } } }`, {}, token);
        expect(r.errors![0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(r.errors![0]!.message).toContain(`Unknown argument "${args.split(':')[0]}"`);
      }
    }
    const me = await h().gql('{ me { books(first: 101) { edges { node { id } } } } }', {}, token);
    expect(me.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    // A cursor of one list is not a cursor of another.
    const schemas = await h().gql(SchemasDocument, { first: 1 }, token);
    const cursor = expectData(schemas).schemas.pageInfo.endCursor;
    const r = await h().gql(ProcessorsDocument, { after: cursor }, token);
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('REST GET /schemas pages with ?first and ?after', async () => {
    const { token } = await newUser();
    const one = await h().rest<SchemaPage>('GET', '/schemas?first=1', { token });
    expect(one.status).toBe(200);
    expect(one.body.schemas).toHaveLength(1);
    const two = await h().rest<SchemaPage>('GET', `/schemas?first=1&after=${one.body.nextCursor}`, {
      token,
    });
    expect(two.body.schemas).toHaveLength(1);
    expect(two.body.schemas[0]?.id).not.toBe(one.body.schemas[0]?.id);
    expect((await h().rest('GET', '/schemas?first=1000', { token })).status).toBe(400);
  });
});

describe('field caps: refused with a typed error, nothing written', () => {
  const REGISTER_SCHEMA =
    'mutation($input: RegisterSchemaInput!) { registerSchema(input: $input) { id } }';
  const REGISTER_PROCESSOR =
    'mutation($input: RegisterProcessorInput!) { registerProcessor(input: $input) { id } }';

  async function schemaExists(id: string, token: string) {
    return expectData(await h().gql(SchemaDocument, { id }, token)).schema !== null;
  }
  async function processorExists(id: string, token: string) {
    return expectData(await h().gql(ProcessorDocument, { id }, token)).processor !== null;
  }

  it('schema description over 16 KiB: BAD_USER_INPUT on description', async () => {
    const { token } = await newUser(ADMIN);
    const id = `${uniqueId('described')}-v1`;
    const r = await h().gql(
      REGISTER_SCHEMA,
      {
        input: { definition: { $id: id, type: 'string' }, description: 'd'.repeat(16 * 1024 + 1) },
      },
      token,
    );
    expect(r.errors![0]!.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'description',
      limit: 16 * 1024,
    });
    expect(await schemaExists(id, token)).toBe(false);
  });

  it('schema examples over 256 KiB together: SCHEMA_TOO_LARGE on examples', async () => {
    const { token } = await newUser(ADMIN);
    const id = `${uniqueId('exampled')}-v1`;
    const examples = Array.from({ length: 5 }, () => 'e'.repeat(60 * 1024));
    const r = await h().gql(
      REGISTER_SCHEMA,
      { input: { definition: { $id: id, type: 'string' }, examples } },
      token,
    );
    expect(r.errors![0]!.extensions).toMatchObject({
      code: 'SCHEMA_TOO_LARGE',
      field: 'examples',
      limit: 256 * 1024,
    });
    expect(await schemaExists(id, token)).toBe(false);
  });

  it('processor description, list entries, configSchema size and depth are capped', async () => {
    const { token } = await newUser(ADMIN);
    let deep: Record<string, unknown> = { type: 'object' };
    for (let i = 0; i < 40; i++) deep = { type: 'object', properties: { x: deep } };
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [
        { description: 'p'.repeat(16 * 1024 + 1) },
        { code: 'BAD_USER_INPUT', field: 'description' },
      ],
      [
        { subscribes: [`blob.created.${'s'.repeat(300)}`] },
        { code: 'BAD_USER_INPUT', field: 'subscribes' },
      ],
      [{ inputSchemaIds: ['i'.repeat(201)] }, { code: 'BAD_USER_INPUT', field: 'inputSchemaIds' }],
      [
        {
          configSchema: {
            type: 'object',
            properties: Object.fromEntries(
              Array.from({ length: 3000 }, (_, i) => [`field${i}`, { type: 'string' }]),
            ),
          },
        },
        { code: 'SCHEMA_TOO_LARGE', field: 'configSchema', limit: 64 * 1024 },
      ],
      [{ configSchema: deep }, { code: 'SCHEMA_TOO_LARGE', field: 'configSchema', limit: 32 }],
    ];
    for (const [extra, expected] of cases) {
      const id = uniqueId('capped');
      const r = await h().gql(
        REGISTER_PROCESSOR,
        { input: { id, name: 'Capped', version: '1.0.0', ...extra } },
        token,
      );
      expect(r.errors![0]!.extensions).toMatchObject(expected);
      expect(await processorExists(id, token)).toBe(false);
    }
  });

  it('a processor instance config over 64 KiB: BAD_USER_INPUT on config, no instance', async () => {
    const admin = await newUser(ADMIN);
    const id = uniqueId('configurable');
    const p = await h().gql(
      REGISTER_PROCESSOR,
      {
        input: {
          id,
          name: 'Configurable',
          version: '1.0.0',
          configSchema: { type: 'object', properties: { notes: { type: 'string' } } },
        },
      },
      admin.token,
    );
    expect(p.errors).toBeUndefined();
    const { token } = await newUser();
    const r = await h().gql(
      ConfigureProcessorDocument,
      { processorId: id, config: { notes: 'n'.repeat(64 * 1024) } },
      token,
    );
    expect(r.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'config' });
    const list = await h().gql(ProcessorInstancesDocument, {}, token);
    expect(list.data!.processorInstances.edges).toEqual([]);
  });

  it('book and conversation titles and descriptions are capped', async () => {
    const { token } = await newUser();
    for (const input of [
      { title: 't'.repeat(501) },
      { title: 'Fine', author: 'a'.repeat(201) },
      { title: 'Fine', description: 'd'.repeat(10_001) },
    ]) {
      const r = await h().gql(CreateBookDocument, { input }, token);
      expect(r.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
    }
    const c = await h().gql(CreateConversationDocument, { title: 'c'.repeat(501) }, token);
    expect(c.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title' });
    const left = await h().gql(
      '{ books { edges { node { id } } } conversations { edges { node { id } } } }',
      {},
      token,
    );
    expect(left.data).toEqual({ books: { edges: [] }, conversations: { edges: [] } });
  });
});
