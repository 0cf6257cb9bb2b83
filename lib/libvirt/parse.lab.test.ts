import { describe, expect, it } from 'vitest';
import { parseUuidNames } from '@/lib/inventory/batch';
import { labRunner } from '@/lib/test/lab';
import { DEFAULT_LIBVIRT_URI, domstateArgv, domstatsArgv, listUuidNamesArgv, UUID_PATTERN } from './commands';
import { domainsFromDomstats, parseDomstate } from './parse';

// Read-only, against the real libvirt in the lab (npm run lab:up). web01 and db01 exist in the seed; their
// states are compared between reads, not asserted, because other tests may start or stop them.
describe('virsh on the lab', () => {
  const r = labRunner();
  const vgNames = ['vg0', 'vg1'];
  const uri = DEFAULT_LIBVIRT_URI;

  it('lists every domain with its UUID, the same domains domstats reads, and maps their disks', async () => {
    const uuids = parseUuidNames((await r.run(listUuidNamesArgv({ uri }))).stdout);
    const stats = domainsFromDomstats((await r.run(domstatsArgv({ uri }))).stdout, vgNames);
    expect([...uuids.values()].sort()).toEqual(stats.map((d) => d.name).sort());
    expect([...uuids.values()]).toEqual(expect.arrayContaining(['web01', 'db01']));
    for (const uuid of uuids.keys()) expect(uuid).toMatch(UUID_PATTERN);
    expect(stats.find((d) => d.name === 'web01')?.disks).toEqual([{ target: 'vda', source: '/dev/vg0/web', vg: 'vg0', lv: 'web' }]);
  });

  it('reads a domain state by UUID with --connect, as the waits do', async () => {
    const uuids = parseUuidNames((await r.run(listUuidNamesArgv({ uri }))).stdout);
    const stats = domainsFromDomstats((await r.run(domstatsArgv({ uri }))).stdout, vgNames);
    for (const [uuid, name] of uuids) {
      const state = parseDomstate((await r.run(domstateArgv({ uuid }, { uri }))).stdout);
      expect(state, name).toBe(stats.find((d) => d.name === name)?.state);
    }
  });
});
