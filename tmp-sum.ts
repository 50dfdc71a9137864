import { readFileSync, readdirSync } from 'node:fs';
import { summarise } from './bench/profile';
const dir = process.argv[2]!;
const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
const s = summarise(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')));
const pct = (us: number) => ((100 * us) / s.total).toFixed(1).padStart(5);
for (const [a, us] of s.areas) console.log(pct(us), a);
console.log('---');
for (const [f, us] of s.functions) console.log(pct(us), f);
// inclusive: folded stacks containing a marker
const markers = process.argv.slice(3);
for (const m of markers) {
  let t = 0;
  for (const [k, us] of s.folded) if (k.includes(m)) t += us;
  console.log('incl', pct(t), m);
}
