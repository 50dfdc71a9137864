/**
 * Processors are guests: a processor imports the kit, the shared `processors/lib/` and packages,
 * never another processor and never the server (src/ may import processors, not the reverse).
 * `processors/index.ts` is the wiring file and may also import each processor's folder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../processors', import.meta.url));

/** Every module specifier a source imports, statically, dynamically or through require. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s+['"]([^'"]+)['"]/g,
    /\bimport\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1]!);
  return found;
}

/** The first segment of a path inside processors/: `kit.ts`, `lib`, `index.ts`, a folder. */
const topOf = (pathInside: string) => pathInside.split(sep)[0]!;

/**
 * Why `specifier` may not be imported by the file at `file` (a path inside processors/), or
 * null when it may: relative imports must stay inside processors/, and reach only the file's own
 * folder, the kit or lib (and, from index.ts, a processor's folder).
 */
function violation(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = relative(ROOT, resolve(ROOT, dirname(file), specifier));
  if (target.startsWith('..')) return `imports "${specifier}", outside processors/`;
  const from = topOf(file);
  const to = topOf(target);
  if (to === 'kit' || to === 'kit.ts' || to === 'lib' || to === from) return null;
  if (from === 'index.ts' && to !== 'index.ts') return null;
  if (from === 'lib' || from === 'kit.ts')
    return `imports "${specifier}": the kit and lib import only each other`;
  return `imports "${specifier}", another processor's folder (share it through processors/lib/)`;
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

describe('processor boundaries', () => {
  it('no processor imports another processor or anything outside the kit and lib', () => {
    const found: string[] = [];
    for (const path of sources(ROOT)) {
      const file = relative(ROOT, path);
      for (const specifier of specifiers(readFileSync(path, 'utf8'))) {
        const why = violation(file, specifier);
        if (why) found.push(`processors/${file} ${why}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('reads every processor folder, the kit and lib', () => {
    const tops = new Set(sources(ROOT).map((p) => topOf(relative(ROOT, p))));
    for (const expected of ['kit.ts', 'index.ts', 'lib', 'text-expansion', 'book-compiler'])
      expect(tops).toContain(expected);
  });

  it('tells apart what is allowed from what is not', () => {
    const at = (...parts: string[]) => join(...parts);
    expect(violation(at('book-compiler', 'index.ts'), '../kit')).toBeNull();
    expect(violation(at('book-compiler', 'index.ts'), '../lib/text-metrics')).toBeNull();
    expect(violation(at('book-compiler', 'formats', 'pdf.ts'), '../../lib/pdf-text')).toBeNull();
    expect(violation(at('book-compiler', 'formats', 'pdf.ts'), '../render')).toBeNull();
    expect(violation(at('book-compiler', 'index.ts'), 'docx')).toBeNull();
    expect(violation('index.ts', './pitch-builder/index')).toBeNull();
    expect(violation(at('book-compiler', 'index.ts'), '../text-expansion/index')).toMatch(
      /another processor/,
    );
    expect(violation(at('pitch-builder', 'render.ts'), '../../src/errors')).toMatch(
      /outside processors/,
    );
    expect(violation(at('lib', 'llm.ts'), '../text-expansion/index')).toMatch(/kit and lib/);
    expect(specifiers("import a from './a';\nconst b = await import('../b');")).toEqual([
      './a',
      '../b',
    ]);
  });
});
