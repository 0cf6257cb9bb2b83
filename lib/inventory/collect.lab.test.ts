import { describe, expect, it } from 'vitest';
import { labHelperRunner, labRunner } from '@/lib/test/lab';
import { collectFullRead, FullReadStream } from './collect';

// The full read against the real lab: one virsh batch, nonce framing, and nothing left in the host's /tmp.
describe('full read on the lab', () => {
  it('first read (no UUIDs known) and a later one (the agents of the running guests) agree', async () => {
    const r = labRunner();
    const first = await collectFullRead('lab', r);
    expect(first.inventory.libvirt).toBe('ok');
    const web01 = first.inventory.domains.find((d) => d.name === 'web01');
    expect(web01?.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(web01?.disks.map((d) => `${d.vg}/${d.lv}`)).toContain('vg0/web');
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

  it('the full-read loop through the host helper answers as the one-shot read does, and leaves no file', async () => {
    const r = labRunner();
    const helper = labHelperRunner();
    const stream = new FullReadStream(helper);
    const files = async () => Number((await r.run(['sh', '-c', 'ls /tmp | grep -c "^cowherd-inv\\." || true'])).stdout.trim());
    try {
      const once = await collectFullRead('lab', helper);
      const first = await collectFullRead('lab', helper, 60_000, 'qemu:///system', undefined, stream);
      const running = first.inventory.domains.filter((d) => d.state === 'running').flatMap((d) => (d.uuid ? [d.uuid] : []));
      const later = await collectFullRead('lab', helper, 60_000, 'qemu:///system', running, stream);
      const view = (i: typeof first.inventory) => [i.libvirt, i.lvs.map((l) => `${l.vg}/${l.name}:${l.kind}`), i.domains.map((d) => [d.name, d.uuid, d.state, d.agent, d.disks.length])];
      expect(view(first.inventory)).toEqual(view(once.inventory));
      expect(view(later.inventory)).toEqual(view(once.inventory));
      // One loop on the host (started by the helper), its files kept while it runs: 6 sections x 4.
      const loops = (await r.run(['sh', '-c', "ps -eo args | grep -c '^sh -c set -u' || true"])).stdout.trim();
      expect(Number(loops)).toBeGreaterThanOrEqual(1);
      expect(await files()).toBeGreaterThanOrEqual(24);
    } finally {
      stream.close();
    }
    // The loop removes its files when its stdin closes.
    for (let i = 0; i < 20 && (await files()) > 0; i++) await new Promise((res) => setTimeout(res, 500));
    expect(await files()).toBe(0);
  }, 120_000);
});
