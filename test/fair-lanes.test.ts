/** Per-user lanes: turns go round-robin, per-user and total limits hold, waiting is bounded. */
import { describe, expect, it } from 'vitest';
import { FairLanes } from '../src/events/fair-lanes';

function lanes(options: { concurrency: number; perKey: number; capacity: number }) {
  const started: string[] = [];
  const finishers = new Map<string, () => void>();
  const l = new FairLanes<string>(options, (item) => {
    started.push(item);
    return new Promise<void>((resolve) => finishers.set(item, resolve));
  });
  const finish = async (item: string) => {
    finishers.get(item)!();
    // Let the lane's bookkeeping (a promise chain) run.
    await new Promise((r) => setImmediate(r));
  };
  return { l, started, finish };
}

describe('fair lanes', () => {
  it("starts another user's item after at most one more of one user's queue", async () => {
    const { l, started, finish } = lanes({ concurrency: 1, perKey: 1, capacity: 100 });
    for (let i = 0; i < 5; i++) l.push('hog', `hog${i}`);
    l.push('victim', 'victim0');
    expect(started).toEqual(['hog0']);
    // The hog's lane had taken its place in the turn before the victim arrived: one more hog
    // item, then the victim, then the hog again.
    await finish('hog0');
    await finish('hog1');
    expect(started).toEqual(['hog0', 'hog1', 'victim0']);
    await finish('victim0');
    expect(started.at(-1)).toBe('hog2');
  });

  it('keeps one user to perKey items at once, leaving the other slots to others', () => {
    const { l, started } = lanes({ concurrency: 4, perKey: 2, capacity: 100 });
    for (let i = 0; i < 5; i++) l.push('hog', `hog${i}`);
    expect(started).toEqual(['hog0', 'hog1']);
    l.push('a', 'a0');
    l.push('b', 'b0');
    expect(started).toEqual(['hog0', 'hog1', 'a0', 'b0']);
    expect(l.size).toBe(3);
  });

  it('makes producers wait for room once capacity items wait, and frees it as they start', async () => {
    const { l, finish } = lanes({ concurrency: 1, perKey: 1, capacity: 2 });
    l.push('u', 'u0');
    l.push('u', 'u1');
    l.push('u', 'u2');
    let room = false;
    void l.room().then(() => {
      room = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(room).toBe(false);
    await finish('u0');
    expect(room).toBe(true);
  });

  it('hands back the waiting items a stopping consumer owned', () => {
    const { l, started } = lanes({ concurrency: 1, perKey: 1, capacity: 10 });
    l.push('u', 'mine0');
    l.push('u', 'mine1');
    l.push('v', 'theirs0');
    expect(l.remove((item) => item.startsWith('mine'))).toEqual(['mine1']);
    expect(started).toEqual(['mine0']);
    expect(l.size).toBe(1);
  });
});
