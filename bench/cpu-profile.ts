/**
 * CPU profiles for the benchmarks: started and stopped around a measured window with the
 * inspector (this process's main thread), written as a V8 profile (`<name>.cpuprofile`: Chrome's
 * DevTools, Performance panel, or speedscope show the flame graph) and folded stacks
 * (`<name>.folded`, the input of flamegraph tools), and summarised as self time by area (our
 * folders, each library) and the hottest functions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { fmt } from './support';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: a library's name, a folder of ours, or what V8 calls it. */
export function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (lib) return lib[1]!;
  const ours = /\/(src|processors|bench)\/(.*?)(?:\/[^/]+)?$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]?.split('/')[0] ?? ''}`.replace(/\/$/, '');
  if (url.startsWith('node:')) return url.split('/')[0]!;
  return url;
}

/** Self time per area and per function, and folded stacks, from a V8 CPU profile. */
export function summarise(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  const folded = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/(src|processors|bench)\//, '$1/')}:${lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
    const stack: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      stack.push(`${f.functionName || '(anonymous)'} [${areaOf(f.url, f.functionName)}]`);
    }
    const key = stack.reverse().join(';');
    folded.set(key, (folded.get(key) ?? 0) + us);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { total, areas: top(areas, 25), functions: top(functions, 30), folded };
}

/** Starts sampling every 200 us; `stop` ends it and gives the profile. */
export async function startProfile(): Promise<{ stop(): Promise<Profile> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
      session.disconnect();
      return profile;
    },
  };
}

/** Writes `<dir>/<name>.cpuprofile` and `.folded`, and prints self time by area and function. */
export function printProfile(profile: Profile, dir: string, name: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  const summary = summarise(profile);
  writeFileSync(
    join(dir, `${name}.folded`),
    [...summary.folded.entries()].map(([k, us]) => `${k} ${Math.round(us)}`).join('\n'),
  );
  const pct = (us: number) => `${fmt((100 * us) / summary.total, 1)}%`.padStart(6);
  console.log('self time by area');
  for (const [area, us] of summary.areas) console.log(`  ${pct(us)}  ${area}`);
  console.log('\nhottest functions (self time)');
  for (const [fn, us] of summary.functions) console.log(`  ${pct(us)}  ${fn}`);
  console.log(
    `\nprofile: ${join(dir, `${name}.cpuprofile`)}, folded stacks: ${join(dir, `${name}.folded`)}`,
  );
}
