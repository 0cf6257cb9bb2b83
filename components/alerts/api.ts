'use client';

import type { AlertsResponse } from '@/lib/alerts/types';

export const alertsKey = ['alerts'] as const;

export async function fetchAlerts(): Promise<AlertsResponse> {
  const res = await fetch('/api/alerts', { cache: 'no-store' });
  const body = (await res.json().catch(() => ({}))) as AlertsResponse & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

export type SendResult<T> = { ok: true; data: T } | { ok: false; error: string };

/** PUT/POST JSON to the alerts API (same origin: the browser sends Origin, the session cookie goes along). */
export async function sendJson<T>(method: 'PUT' | 'POST', url: string, body: unknown): Promise<SendResult<T>> {
  try {
    const res = await fetch(url, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const data = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (!res.ok) return { ok: false, error: data.error ?? `HTTP ${res.status}` };
    return { ok: true, data };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}
