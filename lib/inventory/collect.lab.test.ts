import { describe, expect, it } from 'vitest';
import { labRunner } from '@/lib/test/lab';
import { collectFullRead } from './collect';

// The full read against the real lab: one virsh batch, nonce framing, and nothing left in the host's /tmp.
describe('full read on the lab', () => {
  it('first read (no UUIDs known) and a later one (the agents of the running guests) agree', async () => {
    const r = labRunner();
    const first = await collectFullRead('lab', r);
    expect(first.inventory.libvirt).toBe('ok');
    const web01 = first.inventory.domains.find((d) => d.name === 'web01');
    expect(web01?.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(web01?.disks.map((d) => `${d.vg}/${d.lv}`)).toContain('vg0/web');
    expect(first.dm?.devices.length).toBeGreaterThan(0);
    const running = first.inventory.domains.filter((d) => d.state === 'running').flatMap((d) => (d.uuid ? [d.uuid] : []));
    const later = await collectFullRead('lab', r, 60_000, 'qemu:///system', running);
    const view = (i: typeof first.inventory) => i.domains.map((d) => [d.name, d.uuid, d.state, d.agent, d.disks.length]);
    expect(view(later.inventory)).toEqual(view(first.inventory));
    expect(later.inventory.lvs.map((l) => l.name)).toEqual(first.inventory.lvs.map((l) => l.name));
    // The section files are removed in the background after the answer.
    await new Promise((res) => setTimeout(res, 3000));
    const left = (await r.run(['sh', '-c', 'ls /tmp | grep -c "^cowherd-inv\\." || true'])).stdout.trim();
    expect(left).toBe('0');
  }, 120_000);
});
