import { describe, expect, it } from 'vitest';
import { fillTrend, TREND_MIN_SPAN_MS } from './trend';

const H = 3_600_000;

describe('fillTrend', () => {
  it('is not reliable with fewer than three samples', () => {
    expect(fillTrend([{ at: 0, percent: 10 }])).toEqual({ ratePerHour: null, hoursToFull: null, reliable: false });
    expect(fillTrend([{ at: 0, percent: 10 }, { at: H, percent: 20 }]).reliable).toBe(false);
  });

  it('is not reliable until the samples span a minute: a burst of writes does not give "full in 9 s"', () => {
    // Three polls 5 s apart right after 40 % was written: 2 880 %/h, "full in 9 s" before the minimum window.
    const burst = [0, 5_000, 10_000].map((at, i) => ({ at, percent: 20 + 40 * i }));
    expect(fillTrend(burst)).toEqual({ ratePerHour: null, hoursToFull: null, reliable: false });
    expect(fillTrend([0, 30_000, 59_999].map((at, i) => ({ at, percent: i })))).toMatchObject({ reliable: false });
    const t = fillTrend([0, 30_000, TREND_MIN_SPAN_MS].map((at, i) => ({ at, percent: 10 + i })));
    expect(t.reliable).toBe(true);
    expect(t.ratePerHour).toBeCloseTo(120);
    expect(t.hoursToFull).toBeCloseTo(88 / 120);
  });

  it('fits a steady fill and projects the time to full', () => {
    const t = fillTrend([0, 1, 2, 3].map((h) => ({ at: h * H, percent: 10 + 5 * h })));
    expect(t.ratePerHour).toBeCloseTo(5);
    expect(t.hoursToFull).toBeCloseTo(15);
    // From the fill now, if newer than the last sample.
    expect(fillTrend([0, 1, 2, 3].map((h) => ({ at: h * H, percent: 10 + 5 * h })), 50).hoursToFull).toBeCloseTo(10);
  });

  it('says nothing about time to full when the fill is flat', () => {
    const t = fillTrend([0, 1, 2].map((h) => ({ at: h * H, percent: 40 })));
    expect(t).toEqual({ ratePerHour: 0, hoursToFull: null, reliable: true });
  });

  it('starts over after an extension lowered the percentage', () => {
    const t = fillTrend([
      { at: 0, percent: 60 },
      { at: H, percent: 80 },
      { at: 2 * H, percent: 40 },
      { at: 3 * H, percent: 42 },
      { at: 4 * H, percent: 44 },
    ]);
    expect(t.ratePerHour).toBeCloseTo(2);
    // Only two samples since the drop would not be enough.
    expect(fillTrend([{ at: 0, percent: 60 }, { at: H, percent: 80 }, { at: 2 * H, percent: 40 }, { at: 3 * H, percent: 42 }]).reliable).toBe(false);
  });
});
