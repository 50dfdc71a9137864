/**
 * The demo LLM (REYNA_LLM=demo): a try-out without an API key that goes through the same path as
 * a real provider (the `openai` client, streamed Chat Completions from an endpoint on loopback),
 * writes labelled, deterministic text and is recorded as model "demo". And when it is used.
 */
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBlobDocument } from '../client-sdk/index';
import { DEMO_LABEL, DEMO_MODEL, demoExpansion, startDemoLlm } from '../processors/lib/demo-llm';
import { createLlm, LlmOutputTooLongError, LlmRefusedError } from '../processors/lib/llm';
import { expansionRatio } from '../processors/lib/text-metrics';
import { ConfigError, loadConfig } from '../src/config';
import { type Harness, startHarness, stopHarness } from './support/harness';
import { eventually, subscribedOn, subscribeWs, wsClient } from './support/realtime';

const PASSAGE =
  'The ship sailed at dawn while the harbour slept. A gull cried once, and then the sea was quiet.';
/** A passage's runs and its expansion, as `expand` reads them. */
interface Expansion {
  runs: { status: string; model: string | null; error: string | null }[];
  derived: {
    id: string;
    data: { original: string; expanded: string; expansion_ratio: number };
    provenance: unknown;
  }[];
}

describe('which LLM the configuration picks', () => {
  const SECRET = { REYNA_JWT_SECRET: 'x'.repeat(32) };

  it('uses the demo on the embedded default with no LLM configured, outside production', () => {
    const config = loadConfig({});
    expect(config.llm).toBe('demo');
    expect(config.llmModel).toBe(DEMO_MODEL);
    expect(config.llmModels).toEqual([DEMO_MODEL]);
    expect(config.llmDemoDelayMs).toBe(30);
  });

  it('uses no demo where a real LLM is configured, with DATABASE_URL, or in production', () => {
    for (const env of [
      { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' },
      { OPENAI_API_KEY: 'sk-test' },
      { REYNA_LLM_MODEL: 'llama3' },
      { DATABASE_URL: 'postgres://127.0.0.1/reyna', ...SECRET },
      { NODE_ENV: 'production' },
    ]) {
      expect(loadConfig(env).llm, JSON.stringify(env)).toBe('openai');
    }
    expect(loadConfig({ REYNA_LLM_MODEL: 'llama3' }).llmModel).toBe('llama3');
  });

  it('takes REYNA_LLM=demo with DATABASE_URL, and REYNA_LLM=openai on the embedded default', () => {
    const demo = loadConfig({
      REYNA_LLM: 'demo',
      DATABASE_URL: 'postgres://127.0.0.1/reyna',
      REYNA_LLM_DEMO_DELAY_MS: '5',
      ...SECRET,
    });
    expect(demo).toMatchObject({ llm: 'demo', llmDemoDelayMs: 5, llmModel: DEMO_MODEL });
    expect(loadConfig({ REYNA_LLM: 'openai' })).toMatchObject({
      llm: 'openai',
      llmModel: 'gpt-4o-mini',
    });
  });

  it('refuses the demo in production, beside a real LLM, and unknown values', () => {
    const refusals: [Record<string, string>, RegExp][] = [
      [
        { REYNA_LLM: 'demo', NODE_ENV: 'production' },
        /REYNA_LLM=demo is refused with NODE_ENV=production/,
      ],
      [
        { REYNA_LLM: 'demo', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', REYNA_LLM_MODEL: 'x' },
        /REYNA_LLM=demo does not use OPENAI_BASE_URL, REYNA_LLM_MODEL: unset them/,
      ],
      [{ REYNA_LLM: 'ollama' }, /REYNA_LLM must be demo or openai, got "ollama"/],
      [
        { REYNA_LLM_DEMO_DELAY_MS: '5000' },
        /REYNA_LLM_DEMO_DELAY_MS must be an integer from 0 to 1000/,
      ],
    ];
    for (const [env, message] of refusals) {
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => loadConfig(env), JSON.stringify(env)).toThrow(message);
    }
  });
});

describe('the demo endpoint', () => {
  it('writes a labelled expansion, 3-5x the input, the same for the same input', () => {
    const text = demoExpansion(PASSAGE);
    expect(text.startsWith(`${DEMO_LABEL}\n\n${PASSAGE.split('. ')[0]}.`)).toBe(true);
    expect(demoExpansion(PASSAGE)).toBe(text);
    const ratio = expansionRatio(PASSAGE, text);
    expect(ratio).toBeGreaterThanOrEqual(3);
    expect(ratio).toBeLessThanOrEqual(5.5);
  });

  it('answers the openai client as a provider would: streamed, bounded by max_tokens, unknown models refused', async () => {
    const demo = await startDemoLlm({ tokenDelayMs: 1 });
    try {
      const llm = createLlm({ baseURL: demo.url, model: DEMO_MODEL });
      const deltas: string[] = [];
      const text = await llm.stream({ model: DEMO_MODEL, system: 's', user: PASSAGE }, (d) =>
        deltas.push(d),
      );
      expect(text).toBe(demoExpansion(PASSAGE));
      expect(deltas.length).toBeGreaterThan(20);
      await expect(
        llm.stream({ model: DEMO_MODEL, system: 's', user: PASSAGE, maxTokens: 5 }, () => {}),
      ).rejects.toThrow(LlmOutputTooLongError);
      await expect(
        llm.stream({ model: 'gpt-4o', system: 's', user: PASSAGE }, () => {}),
      ).rejects.toThrow(LlmRefusedError);
    } finally {
      await demo.close();
    }
  });
});

describe('text expansion on the demo LLM', () => {
  let h: Harness;
  let url: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    h = await startHarness({
      REYNA_LLM: 'demo',
      REYNA_LLM_DEMO_DELAY_MS: '1',
      REYNA_PROCESSORS: 'all',
    });
    url = await h.app.listen();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await stopHarness(h);
  });

  async function expand(token: string, content: string) {
    const r = await h.gql(
      CreateBlobDocument,
      { input: { schemaId: 'text-input-v1', data: { content } } },
      token,
    );
    expect(r.errors).toBeUndefined();
    const id = r.data!.createBlob.id;
    let blob: Expansion | undefined;
    await eventually(async () => {
      blob = (
        await h.gql<{ blob: Expansion | null }>(
          'query($id: ID!) { blob(id: $id) { runs { status model error } derived { id data provenance } } }',
          { id },
          token,
        )
      ).data!.blob!;
      return blob.runs[0]?.status === 'SUCCEEDED' && blob.derived.length === 1;
    }, 20_000);
    return { id, run: blob!.runs[0], derived: blob!.derived[0]! };
  }

  it('streams a labelled expansion in many deltas and stores it with model "demo"', async () => {
    const token = await h.token(h.user());
    const client = wsClient(url, token);
    clients.push(client);
    const updates = subscribeWs<{ runUpdated: { status: string; textDelta: string | null } }>(
      client,
      'subscription { runUpdated(processorId: "text-expansion") { status textDelta } }',
    );
    await subscribedOn(h.app.events, token, 1);
    const { run, derived } = await expand(token, PASSAGE);
    const expected = demoExpansion(PASSAGE);
    expect(run).toMatchObject({ status: 'SUCCEEDED', model: DEMO_MODEL });
    expect(derived.data).toMatchObject({
      original: PASSAGE,
      expanded: expected,
      expansion_ratio: expansionRatio(PASSAGE, expected),
    });
    expect(derived.data.expanded.startsWith(DEMO_LABEL)).toBe(true);
    expect(derived.provenance).toMatchObject({ processorId: 'text-expansion', model: DEMO_MODEL });
    await eventually(async () => updates.items.some((u) => u.runUpdated.status === 'SUCCEEDED'));
    const deltas = updates.items.map((u) => u.runUpdated.textDelta).filter(Boolean);
    // 92 words at 1 ms or more each, published at most every 20 ms: streamed in several updates.
    expect(deltas.length).toBeGreaterThanOrEqual(4);
    expect(deltas.join('').trim()).toBe(expected);
    updates.stop();
  });

  it('expands the same input to the same text, and another input to another', async () => {
    const token = await h.token(h.user());
    const [a, b, c] = await Promise.all([
      expand(token, PASSAGE),
      expand(token, PASSAGE),
      expand(token, 'Rain fell on the old tin roof all night long.'),
    ]);
    expect(a.id).not.toBe(b.id);
    expect(b.derived.data.expanded).toBe(a.derived.data.expanded);
    expect(c.derived.data.expanded).not.toBe(a.derived.data.expanded);
    expect(c.derived.data.expanded).toBe(
      demoExpansion('Rain fell on the old tin roof all night long.'),
    );
  });

  it('offers only the demo model to users, and says which', async () => {
    const token = await h.token(h.user());
    const r = await h.gql(
      'mutation { configureProcessor(processorId: "text-expansion", config: { model: "gpt-4o" }) { id } }',
      {},
      token,
    );
    expect(r.errors![0]!.extensions.code).toBe('VALIDATION_FAILED');
    expect(r.errors![0]!.message).toMatch(/choose one of: demo/);
  });
});
