/**
 * The SDK as another project gets it: built with its own tsconfig, packed with `npm pack`,
 * installed from the tarball into a project outside the repository (its peers linked from this
 * repository's node_modules, offline), type-checked in strict mode through the package's
 * `exports`, and run with node against a real listening server: a query, mutations and a
 * subscription over WebSocket, typed content, and errors.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { useHarness } from './support/harness';
import { subOf } from './support/realtime';

const root = resolve(import.meta.dirname, '..');
const sdkDir = join(root, 'client-sdk');
const run = promisify(execFile);
const h = useHarness();

/** The folder of an installed package, found as Node would from this repository. */
function packageDir(name: string): string {
  const paths = createRequire(import.meta.url).resolve.paths(name) ?? [];
  const dir = paths.map((p) => join(p, name)).find((d) => existsSync(join(d, 'package.json')));
  if (!dir) throw new Error(`${name} is not installed`);
  return dir;
}

/** Runs a command; on failure, the error carries its output. */
async function sh(file: string, args: string[], cwd: string): Promise<string> {
  try {
    return (await run(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

it('builds, packs, installs from the tarball outside the repository, type-checks and runs against a server', async () => {
  const url = `${await h().app.listen()}/graphql`;
  const token = await h().token(h().user('package'));
  const dir = await mkdtemp(join(tmpdir(), 'reyna-sdk-package-'));
  try {
    // The package as `npm run sdk:build` makes it, staged apart so that parallel runs of this
    // file (one per test project) never build into the same dist/.
    const manifest = JSON.parse(await readFile(join(sdkDir, 'package.json'), 'utf8'));
    expect(
      JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).scripts['sdk:build'],
    ).toContain('tsc -p client-sdk/tsconfig.build.json');
    const stage = join(dir, 'stage');
    await mkdir(join(stage, 'generated'), { recursive: true });
    for (const f of ['package.json', 'README.md', 'generated/persisted-documents.json']) {
      await copyFile(join(sdkDir, f), join(stage, f));
    }
    const tsc = join(packageDir('typescript'), 'bin/tsc');
    await sh(
      process.execPath,
      [tsc, '-p', join(sdkDir, 'tsconfig.build.json'), '--outDir', join(stage, 'dist')],
      root,
    );
    await sh('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], stage);
    const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBe('reyna-studio-sdk-0.1.0.tgz'.replace('0.1.0', manifest.version));

    // A project of its own, outside the repository: the SDK from the tarball, its peers (and ws,
    // typescript and the Node types the program needs) linked from this repository's install.
    const project = join(dir, 'consumer');
    await mkdir(project);
    const linked = ['graphql', 'graphql-ws', 'ws', 'typescript', '@types/node', '@types/ws'];
    const dependencies: Record<string, string> = { '@reyna-studio/sdk': `file:../${tarball}` };
    for (const name of [...linked, ...Object.keys(manifest.dependencies ?? {})]) {
      dependencies[name] = `file:${packageDir(name)}`;
    }
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies }),
    );
    await sh(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'],
      project,
    );
    const installed = join(project, 'node_modules/@reyna-studio/sdk');
    expect((await lstat(installed)).isSymbolicLink()).toBe(false);
    expect(await readdir(installed)).not.toContain('index.ts');

    await copyFile(join(root, 'test/sdk-consumer/main.ts'), join(project, 'main.ts'));
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: ['node'],
          outDir: 'dist',
          // As most projects do; a type lost in the SDK's .d.ts (an unresolved import turning into
          // any) still fails, through the @ts-expect-error lines of main.ts.
          skipLibCheck: true,
        },
        files: ['main.ts'],
      }),
    );
    await sh(
      process.execPath,
      [join(project, 'node_modules/typescript/bin/tsc'), '-p', project],
      project,
    );

    const out = await sh(process.execPath, [join(project, 'dist/main.js'), url, token], project);
    const result = JSON.parse(out.trim().split('\n').pop()!);
    expect(result.userId).toBe(subOf(token));
    expect(result.noWebSocket).toBe('NO_WEBSOCKET');
    expect(result.chapterText).toBe('The ship sailed at dawn.');
    expect(result.written).toContain(result.delivered.derivedId);
    expect(result.delivered.expanded).toBe('bb');
    expect(result.invalid).toMatch(/^VALIDATION_FAILED: /);
    expect(result.wrongPath).toMatch(/^NETWORK_ERROR: .*\/graphq .*HTTP 404.*Check the url option/);
    expect(result.unreachable).toMatch(
      /^NETWORK_ERROR: Could not reach http:\/\/127\.0\.0\.1:1\/graphql .*Check the url option/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 90_000);
