/**
 * Webhook delivery: one JSON POST per alert event, retried a few times with backoff, each attempt reported to the
 * caller (which records it). Also the Slack-compatible one-line text and the URL redaction used everywhere a URL
 * is shown or stored outside the settings (a Slack webhook's path is its secret).
 */
import { formatDuration } from '@/lib/format';
import type { Alert, DeliveryEvent, WebhookPayload } from './types';

export interface AttemptResult {
  attempt: number;
  ok: boolean;
  /** HTTP status; null when no answer came. */
  status: number | null;
  error: string | null;
  durationMs: number;
  at: string;
}

export interface DeliveryOptions {
  /** Attempts in all (default 3). */
  tries?: number;
  /** Per attempt (default 5 s). */
  timeoutMs?: number;
  /** Wait before attempt 2, 3, ... (default 1 s, 4 s; the last value repeats). */
  backoffMs?: readonly number[];
  onAttempt?: (a: AttemptResult) => void;
  fetchImpl?: typeof fetch;
}

export const DEFAULT_TRIES = 3;
export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_BACKOFF_MS = [1000, 4000] as const;

/** scheme://host[:port]: what may be shown of a webhook URL to anyone and stored in the delivery records. */
export function redactUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** Whether an answer means "try again later" (a 4xx other than these will not get better by retrying). */
export function isRetryable(status: number | null): boolean {
  return status === null || status >= 500 || status === 429 || status === 408;
}

function describeError(e: unknown, timeoutMs: number): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message}: ${cause}` : err.message;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** POST `body` as JSON until a 2xx answer, a permanent failure, or the last try. Never throws. */
export async function postWithRetries(url: string, body: unknown, opts: DeliveryOptions = {}): Promise<{ ok: boolean; attempts: AttemptResult[] }> {
  const tries = Math.max(1, opts.tries ?? DEFAULT_TRIES);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const backoff = opts.backoffMs ?? DEFAULT_BACKOFF_MS;
  const doFetch = opts.fetchImpl ?? fetch;
  const json = JSON.stringify(body);
  const attempts: AttemptResult[] = [];
  for (let i = 1; i <= tries; i++) {
    const t0 = performance.now();
    const at = new Date().toISOString();
    let result: AttemptResult;
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'User-Agent': 'Cowherd-alerts' },
        body: json,
        // A redirect would send the alert somewhere the admin did not configure.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Read (and drop) the body so the connection is released.
      await res.arrayBuffer().catch(() => undefined);
      const ok = res.status >= 200 && res.status < 300;
      result = { attempt: i, ok, status: res.status, error: ok ? null : `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, durationMs: performance.now() - t0, at };
    } catch (e) {
      result = { attempt: i, ok: false, status: null, error: describeError(e, timeoutMs), durationMs: performance.now() - t0, at };
    }
    attempts.push(result);
    try {
      opts.onAttempt?.(result);
    } catch (e) {
      console.error('recording a webhook attempt failed', e);
    }
    if (result.ok) return { ok: true, attempts };
    if (!isRetryable(result.status) || i === tries) break;
    await sleep(backoff[Math.min(i - 1, backoff.length - 1)] ?? 1000);
  }
  return { ok: false, attempts };
}

/** Slack's mrkdwn needs &, < and > escaped in text. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One line for chat: "[CRITICAL] lab: vg0/s: COW area 96.00% full (rule: ≥ 95%)". */
export function alertText(event: DeliveryEvent, alert: Alert, now = Date.now()): string {
  const sev = alert.severity.toUpperCase();
  if (event === 'ended') {
    const lasted = alert.endedAt ? Date.parse(alert.endedAt) - Date.parse(alert.startedAt) : now - Date.parse(alert.startedAt);
    return slackEscape(`:white_check_mark: [RESOLVED ${sev}] ${alert.host}: ${alert.summary} (lasted ${formatDuration(lasted)})`);
  }
  const icon = alert.severity === 'critical' ? ':rotating_light:' : ':warning:';
  const prefix = event === 'test' ? '[TEST] ' : '';
  return slackEscape(`${icon} ${prefix}[${sev}] ${alert.host}: ${alert.summary}`);
}

export function webhookPayload(event: DeliveryEvent, alert: Alert, now = Date.now(), publicUrl?: string): WebhookPayload {
  const text = alertText(event, alert, now);
  if (!publicUrl) return { event, alert, text };
  // Appended, not resolved: Cowherd may be served under a path (https://example.org/cowherd).
  const url = `${publicUrl.replace(/\/+$/, '')}${alert.link?.href ?? '/alerts'}`;
  return { event, alert, text: `${text} <${slackEscape(url)}|${event === 'ended' ? 'Open in Cowherd' : (alert.link?.label ?? 'Open in Cowherd')}>`, url };
}
