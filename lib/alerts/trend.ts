/**
 * The fill trend of a classic snapshot's COW area, from the samples the sampler recorded: the one figure for time
 * to full that the Snapshots page, the wizards, the alert rules, the webhook and /metrics all use. Pure and
 * browser-safe.
 *
 * Decisions:
 * - Only the samples after the last drop count: an extension lowers the percentage, and only the samples since
 *   then describe the current COW area.
 * - A trend is reliable only with TREND_MIN_SAMPLES samples spanning at least TREND_MIN_SPAN_MS since that drop.
 *   Right after a burst of writes two samples a few seconds apart give a rate of thousands of %/h and "full in
 *   9 s"; until the window is long enough the trend says so (reliable: false) instead of giving a figure.
 */

export interface Sample {
  /** Epoch ms. */
  at: number;
  percent: number;
}

/** Window of COW samples a trend is computed over. */
export const TREND_WINDOW_MS = 2 * 3_600_000;
/** A trend is reliable only with this many samples, over at least this long, since the last drop. */
export const TREND_MIN_SAMPLES = 3;
export const TREND_MIN_SPAN_MS = 60_000;
/** Below this rate (percentage points per hour) a snapshot is not filling: no time to full. */
export const FILLING_MIN_RATE = 0.01;

export interface FillTrend {
  /** Percentage points per hour (least squares over the samples since the last drop); null when not reliable. */
  ratePerHour: number | null;
  /** Hours until 100 % at that rate; null when not reliable or not filling. */
  hoursToFull: number | null;
  /** False while the history is too short to trust (see TREND_MIN_SAMPLES and TREND_MIN_SPAN_MS). */
  reliable: boolean;
}

const UNRELIABLE: FillTrend = { ratePerHour: null, hoursToFull: null, reliable: false };

/** The samples that describe the current COW area: those after the last drop of more than half a point. */
export function sinceLastDrop<T extends Sample>(samples: readonly T[]): readonly T[] {
  let start = 0;
  for (let i = 1; i < samples.length; i++) {
    if ((samples[i]?.percent ?? 0) < (samples[i - 1]?.percent ?? 0) - 0.5) start = i;
  }
  return samples.slice(start);
}

/** The fill trend of `samples` (oldest first); `current` is the fill now, if newer than the last sample. */
export function fillTrend(samples: readonly Sample[], current?: number): FillTrend {
  const s = sinceLastDrop(samples);
  const first = s[0];
  const last = s[s.length - 1];
  if (!first || !last || s.length < TREND_MIN_SAMPLES || last.at - first.at < TREND_MIN_SPAN_MS) return UNRELIABLE;
  const xs = s.map((p) => (p.at - first.at) / 3_600_000);
  const ys = s.map((p) => p.percent);
  const n = s.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] ?? 0) - mx) * ((ys[i] ?? 0) - my);
    den += ((xs[i] ?? 0) - mx) ** 2;
  }
  if (den === 0) return UNRELIABLE;
  const rate = num / den;
  const now = current ?? last.percent;
  const hoursToFull = rate > FILLING_MIN_RATE ? Math.max(0, (100 - now) / rate) : null;
  return { ratePerHour: rate, hoursToFull, reliable: true };
}
