'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { hint, input, label, primaryButton, secondaryButton } from '@/components/wizards/styles';
import type { WebhookInfo } from '@/lib/alerts/types';
import { alertsKey, sendJson } from './api';
import { FormStatus, NO_OUTCOME, type Outcome } from './form-status';

/** The webhook URL (admins see and edit it; everyone else sees whether one is configured). */
export function WebhookForm({ webhook, admin }: { webhook: WebhookInfo; admin: boolean }) {
  const [url, setUrl] = useState(webhook.url ?? '');
  const [outcome, setOutcome] = useState<Outcome>(NO_OUTCOME);
  const [busy, setBusy] = useState<'save' | 'remove' | 'test' | null>(null);
  const qc = useQueryClient();

  if (!admin) {
    return (
      <p className="text-sm text-slate-700">
        {webhook.configured
          ? 'A webhook is configured: every alert is posted once when it starts and once when it ends.'
          : 'No webhook is configured: alerts are shown here and in /metrics only.'}{' '}
        An administrator sets it.
      </p>
    );
  }

  async function put(value: string | null, what: 'save' | 'remove') {
    setBusy(what);
    const res = await sendJson<{ webhook: WebhookInfo }>('PUT', '/api/alerts/webhook', { url: value });
    setBusy(null);
    if (!res.ok) {
      setOutcome({ error: res.error, message: null });
      return;
    }
    setUrl(res.data.webhook.url ?? '');
    setOutcome({ error: null, message: res.data.webhook.configured ? 'Webhook saved.' : 'Webhook removed.' });
    await qc.invalidateQueries({ queryKey: alertsKey });
  }

  async function test() {
    setBusy('test');
    const res = await sendJson<{ ok: boolean }>('POST', '/api/alerts/webhook/test', url.trim() ? { url: url.trim() } : {});
    setBusy(null);
    if (!res.ok) setOutcome({ error: res.error, message: null });
    else setOutcome(res.data.ok ? { error: null, message: 'Test message delivered.' } : { error: 'The test message was not delivered: see the deliveries below.', message: null });
    await qc.invalidateQueries({ queryKey: alertsKey });
  }

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void put(url.trim() || null, 'save');
  };

  return (
    <form onSubmit={onSubmit} aria-label="Webhook" className="space-y-3">
      <div>
        <label htmlFor="webhook-url" className={label}>
          Webhook URL
        </label>
        <input
          id="webhook-url"
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          placeholder="https://hooks.slack.com/services/…"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          aria-describedby="webhook-url-hint"
          className={`${input} font-mono`}
        />
        <p id="webhook-url-hint" className={hint}>
          http(s) only. Cowherd POSTs JSON <code className="font-mono">{'{ event, alert, text }'}</code> (Slack-compatible{' '}
          <code className="font-mono">text</code>) once when an alert starts and once when it ends, with up to 3 tries
          (5 s timeout each). Only administrators see this URL.
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={busy !== null} className={primaryButton}>
          {busy === 'save' ? 'Saving…' : 'Save webhook'}
        </button>
        <button type="button" disabled={busy !== null || !url.trim()} onClick={() => void test()} className={secondaryButton}>
          {busy === 'test' ? 'Sending…' : 'Send a test message'}
        </button>
        {webhook.configured && (
          <button type="button" disabled={busy !== null} onClick={() => void put(null, 'remove')} className={secondaryButton}>
            Remove webhook
          </button>
        )}
      </div>
      <FormStatus {...outcome} />
    </form>
  );
}
