import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it.each([
    [1, 5],
    [2, 6],
    [3, 2],
  ])('size %i: at most that many of %i tasks run at once, in order of arrival', async (size, n) => {
    const s = new Semaphore(size);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const release: (() => void)[] = [];
    const tasks = Array.from({ length: n }, (_, i) =>
      s.run(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => release.push(r));
        running--;
        return i;
      }),
    );
    // Release one at a time as they start.
    for (let done = 0; done < n; done++) {
      await new Promise((r) => setTimeout(r, 1));
      release.shift()?.();
    }
    expect(await Promise.all(tasks)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(peak).toBe(Math.min(size, n));
    expect(started).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(s.stats()).toEqual({ active: 0, waiting: 0, peak: Math.min(size, n) });
  });

  it('frees the slot when a task fails', async () => {
    const s = new Semaphore(1);
    await expect(s.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await s.run(() => Promise.resolve(7))).toBe(7);
  });
});
