/**
 * The committed client-sdk/generated must be what `npm run sdk:generate` produces now: the typed
 * documents from GraphQL codegen, and content.ts from the built-in JSON Schemas.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generate } from '@graphql-codegen/cli';
import { expect, it } from 'vitest';
import config from '../codegen';
import { CONTENT_FILE, renderContentTypes } from '../codegen-content';

const root = resolve(import.meta.dirname, '..');
const OUTPUT = 'client-sdk/generated/';

async function readAll(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) {
    files.set(name, await readFile(join(dir, name), 'utf8'));
  }
  return files;
}

it('client-sdk/generated is up to date (run npm run sdk:generate)', async () => {
  const generates = config.generates as Record<string, unknown>;
  expect(Object.keys(generates)).toEqual([OUTPUT]);
  // The same configuration, written by codegen itself into a temporary folder.
  const dir = await mkdtemp(join(tmpdir(), 'sdk-drift-'));
  try {
    await generate(
      {
        ...config,
        cwd: root,
        silent: true,
        generates: { [`${dir}/`]: generates[OUTPUT] as never },
      },
      true,
    );
    const fresh = await readAll(dir);
    const committed = await readAll(join(root, OUTPUT));
    committed.delete('content.ts'); // not codegen's: checked below
    expect([...committed.keys()]).toEqual([...fresh.keys()]);
    for (const [name, content] of fresh) {
      expect(committed.get(name), `${name} drifted: run npm run sdk:generate`).toBe(content);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 30_000);

it('client-sdk/generated/content.ts is up to date with the built-in schemas (run npm run sdk:generate)', async () => {
  const committed = await readFile(join(root, CONTENT_FILE), 'utf8');
  expect(committed, 'content.ts drifted: run npm run sdk:generate').toBe(renderContentTypes());
  // Every built-in content schema has its type, keyed by its id.
  for (const id of [
    'text-input-v1',
    'expanded-text-v1',
    'compiled-book-v1',
    'pitch-sections-v1',
    'pitch-document-v1',
  ]) {
    expect(committed).toContain(`${JSON.stringify(id)}: `);
  }
});
