import { describe, expect, it } from 'vitest';
import { applyRetention, isoWeek, type RetentionItem } from './retention';

const series = (times: string[], extra: Partial<Record<number, Partial<RetentionItem>>> = {}): RetentionItem[] =>
  times.map((time, i) => ({ id: `s${i}`, time, ...extra[i] }));
const kept = (d: ReturnType<typeof applyRetention>) => d.filter((x) => x.mark !== 'prune').map((x) => x.id).sort();

describe('applyRetention (PBS prune semantics)', () => {
  it('keep-last N keeps the N newest, whatever their times', () => {
    const d = applyRetention(series(['2026-11-30T01:00Z', '2026-11-30T01:01Z', '2026-11-30T01:02Z', '2026-11-30T01:03Z']), { keepLast: 2 });
    expect(kept(d)).toEqual(['s2', 's3']);
    expect(d.find((x) => x.id === 's3')?.reason).toBe('keep-last (1 of 2)');
    expect(d.find((x) => x.id === 's0')).toMatchObject({ mark: 'prune', reason: 'not kept by any option' });
  });

  it('keep-daily keeps the newest of each day; days without a run do not count', () => {
    // Three days with runs spread over a week with gaps.
    const d = applyRetention(
      series(['2026-11-20T08:00Z', '2026-11-20T20:00Z', '2026-11-24T09:00Z', '2026-11-24T23:00Z', '2026-11-30T06:00Z']),
      { keepDaily: 3 },
    );
    expect(kept(d)).toEqual(['s1', 's3', 's4']);
    expect(d.find((x) => x.id === 's2')?.reason).toBe('keep-daily: a newer item of 2026-11-24 is kept');
  });

  it('applies options in order; a later option does not count a period an earlier one kept', () => {
    // keep-last 1 keeps today's; keep-daily 2 then keeps yesterday and the day before (today is already kept).
    const d = applyRetention(series(['2026-11-28T10:00Z', '2026-11-29T10:00Z', '2026-11-30T09:00Z', '2026-11-30T10:00Z']), { keepLast: 1, keepDaily: 2 });
    expect(kept(d)).toEqual(['s0', 's1', 's3']);
  });

  it('protected items are always kept and never count', () => {
    const d = applyRetention(series(['2026-11-30T01:00Z', '2026-11-30T02:00Z', '2026-11-30T03:00Z'], { 2: { protected: true } }), { keepLast: 1 });
    expect(kept(d)).toEqual(['s1', 's2']);
    expect(d.find((x) => x.id === 's2')?.mark).toBe('protected');
  });

  it('keeps everything when no option is set', () => {
    expect(kept(applyRetention(series(['2026-11-30T01:00Z', '2026-11-30T02:00Z']), {}))).toEqual(['s0', 's1']);
  });

  it('keep-monthly skips a month without runs (October) and reaches back to September', () => {
    const d = applyRetention(series(['2026-09-10T00:00Z', '2026-09-20T00:00Z', '2026-11-01T00:00Z', '2026-11-29T00:00Z']), { keepMonthly: 2 });
    expect(kept(d)).toEqual(['s1', 's3']);
  });

  it('periods are in the policy time zone: 23:30 UTC is the next day in Berlin', () => {
    const times = ['2026-07-01T21:00Z', '2026-07-01T23:30Z'];
    expect(kept(applyRetention(series(times), { keepDaily: 2 }, 'UTC'))).toEqual(['s1']);
    expect(kept(applyRetention(series(times), { keepDaily: 2 }, 'Europe/Berlin'))).toEqual(['s0', 's1']);
  });

  it('daylight saving in Europe/Berlin: the doubled hour of 25 Oct 2026 is two hourly periods in UTC but one local hour', () => {
    // 02:30 CEST (00:30Z) and 02:30 CET (01:30Z) are both local 02:xx on 2026-10-25.
    const times = ['2026-10-25T00:30Z', '2026-10-25T01:30Z', '2026-10-25T02:30Z'];
    expect(kept(applyRetention(series(times), { keepHourly: 3 }, 'Europe/Berlin'))).toEqual(['s1', 's2']);
    expect(kept(applyRetention(series(times), { keepHourly: 3 }, 'UTC'))).toEqual(['s0', 's1', 's2']);
  });

  it('daylight saving in spring: the day of 29 Mar 2026 (23 hours) is still one daily period', () => {
    const times = ['2026-03-28T23:30Z', '2026-03-29T21:30Z']; // 00:30 CET and 23:30 CEST, both on the 29th
    expect(kept(applyRetention(series(times), { keepDaily: 5 }, 'Europe/Berlin'))).toEqual(['s1']);
  });

  it('keep-weekly uses ISO weeks, and an item pruned by it is not rescued by keep-monthly', () => {
    // 2026-11-30 is a Monday; Sat 28 and Sun 29 Nov are ISO week 48; Mon 30 Nov week 49.
    const d = applyRetention(series(['2026-11-28T12:00Z', '2026-11-29T12:00Z', '2026-11-30T12:00Z']), { keepWeekly: 2, keepMonthly: 3 });
    expect(kept(d)).toEqual(['s1', 's2']);
    expect(d.find((x) => x.id === 's0')?.reason).toBe('keep-weekly: a newer item of 2026-W48 is kept');
  });
});

describe('isoWeek', () => {
  it.each([
    [2026, 11, 30, 2026, 49],
    [2027, 1, 1, 2026, 53], // a Friday: belongs to the last week of 2026
    [2024, 12, 30, 2025, 1],
    [2026, 1, 1, 2026, 1],
  ])('%i-%i-%i is %i-W%i', (y, m, d, wy, w) => {
    expect(isoWeek(y, m, d)).toEqual({ year: wy, week: w });
  });
});
