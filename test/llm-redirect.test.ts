/**
 * An LLM address that redirects: the request is not followed to wherever the redirect points (a
 * prompt is a user's text), and the run fails at once saying what to change, rather than being
 * retried as a connection error. The real `openai` client against real HTTP servers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PermanentError } from '../processors/kit';
import { createLlm } from '../processors/lib/llm';
import { type FakeLlm, startFakeLlm } from './support/fake-llm';

let llm: FakeLlm;
let redirecting: Server;
let redirectUrl: string;

beforeAll(async () => {
  llm = await startFakeLlm();
  redirecting = createServer((req, res) => {
    req.resume();
    res.writeHead(307, { location: `${llm.url}${(req.url ?? '/').replace(/^\/v1/, '')}` });
    res.end();
  });
  await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
  redirectUrl = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise((resolve) => redirecting.close(resolve));
  await llm.close();
});

describe('an LLM address that redirects', () => {
  it('is not followed: the request fails for good, naming OPENAI_BASE_URL', async () => {
    const client = createLlm({ baseURL: redirectUrl, apiKey: 'key', model: 'fake-model' });
    const before = llm.requests.length;
    const failure = await client
      .stream({ model: 'fake-model', system: 'Expand.', user: 'A short passage.' }, () => {})
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(PermanentError);
    expect((failure as Error).message).toMatch(/redirect.*OPENAI_BASE_URL/);
    expect(llm.requests.length).toBe(before);
  });

  it('the address it points to answers as usual', async () => {
    llm.behaviour.reply = () => 'A longer passage, written out.';
    const client = createLlm({ baseURL: llm.url, apiKey: 'key', model: 'fake-model' });
    const deltas: string[] = [];
    const text = await client.stream(
      { model: 'fake-model', system: 'Expand.', user: 'A short passage.' },
      (d) => deltas.push(d),
    );
    expect(text).toBe('A longer passage, written out.');
    expect(deltas.join('')).toBe(text);
  });
});
