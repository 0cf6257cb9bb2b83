import { describe, expect, it } from 'vitest';
import { labInventory, MiB } from '@/lib/alerts/fixtures';
import { buildRegistry, METRIC_NAMES, renderMetrics } from './registry';

const inventory = labInventory({ snap: { cowPercent: 81.6 }, at: Date.parse('2026-11-27T12:00:00Z') });

describe('renderMetrics', () => {
  it('writes the Prometheus text format from the latest inventory', async () => {
    const { contentType, body } = await renderMetrics({
      hosts: [
        { id: 'lab', reachable: true, inventory },
        { id: 'down', reachable: false, inventory: null },
        { id: 'new', reachable: null, inventory: null },
      ],
      jobs: [
        { operation: 'extend-snapshot', status: 'succeeded', count: 3 },
        { operation: 'create-snapshot', status: 'failed', count: 1 },
      ],
      alerts: [
        { rule: 'fill-warning', severity: 'warning', count: 1 },
        { rule: 'fill-critical', severity: 'critical', count: 0 },
      ],
    });
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = body.split('\n');
    const has = (l: string) => expect(lines).toContain(l);
    has('# TYPE cowherd_snapshot_cow_fill_percent gauge');
    // The fill equals lvs data_percent of the inventory.
    has('cowherd_snapshot_cow_fill_percent{host="lab",vg="vg0",snapshot="web_snap",origin="web"} 81.6');
    has(`cowherd_snapshot_cow_size_bytes{host="lab",vg="vg0",snapshot="web_snap",origin="web"} ${32 * MiB}`);
    has('cowherd_vg_size_bytes{host="lab",vg="vg0"} 4290772992');
    has('cowherd_vg_free_bytes{host="lab",vg="vg0"} 3854565376');
    has('cowherd_vg_free_bytes{host="lab",vg="vg1"} 1061158912');
    has('cowherd_guest_state{host="lab",domain="web01",state="running"} 1');
    has('cowherd_guest_state{host="lab",domain="web01",state="shut off"} 0');
    has('cowherd_guest_state{host="lab",domain="db01",state="shut off"} 1');
    has('cowherd_host_reachable{host="lab"} 1');
    has('cowherd_host_reachable{host="down"} 0');
    has('cowherd_inventory_duration_seconds{host="lab"} 0.8');
    has(`cowherd_inventory_timestamp_seconds{host="lab"} ${Date.parse('2026-11-27T12:00:00Z') / 1000}`);
    has('cowherd_jobs{operation="extend-snapshot",status="succeeded"} 3');
    has('cowherd_jobs{operation="create-snapshot",status="failed"} 1');
    has('cowherd_alerts_firing{rule="fill-warning",severity="warning"} 1');
    has('cowherd_alerts_firing{rule="fill-critical",severity="critical"} 0');
    // A host never read has no reachability yet; thin snapshots have no COW area (only a state and their mapped share).
    expect(body).not.toContain('host="new"');
    expect(body).not.toMatch(/^cowherd_snapshot_cow_(fill_percent|size_bytes)\{[^}]*thin1_snap/m);
    expect(body).toMatch(/^cowherd_snapshot_state\{host="lab",vg="vg1",snapshot="thin1_snap",origin="thin1",state="valid"\} 1$/m);
    for (const name of METRIC_NAMES) has(`# TYPE ${name} gauge`);
  });

  it('leaves out the fill of an inactive snapshot but keeps its size', async () => {
    const inv = labInventory({ snap: { cowPercent: null, active: false } });
    const { body } = await renderMetrics({ hosts: [{ id: 'lab', reachable: true, inventory: inv }], jobs: [], alerts: [] });
    expect(body).not.toMatch(/^cowherd_snapshot_cow_fill_percent\{/m);
    expect(body).toMatch(/^cowherd_snapshot_cow_size_bytes\{host="lab",vg="vg0",snapshot="web_snap",origin="web"\} 33554432$/m);
  });

  it('uses a registry of its own, not the global default', async () => {
    const { register } = await import('prom-client');
    buildRegistry({ hosts: [{ id: 'lab', reachable: true, inventory }], jobs: [], alerts: [] });
    expect(await register.metrics()).not.toContain('cowherd_');
  });
});
