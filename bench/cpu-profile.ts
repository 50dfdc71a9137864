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

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/**
 * Samples where this process's main thread allocates (V8's sampling heap profiler, one sample
 * per 8 KB on average, counting also what the young- and old-generation collectors later freed:
 * what a passage allocates, not what it keeps). `stop` prints bytes by area and function.
 */
export async function startAllocationProfile(): Promise<{
  stop(perUnit: number, unit: string): Promise<void>;
}> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 8192,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return {
    async stop(perUnit, unit) {
      const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
        profile: { head: SamplingNode };
      };
      session.disconnect();
      const areas = new Map<string, number>();
      const functions = new Map<string, number>();
      /** Bytes by the first of our frames (or the bench's) below the allocation. */
      const callers = new Map<string, number>();
      let total = 0;
      const walk = (node: SamplingNode, ours: string) => {
        const { functionName, url, lineNumber } = node.callFrame;
        const area = areaOf(url, functionName);
        const here = /^(src|processors|bench)\//.test(area)
          ? `${functionName || '(anonymous)'} ${area}:${lineNumber + 1}`
          : ours;
        if (node.selfSize > 0) {
          total += node.selfSize;
          areas.set(area, (areas.get(area) ?? 0) + node.selfSize);
          const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/(src|processors|bench|test)\//, '$1/')}:${lineNumber + 1}`;
          functions.set(fn, (functions.get(fn) ?? 0) + node.selfSize);
          callers.set(here, (callers.get(here) ?? 0) + node.selfSize);
        }
        for (const c of node.children) walk(c, here);
      };
      walk(profile.head, '(none of ours)');
      const kb = (bytes: number) => `${fmt(bytes / 1024 / perUnit, 1).padStart(7)} KB`;
      console.log(`allocated: ${kb(total)} per ${unit} (sampled)`);
      const top = (m: Map<string, number>, n: number) =>
        [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
      console.log('by area (where the allocation was made)');
      for (const [k, v] of top(areas, 20)) console.log(`  ${kb(v)}  ${k}`);
      console.log('by the nearest of our functions below it');
      for (const [k, v] of top(callers, 30)) console.log(`  ${kb(v)}  ${k}`);
      console.log('by function');
      for (const [k, v] of top(functions, 40)) console.log(`  ${kb(v)}  ${k}`);
    },
  };
}
