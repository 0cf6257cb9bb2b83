import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLvmModel } from '@/lib/lvm/model';
import { parseLvs, parseVgs } from '@/lib/lvm/reports';
import type { Inventory } from '@/lib/inventory/types';
import { renderMetrics } from './registry';

// The exposition and the example alerting rules, checked by Prometheus' own linter (Debian's `prometheus` package;
// .ci/run installs it). Without promtool these tests fail with the install command: they are the only check that
// Prometheus accepts what Cowherd serves.
const root = path.resolve(import.meta.dirname, '../..');
const promtool = (args: string[], input?: string) => spawnSync('promtool', args, { input, encoding: 'utf8' });

function requirePromtool() {
  const r = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (r.error) throw new Error('promtool is not installed: apt-get install prometheus (Debian), then run the tests again');
}

const fixture = (f: string) => readFileSync(path.join(root, 'lib/dm/fixtures', f), 'utf8');
const model = buildLvmModel(parseVgs(readFileSync(path.join(root, 'lib/lvm/fixtures/vgs-seed.json'), 'utf8')), parseLvs(fixture('lvs-mixed.json')));
const inventory: Inventory = {
  host: 'lab',
  vgs: model.vgs,
  lvs: model.lvs,
  domains: [{ name: 'web01', state: 'running', agent: false, disks: [{ target: 'vda', source: '/dev/vg0/web', vg: 'vg0', lv: 'web' }] }],
  libvirt: 'ok',
  collectedAt: '2026-11-30T15:00:00.000Z',
  durationMs: 420,
};

describe('Prometheus exposition', () => {
  it('passes promtool check metrics, with thin pools, thin volumes and every snapshot state', async () => {
    requirePromtool();
    const { body } = await renderMetrics(
      {
        hosts: [{ id: 'lab', reachable: true, inventory }],
        jobs: [{ operation: 'create-snapshot', status: 'succeeded', count: 2 }],
        alerts: [{ rule: 'fill-warning', severity: 'warning', count: 0 }],
        policies: [
          { id: 1, name: 'thin "nightly"', host: 'lab', lastSuccessAt: Date.parse('2026-11-30T14:00:00Z'), lastDurationMs: 4200, lastResult: 'ok' },
          { id: 2, name: 'never ran', host: 'lab', lastSuccessAt: null, lastDurationMs: null, lastResult: null },
        ],
      },
    );
    const r = promtool(['check', 'metrics'], body);
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);

    const lines = body.split('\n');
    expect(lines).toContain('cowherd_thin_pool_data_percent{host="lab",vg="vg1",pool="pool"} 0.49');
    expect(lines).toContain('cowherd_thin_pool_metadata_percent{host="lab",vg="vg1",pool="pool"} 11.13');
    expect(lines).toContain('cowherd_thin_volume_data_percent{host="lab",vg="vg1",lv="thin1",pool="pool"} 0.98');
    expect(lines).toContain('cowherd_snapshot_state{host="lab",vg="vg0",snapshot="db_lost",origin="db",state="invalid"} 1');
    expect(lines).toContain('cowherd_snapshot_state{host="lab",vg="vg0",snapshot="web_pre",origin="web",state="merging"} 1');
    expect(lines).toContain('cowherd_snapshot_state{host="lab",vg="vg0",snapshot="my-lv-snap",origin="my-lv",state="valid"} 1');
    expect(lines).toContain('cowherd_snapshot_state{host="lab",vg="vg1",snapshot="thin1_s",origin="thin1",state="valid"} 1');
    expect(lines).toContain('cowherd_jobs{operation="create-snapshot",status="succeeded"} 2');
    expect(body).toMatch(/^cowherd_host_read_age_seconds\{host="lab"\} \d+/m);
  });

  it('the old counter-suffixed name of a gauge is gone (promtool flags "_total" on a gauge)', async () => {
    requirePromtool();
    const bad = '# HELP cowherd_jobs_total x\n# TYPE cowherd_jobs_total gauge\ncowherd_jobs_total 1\n';
    expect(promtool(['check', 'metrics'], bad).stdout + promtool(['check', 'metrics'], bad).stderr).toMatch(/counter/i);
    const { body } = await renderMetrics({ hosts: [], jobs: [{ operation: 'x', status: 'y', count: 1 }], alerts: [] });
    expect(body).not.toContain('_total');
  });

  it('deploy/prometheus-rules.yml passes promtool check rules and uses only metrics Cowherd serves', async () => {
    requirePromtool();
    const file = path.join(root, 'deploy/prometheus-rules.yml');
    const out = execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
    const { METRIC_NAMES } = await import('./registry');
    const used = new Set([...readFileSync(file, 'utf8').matchAll(/\b(cowherd_[a-z_]+)/g)].map((m) => m[1]));
    for (const name of used) expect(METRIC_NAMES as readonly string[]).toContain(name);
  });
});
