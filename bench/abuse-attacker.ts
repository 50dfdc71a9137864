/**
 * The attacker of `npm run bench:abuse`, run as a process of its own:
 *
 *   tsx bench/abuse-attacker.ts <url> <token> <kind> <seconds>
 *
 * sends the chosen hostile requests back to back on two connections for `seconds`, then prints
 * how many it sent and how many the server refused (RATE_LIMITED and other errors). Every body is
 * built once, before the clock starts: the attacker's own CPU goes to sending, not to building.
 */
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { SCHEMA_BATTERY } from './abuse-schemas';

/** What each attack does, in the order the bench runs them. */
export const ATTACKS: [string, string][] = [
  ['register', 'registers hostile schemas (the whole battery, again and again)'],
  ['dry-run', 'dry-runs hostile schemas (checkSchemaCompatibility)'],
  ['regex', 'validates 1 MiB against ^(a+)+$'],
  ['unique', 'validates 8,000 objects against uniqueItems'],
  ['oneof', 'writes 10,000 failing items against a 31-branch oneOf'],
  ['bad-input', 'sends JSON nested 5,000 deep, 1e400 and NUL strings'],
  ['websocket', 'floods a WebSocket with operations and opens subscriptions to the cap'],
  ['documents', 'sends distinct wide queries, each twice (parse, validate, compile)'],
  ['wide-query', 'sends one wide query again and again (15 aliases, 3,000 tokens)'],
  ['big-writes', 'writes 256 KiB blobs back to back'],
  ['big-reads', 'reads a blob with 20 derived blobs of 60 KiB each'],
  ['huge-reads', 'reads a blob with 48 derived blobs of 1 MB each, 8 requests at once'],
];

/** The attacks whose victim also reads: they target what reads and writes share (batches). */
export const READ_ATTACKS = ['big-writes', 'big-reads', 'huge-reads'];

/** Requests each attack keeps in flight at once. */
const CONCURRENCY: Record<string, number> = { 'huge-reads': 8 };

/**
 * A family of the attacker's own to read: a parent and `count` derived blobs of `bytes` each,
 * written as a patient client would (waiting out RATE_LIMITED).
 */
async function bigFamily(url: string, token: string, count: number, bytes: number) {
  const create = async (parentId: string | null): Promise<string> => {
    for (;;) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: gql(
          'mutation($d: JSON!, $p: ID) { createBlob(input: { schemaId: "attack-big-v1", data: $d, parentId: $p }) { id } }',
          { d: { text: 'y'.repeat(bytes) }, p: parentId },
        ),
      });
      const body = (await res.json()) as {
        data?: { createBlob: { id: string } };
        errors?: { extensions?: { code?: string; retryAfterMs?: number } }[];
      };
      if (body.data) return body.data.createBlob.id;
      const error = body.errors?.[0]?.extensions;
      if (error?.code !== 'RATE_LIMITED')
        throw new Error(`reads setup: ${JSON.stringify(body.errors)}`);
      await new Promise((r) => setTimeout(r, error.retryAfterMs ?? 100));
    }
  };
  const parent = await create(null);
  for (let i = 0; i < count; i++) await create(parent);
  return parent;
}

const arrayOf = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
const gql = (query: string, variables: object = {}) => JSON.stringify({ query, variables });

/**
 * A query at the limits (15 aliases, under 3,000 tokens, depth 3) that every user may send: its
 * parse, validation, compile and execution grow with its size. `n` makes its text distinct.
 */
function wideQuery(n: number): string {
  const fields = 'blobCount totalSize userId quota { blobs bytes } '.repeat(14);
  return `query Wide${n} { ${arrayOf(15, (i) => `a${i}: me { ${fields} }`).join(' ')} }`;
}

