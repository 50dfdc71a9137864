/**
 * REYNA_EXPANSION_CONCURRENCY: how many LLM requests text expansion makes at once in one
 * process. The operator's bound holds across users, and a bad value is refused by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBlobDocument } from '../client-sdk/index';
import { loadConfig } from '../src/config';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';
import { expectData, type Harness, startHarness, stopHarness, testEnv } from './support/harness';
import { eventually } from './support/realtime';

let llm: FakeLlm;
let h: Harness;

beforeAll(async () => {
  llm = await startFakeLlm();
  // Each answer takes a while: requests that may overlap do.
  llm.behaviour.firstTokenDelayMs = 300;
  h = await startHarness({
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: 'test-key',
    REYNA_LLM_MODEL: 'fake-model',
    REYNA_PROCESSORS: 'all',
    REYNA_EXPANSION_CONCURRENCY: '2',
  });
});

afterAll(async () => {
  await stopHarness(h);
  await llm.close();
});

/** The most requests the LLM server had open at one moment. */
function mostAtOnce(requests: FakeLlm['requests']): number {
  const edges = requests.flatMap((r) => [
    { t: r.at, d: 1 },
    { t: r.closedAt ?? r.finishedAt ?? Number.POSITIVE_INFINITY, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let open = 0;
  let most = 0;
  for (const e of edges) {
    open += e.d;
    most = Math.max(most, open);
  }
  return most;
}

describe('REYNA_EXPANSION_CONCURRENCY', () => {
  it('bounds the LLM requests in flight across users, and every passage is still expanded', async () => {
    const users = await Promise.all([1, 2, 3, 4].map(() => h.token(h.user())));
    const written = await Promise.all(
      users.map((token, i) =>
        h.gql(
          CreateBlobDocument,
          {
            input: {
              schemaId: 'text-input-v1',
              data: { content: `Writer ${i} opens the shutters to the morning.` },
            },
          },
          token,
        ),
      ),
    );
    const ids = written.map((r) => expectData(r).createBlob.id);
    await eventually(
      () => llm.requests.length === 4 && llm.requests.every((r) => r.finishedAt !== undefined),
      20_000,
    );
    // Four users, one passage each, four at once by the per-user bound: two by the operator's.
    expect(mostAtOnce(llm.requests)).toBe(2);
    for (const [i, token] of users.entries()) {
      await eventually(async () => {
        const r = await h.gql<{ blob: { derived: { schemaId: string }[] } | null }>(
          'query($id: ID!) { blob(id: $id) { derived { schemaId } } }',
          { id: ids[i] },
          token,
        );
        return r.data?.blob?.derived.some((d) => d.schemaId === 'expanded-text-v1') === true;
      }, 20_000);
    }
  });

  it('is refused when it is not an integer from 1 to 1000, naming the setting', () => {
    for (const bad of ['0', '1001', 'lots', '2.5']) {
      expect(() => loadConfig(testEnv({ REYNA_EXPANSION_CONCURRENCY: bad }))).toThrow(
        /REYNA_EXPANSION_CONCURRENCY must be an integer from 1 to 1000/,
      );
    }
  });
});
