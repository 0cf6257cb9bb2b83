import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { recordSamples } from '@/lib/store/samples';
import { openDb, type Db } from '@/lib/store/sqlite';
import { labInventory, MiB, type InventoryOptions } from './fixtures';
import { createAlertProcessor, type ExtendOutcome } from './processor';
import { firingAlerts, listDeliveries, savePolicies, saveRules, setWebhookUrl } from './store';
import type { WebhookPayload } from './types';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A webhook receiver on 127.0.0.1 answering `status` (a function of the request number). */
async function receiver(status: (n: number) => number = () => 200) {
  const got: WebhookPayload[] = [];
  let n = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload);
      res.writeHead(status(++n)).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/secret`, got };
}

const T0 = Date.parse('2026-11-27T12:00:00Z');

/** A processor on an in-memory DB whose "jobs" are rows the test finishes by hand. */
function setup(opts: { extendResult?: ExtendOutcome } = {}) {
  const db = openDb(':memory:');
  let clock = T0;
  const calls: { host: string; vg: string; snapshot: string; addBytes: number }[] = [];
  const p = createAlertProcessor({
    db,
    now: () => clock,
    delivery: { backoffMs: [10, 10], timeoutMs: 2000 },
    log: () => undefined,
    extend: (host, params) => {
      calls.push({ host, ...params });
      if (opts.extendResult) return Promise.resolve(opts.extendResult);
      const id = Number(
        db
          .prepare(`INSERT INTO jobs (host, operation, params, username, status, lock_key, created_at) VALUES (?, 'extend-snapshot', ?, 'cowherd-autoextend', 'running', ?, ?)`)
          .run(host, JSON.stringify(params), `${host}:${params.vg}`, new Date(clock).toISOString()).lastInsertRowid,
      );
      return Promise.resolve({ ok: true, jobId: id });
    },
  });
  const finishJobs = (status: 'succeeded' | 'failed', error: string | null = null) =>
    db.prepare(`UPDATE jobs SET status = ?, error = ?, ended_at = ? WHERE status = 'running'`).run(status, error, new Date(clock).toISOString());
  return {
    db,
    p,
    calls,
    finishJobs,
    tick: (ms: number) => (clock += ms),
    now: () => clock,
  };
}

/** An inventory read that began at the current clock (and took 800 ms). */
const inv = (s: { now: () => number }, snap: InventoryOptions['snap'], vg0?: InventoryOptions['vg0']) =>
  labInventory({ at: s.now(), snap, vg0 });

describe('alert processor: notifications', () => {
  it('delivers one "started" while the condition holds over many polls, then one "ended"', async () => {
    const s = setup();
    const r = await receiver();
    setWebhookUrl(s.db, r.url);
    for (let i = 0; i < 6; i++) {
      s.p.onInventory(inv(s, { cowPercent: 81 + i * 0.1 }));
      s.tick(2000);
    }
    await s.p.idle();
    expect(r.got.map((g) => [g.event, g.alert.rule])).toEqual([['started', 'fill-warning']]);
    expect(r.got[0]?.text).toBe(':warning: [WARNING] lab: vg0/web_snap: COW area 81.00% full (rule: ≥ 80%)');
    expect(r.got[0]?.alert).toMatchObject({ host: 'lab', vg: 'vg0', lv: 'web_snap', state: 'firing', figures: { fillPercent: 81 } });

    s.p.onInventory(inv(s, { cowPercent: 40 }));
    s.p.onInventory(inv(s, { cowPercent: 40 }));
    await s.p.idle();
    expect(r.got.map((g) => [g.event, g.alert.state])).toEqual([['started', 'firing'], ['ended', 'resolved']]);
    const d = listDeliveries(s.db);
    expect(d.map((x) => [x.event, x.ok, x.status, x.attempt, x.target])).toEqual([
      ['ended', true, 200, 1, new URL(r.url).origin],
      ['started', true, 200, 1, new URL(r.url).origin],
    ]);
    expect(s.db.prepare('SELECT notify_start, notify_end FROM alerts').get()).toEqual({ notify_start: 'sent', notify_end: 'sent' });
  });

  it('retries a failing receiver and records every attempt', async () => {
    const s = setup();
    const r = await receiver((n) => (n < 3 ? 500 : 200));
    setWebhookUrl(s.db, r.url);
    s.p.onInventory(inv(s, { cowPercent: 100, invalid: true, attr: 'swi-I-s---' }));
    await s.p.idle();
    expect(r.got).toHaveLength(3);
    expect(listDeliveries(s.db).map((d) => [d.attempt, d.ok, d.status]).reverse()).toEqual([
      [1, false, 500],
      [2, false, 500],
      [3, true, 200],
    ]);
  });

  it('sends nothing (and records nothing) without a webhook, and does not send it later', async () => {
    const s = setup();
    s.p.onInventory(inv(s, { cowPercent: 96 }));
    await s.p.idle();
    expect(firingAlerts(s.db).map((a) => a.rule).sort()).toEqual(['fill-critical', 'fill-warning']);
    expect(listDeliveries(s.db)).toEqual([]);
    const r = await receiver();
    setWebhookUrl(s.db, r.url);
    s.p.onInventory(inv(s, { cowPercent: 96 }));
    expect(s.p.resendPending()).toBe(0);
    await s.p.idle();
    expect(r.got).toEqual([]);
  });

  it('after a restart, sends what was left unsent', async () => {
    const s = setup();
    const r = await receiver();
    s.p.onInventory(inv(s, { cowPercent: 85 })); // the alert starts...
    // ...and the server stops before the delivery: simulate by resetting the mark.
    await s.p.idle();
    s.db.prepare(`UPDATE alerts SET notify_start = 'pending'`).run();
    setWebhookUrl(s.db, r.url);
    const fresh = createAlertProcessor({ db: s.db, extend: () => Promise.reject(new Error('no')), now: s.now, log: () => undefined });
    expect(fresh.resendPending()).toBe(1);
    await fresh.idle();
    expect(r.got.map((g) => g.event)).toEqual(['started']);
  });
});

describe('alert processor: test message', () => {
  it('posts a test event to the given URL and records it without an alert', async () => {
    const s = setup();
    const r = await receiver();
    expect(await s.p.sendTest(r.url)).toBe(true);
    expect(r.got.map((g) => [g.event, g.text])).toEqual([['test', ':warning: [TEST] [WARNING] cowherd: test message from Cowherd: the webhook works']]);
    expect(listDeliveries(s.db).map((d) => [d.event, d.alertId, d.alertKey, d.ok])).toEqual([['test', null, 'test', true]]);
  });
});

describe('alert processor: host reachability', () => {
  it('raises "host unreachable" at the second distinct failed read and ends it at the first success', () => {
    const s = setup();
    const fail = (at: string) => s.p.onHostCheck('lab', { reachable: false, error: 'ssh: Connection refused', errorAt: at });
    expect(fail('t1').started).toEqual([]);
    expect(fail('t1').started).toEqual([]); // the same failed read seen twice counts once
    expect(s.p.hostHealth('lab')).toMatchObject({ reachable: false, failures: 1 });
    expect(fail('t2').started.map((a) => a.key)).toEqual(['host-unreachable:lab']);
    expect(fail('t3').started).toEqual([]);
    s.p.onInventory(inv(s, {}));
    expect(firingAlerts(s.db)).toEqual([]);
    expect(s.p.hostHealth('lab')).toMatchObject({ reachable: true, failures: 0, lastDurationS: 0.8 });
  });
});

describe('alert processor: auto-extend', () => {
  const policy = (enabled = true, maxSizeBytes: number | null = null) => ({
    default: { enabled: false, thresholdPercent: 70, growPercent: 50, maxSizeBytes: null },
    snapshots: [{ host: 'lab', vg: 'vg0', snapshot: 'web_snap', enabled, thresholdPercent: 70, growPercent: 50, maxSizeBytes }],
  });

  it('extends once per crossing: never while the job runs, never on a read older than its end', async () => {
    const s = setup();
    savePolicies(s.db, policy());
    const first = s.p.onInventory(inv(s, { cowPercent: 60 }));
    expect(first.extensions).toEqual([]);
    s.tick(2000);
    await Promise.all(s.p.onInventory(inv(s, { cowPercent: 75 })).extensions);
    expect(s.calls).toEqual([{ host: 'lab', vg: 'vg0', snapshot: 'web_snap', addBytes: 16 * MiB }]);
    // While the job runs, more polls see the same fill: no second job.
    for (let i = 0; i < 3; i++) {
      s.tick(2000);
      await Promise.all(s.p.onInventory(inv(s, { cowPercent: 76 })).extensions);
    }
    expect(s.calls).toHaveLength(1);
    // The job ends; a read that began before that (and ends after it) still shows the old size: ignored.
    s.tick(500);
    s.finishJobs('succeeded');
    s.tick(300);
    await Promise.all(s.p.onInventory(labInventory({ at: s.now() - 800, snap: { cowPercent: 76 } })).extensions);
    expect(s.calls).toHaveLength(1);
    // A fresh read after the extension: 48 MiB at 51 %, nothing to do.
    s.tick(2000);
    await Promise.all(s.p.onInventory(inv(s, { cowPercent: 51, sizeBytes: 48 * MiB })).extensions);
    expect(s.calls).toHaveLength(1);
    // It fills again past 70 %: a second extension, by 50 % of 48 MiB.
    s.tick(2000);
    await Promise.all(s.p.onInventory(inv(s, { cowPercent: 71, sizeBytes: 48 * MiB })).extensions);
    expect(s.calls.map((c) => c.addBytes)).toEqual([16 * MiB, 24 * MiB]);
    expect(firingAlerts(s.db).filter((a) => a.rule === 'autoextend-blocked')).toEqual([]);
  });

  it('does nothing with the policies off (the default)', async () => {
    const s = setup();
    await Promise.all(s.p.onInventory(inv(s, { cowPercent: 99 })).extensions);
    expect(s.calls).toEqual([]);
  });

  it('raises "cannot auto-extend" when the VG is full or the cap is reached, and ends it when it is extended', async () => {
    const s = setup();
    const r = await receiver();
    setWebhookUrl(s.db, r.url);
    saveRules(s.db, [{ id: 'fill-warning', enabled: false, severity: 'warning', threshold: 80 }]);
    savePolicies(s.db, policy());
    await Promise.all(s.p.onInventory(inv(s, { cowPercent: 75 }, { freeBytes: 0 })).extensions);
    expect(s.calls).toEqual([]);
    expect(firingAlerts(s.db).map((a) => a.summary)).toEqual(['cannot auto-extend vg0/web_snap: 75.00% full; no free space in vg0 (0 B free)']);

    savePolicies(s.db, policy(true, 32 * MiB));
    s.p.onInventory(inv(s, { cowPercent: 78 }));
    expect(firingAlerts(s.db).map((a) => a.summary)).toEqual([
      'cannot auto-extend vg0/web_snap: 78.00% full; the cap of 32 MiB is reached (COW area 32 MiB)',
    ]);
    // An administrator extends it by hand: below the threshold, the alert ends.
    s.p.onInventory(inv(s, { cowPercent: 40, sizeBytes: 64 * MiB }));
    await s.p.idle();
    expect(firingAlerts(s.db)).toEqual([]);
    expect(r.got.map((g) => [g.event, g.alert.rule])).toEqual([
      ['started', 'autoextend-blocked'],
      ['ended', 'autoextend-blocked'],
    ]);
    expect(r.got[0]?.text).toBe(':warning: [WARNING] lab: cannot auto-extend vg0/web_snap: 75.00% full; no free space in vg0 (0 B free)');
  });

  it('reports a failed extension job, waits before retrying, and keeps the alert while it retries', async () => {
    const s = setup();
    savePolicies(s.db, policy());
    await Promise.all(s.p.onInventory(inv(s, { cowPercent: 75 })).extensions);
    s.tick(1000);
    s.finishJobs('failed', 'lvextend: Insufficient free space');
    s.tick(2000);
    await Promise.all(s.p.onInventory(inv(s, { cowPercent: 80 })).extensions);
    expect(s.calls).toHaveLength(1);
    const blocked = () => firingAlerts(s.db).filter((a) => a.rule === 'autoextend-blocked');
    expect(blocked().map((a) => a.summary)).toEqual(['cannot auto-extend vg0/web_snap: job #1 failed: lvextend: Insufficient free space']);
    s.tick(5 * 60_000);
    await Promise.all(s.p.onInventory(inv(s, { cowPercent: 85 })).extensions);
    expect(s.calls).toHaveLength(2);
    expect(blocked()).toHaveLength(1);
    s.tick(1000);
    s.finishJobs('succeeded');
    s.tick(2000);
    s.p.onInventory(inv(s, { cowPercent: 57, sizeBytes: 48 * MiB }));
    expect(blocked()).toEqual([]);
  });

  it('retries a "busy" VG on the next poll without an alert, but alerts on a refused plan', async () => {
    const busy = setup({ extendResult: { ok: false, status: 409, error: 'busy: job 3 is running on vg0' } });
    savePolicies(busy.db, policy());
    await Promise.all(busy.p.onInventory(inv(busy, { cowPercent: 75 })).extensions);
    await Promise.all(busy.p.onInventory(inv(busy, { cowPercent: 75 })).extensions);
    expect(busy.calls).toHaveLength(2);
    expect(firingAlerts(busy.db).filter((a) => a.rule === 'autoextend-blocked')).toEqual([]);

    const refused = setup({ extendResult: { ok: false, status: 409, error: 'Snapshot is valid: failed' } });
    savePolicies(refused.db, policy());
    await Promise.all(refused.p.onInventory(inv(refused, { cowPercent: 75 })).extensions);
    await Promise.all(refused.p.onInventory(inv(refused, { cowPercent: 75 })).extensions);
    expect(refused.calls).toHaveLength(1);
    expect(firingAlerts(refused.db).map((a) => a.summary)).toEqual(['cannot auto-extend vg0/web_snap: Snapshot is valid: failed']);
  });
});

describe('time to full from the recorded samples', () => {
  it('raises time-to-full from the COW samples the sampler recorded', () => {
    const s = setup();
    const record = (db: Db, percent: number) => recordSamples(db, inv(s, { cowPercent: percent }));
    // 10 % -> 25 % in 3 minutes: 300 %/h, full in ~15 min.
    for (const p of [10, 15, 20, 25]) {
      record(s.db, p);
      s.p.onInventory(inv(s, { cowPercent: p }));
      s.tick(60_000);
    }
    const [a] = firingAlerts(s.db);
    expect(a?.rule).toBe('time-to-full');
    expect(a?.figures.ratePerHour).toBeCloseTo(300, 6);
    expect(a?.figures.hoursToFull).toBeCloseTo(0.25, 6);
  });
});