function bodies(kind: string, familyId?: string): string[] {
  if (kind === 'documents') return arrayOf(4000, (i) => gql(wideQuery(i >> 1)));
  if (kind === 'wide-query') return [gql(wideQuery(0))];
  if (kind === 'big-reads' || kind === 'huge-reads')
    return [
      gql('query($id: ID!) { blob(id: $id) { id data parent { id data } derived { id data } } }', {
        id: familyId,
      }),
    ];
  const hostile = SCHEMA_BATTERY.map((c, i) => ({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `attack-${kind}-${i}-${process.pid}`,
    ...c.definition,
  }));
  switch (kind) {
    case 'register':
      return hostile.map((d, i) =>
        gql('mutation($d: JSON!) { registerSchema(input: { definition: $d }) { id } }', {
          d: { ...d, $id: `attack-r${i}-${process.pid}-v1` },
        }),
      );
    case 'dry-run':
      return hostile.map((d) =>
        gql(
          'query($i: RegisterSchemaInput!) { checkSchemaCompatibility(input: $i) { compatible } }',
          {
            i: { definition: d },
          },
        ),
      );
    case 'regex':
      return [
        gql('query($d: JSON!) { validate(schemaId: "attack-regex-v1", data: $d) { valid } }', {
          d: `${'a'.repeat(1024 * 1024 - 64)}!`,
        }),
      ];
    case 'unique':
      return [
        gql('query($d: JSON!) { validate(schemaId: "attack-unique-v1", data: $d) { valid } }', {
          d: arrayOf(8_000, (i) => ({ a: i, b: [i, `${i}`] })),
        }),
      ];
    case 'oneof':
      return [
        gql(
          'mutation($d: JSON!) { createBlob(input: { schemaId: "attack-oneof-v1", data: $d }) { id } }',
          { d: arrayOf(10_000, (i) => ({ [`k${i % 31}`]: 'not an integer' })) },
        ),
      ];
    case 'big-writes':
      return [
        gql(
          'mutation($d: JSON!) { createBlob(input: { schemaId: "attack-big-v1", data: $d }) { id } }',
          { d: { text: 'x'.repeat(256 * 1024) } },
        ),
      ];
    case 'bad-input':
      return [
        `{"query":"mutation($d: JSON!) { createBlob(input: { schemaId: \\"text-input-v1\\", data: $d }) { id } }","variables":{"d":{"content":"x\\u0000 and 1e400","n":1e400,"deep":${'['.repeat(5000)}${']'.repeat(5000)}}}}`,
      ];
    default:
      throw new Error(`unknown attack ${kind}`);
  }
}

async function http(url: string, token: string, all: string[], until: number, concurrency = 2) {
  let sent = 0;
  let refused = 0;
  await Promise.all(
    arrayOf(concurrency, () => null).map(async () => {
      while (Date.now() < until) {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: all[sent % all.length],
        }).catch(() => null);
        sent++;
        const text = res ? await res.text() : '';
        if (!res || res.status === 429 || text.includes('"errors"')) refused++;
      }
    }),
  );
  return { sent, refused };
}

async function websocket(url: string, token: string, until: number) {
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
  let sent = 0;
  let refused = 0;
  for (let i = 0; i < 150; i++) {
    client.subscribe(
      { query: 'subscription { blobEvents { type } }' },
      { next: () => {}, error: () => refused++, complete: () => {} },
    );
    sent++;
  }
  while (Date.now() < until) {
    await new Promise<void>((resolve) =>
      client.subscribe(
        { query: '{ me { blobCount } }' },
        {
          next: (r) => {
            if (r.errors) refused++;
          },
          error: () => {
            refused++;
            resolve();
          },
          complete: () => resolve(),
        },
      ),
    );
    sent++;
  }
  await client.dispose();
  return { sent, refused };
}

if (process.argv[1]?.endsWith('abuse-attacker.ts')) {
  const [url, token, kind, seconds] = process.argv.slice(2) as [string, string, string, string];
  const family =
    kind === 'big-reads'
      ? await bigFamily(url, token, 20, 60 * 1024)
      : kind === 'huge-reads'
        ? await bigFamily(url, token, 48, 1_000_000)
        : undefined;
  const all = kind === 'websocket' ? [] : bodies(kind, family);
  // The bench starts the victim's clock on this line.
  console.log('ready');
  const until = Date.now() + Number(seconds) * 1000;
  const { sent, refused } =
    kind === 'websocket'
      ? await websocket(url, token, until)
      : await http(url, token, all, until, CONCURRENCY[kind]);
  console.log(`${sent} sent, ${refused} refused`);
}
