import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from './types';
import { alertText, isRetryable, postWithRetries, redactUrl, slackEscape, webhookPayload, type AttemptResult } from './webhook';

// A real HTTP server on 127.0.0.1 that answers with the next status of a script (and records what it got).
interface Receiver {
  url: string;
  bodies: unknown[];
  headers: IncomingMessage['headers'][];
  close: () => Promise<void>;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function receiver(script: (number | 'hang')[]): Promise<Receiver> {
  const bodies: unknown[] = [];
  const headers: IncomingMessage['headers'][] = [];
  let i = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      headers.push(req.headers);
      const step = script[Math.min(i++, script.length - 1)] ?? 200;
      if (step === 'hang') return; // never answers: the client's timeout must end the attempt
      res.writeHead(step, { 'Content-Type': 'text/plain' }).end(step === 200 ? 'ok' : 'nope');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/secret?token=abc`,
    bodies,
    headers,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const alert: Alert = {
  id: 7,
  key: 'fill-warning:lab:vg0/uuid',
  rule: 'fill-warning',
  severity: 'warning',
  state: 'firing',
  host: 'lab',
  vg: 'vg0',
  lv: 'web_snap',
  lvUuid: 'uuid',
  summary: 'vg0/web_snap: COW area 81.60% full (rule: ≥ 80%)',
  figures: { fillPercent: 81.6 },
  link: { label: 'Extend', href: '/hosts/lab/extend?vg=vg0&snapshot=web_snap' },
  startedAt: '2026-11-27T12:00:00.000Z',
  endedAt: null,
  updatedAt: '2026-11-27T12:00:00.000Z',
};

const fast = { backoffMs: [20, 40], timeoutMs: 2000 };

describe('postWithRetries against a real HTTP server', () => {
  it('delivers the JSON payload in one attempt when the receiver answers 2xx', async () => {
    const r = await receiver([200]);
    const attempts: AttemptResult[] = [];
    const out = await postWithRetries(r.url, webhookPayload('started', alert), { ...fast, onAttempt: (a) => attempts.push(a) });
    expect(out.ok).toBe(true);
    expect(attempts.map((a) => [a.attempt, a.ok, a.status])).toEqual([[1, true, 200]]);
    expect(r.bodies).toEqual([{ event: 'started', alert, text: ':warning: [WARNING] lab: vg0/web_snap: COW area 81.60% full (rule: ≥ 80%)' }]);
    expect(r.headers[0]?.['content-type']).toBe('application/json');
  });

  it('retries after 5xx answers and stops at the first success', async () => {
    const r = await receiver([500, 503, 200]);
    const attempts: AttemptResult[] = [];
    const out = await postWithRetries(r.url, { x: 1 }, { ...fast, onAttempt: (a) => attempts.push(a) });
    expect(out.ok).toBe(true);
    expect(attempts.map((a) => [a.attempt, a.ok, a.status, a.error])).toEqual([
      [1, false, 500, 'HTTP 500 Internal Server Error'],
      [2, false, 503, 'HTTP 503 Service Unavailable'],
      [3, true, 200, null],
    ]);
    expect(r.bodies).toHaveLength(3);
  });

  it('gives up after three tries', async () => {
    const r = await receiver([502]);
    const out = await postWithRetries(r.url, { x: 1 }, fast);
    expect(out.ok).toBe(false);
    expect(out.attempts.map((a) => a.status)).toEqual([502, 502, 502]);
    expect(r.bodies).toHaveLength(3);
  });

  it('does not retry an answer that will not change (404)', async () => {
    const r = await receiver([404, 200]);
    const out = await postWithRetries(r.url, { x: 1 }, fast);
    expect(out.ok).toBe(false);
    expect(out.attempts.map((a) => a.status)).toEqual([404]);
    expect(r.bodies).toHaveLength(1);
  });

  it('ends an attempt that gets no answer at the timeout, and retries', async () => {
    const r = await receiver(['hang', 200]);
    const t0 = Date.now();
    const out = await postWithRetries(r.url, { x: 1 }, { ...fast, timeoutMs: 300 });
    expect(out.ok).toBe(true);
    expect(out.attempts.map((a) => [a.status, a.error])).toEqual([
      [null, 'timed out after 300 ms'],
      [200, null],
    ]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
  });

  it('records a refused connection as an attempt without a status', async () => {
    const r = await receiver([200]);
    await r.close();
    servers.length = 0;
    const out = await postWithRetries(r.url, { x: 1 }, { ...fast, tries: 2 });
    expect(out.ok).toBe(false);
    expect(out.attempts).toHaveLength(2);
    expect(out.attempts[0]?.status).toBeNull();
    expect(out.attempts[0]?.error).toMatch(/ECONNREFUSED/);
  });
});

describe('texts and redaction', () => {
  it('shows only scheme, host and port of a webhook URL', () => {
    expect(redactUrl('https://hooks.slack.com/services/T0/B0/XyZ?x=1')).toBe('https://hooks.slack.com');
    expect(redactUrl('http://127.0.0.1:9999/hook')).toBe('http://127.0.0.1:9999');
    expect(redactUrl('not a url')).toBe('(invalid URL)');
  });
  it('escapes Slack mrkdwn control characters', () => {
    expect(slackEscape('a <b> & c')).toBe('a &lt;b&gt; &amp; c');
  });
  it('writes one line per event', () => {
    expect(alertText('started', { ...alert, severity: 'critical' })).toBe(
      ':rotating_light: [CRITICAL] lab: vg0/web_snap: COW area 81.60% full (rule: ≥ 80%)',
    );
    expect(alertText('ended', { ...alert, state: 'resolved', endedAt: '2026-11-27T12:12:00.000Z' })).toBe(
      ':white_check_mark: [RESOLVED WARNING] lab: vg0/web_snap: COW area 81.60% full (rule: ≥ 80%) (lasted 12 min)',
    );
  });
  it('links to the wizard that helps when the public address is known, and carries no link otherwise', () => {
    const linked = { ...alert, link: { label: 'Extend', href: '/hosts/lab/extend?vg=vg0&snapshot=web_snap' } };
    expect(webhookPayload('started', linked)).not.toHaveProperty('url');
    const p = webhookPayload('started', linked, Date.now(), 'https://cowherd.example.org/ops');
    expect(p.url).toBe('https://cowherd.example.org/ops/hosts/lab/extend?vg=vg0&snapshot=web_snap');
    expect(p.text).toMatch(/ <https:\/\/cowherd\.example\.org\/ops\/hosts\/lab\/extend\?vg=vg0&amp;snapshot=web_snap\|Extend>$/);
    expect(webhookPayload('ended', { ...alert, link: null }, Date.now(), 'https://c.example').url).toBe('https://c.example/alerts');
  });
  it('retries only what may succeed later', () => {
    expect([null, 500, 503, 429, 408].every(isRetryable)).toBe(true);
    expect([400, 401, 403, 404, 410].some(isRetryable)).toBe(false);
  });
});
