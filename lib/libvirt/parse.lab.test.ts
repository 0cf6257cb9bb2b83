import { describe, expect, it } from 'vitest';
import { labRunner } from '@/lib/test/lab';
import { agentPingArgv, domblklistArgv, domstateArgv, domstatsArgv, dumpxmlArgv, listAllArgv, listNamesArgv } from './commands';
import {
  AGENT_NOT_CONNECTED,
  classifyVirshError,
  domainFromXml,
  domainsFromDomstats,
  parseDomblklist,
  parseDomstate,
  parseListAll,
  parseListNames,
} from './parse';

// Read-only, against the real libvirt in the lab (npm run lab:up). web01 and db01 exist in the seed; their
// states are not asserted because other tests may start or stop them.
describe('virsh on the lab', () => {
  const r = labRunner();
  const vgNames = ['vg0', 'vg1'];

  it('lists the domains three ways that agree', async () => {
    const names = parseListNames((await r.run(listNamesArgv())).stdout);
    const table = parseListAll((await r.run(listAllArgv())).stdout);
    const stats = domainsFromDomstats((await r.run(domstatsArgv())).stdout, vgNames);
    expect(names).toEqual(expect.arrayContaining(['web01', 'db01']));
    expect(table.map((d) => d.name).sort()).toEqual([...names].sort());
    expect(stats.map((d) => d.name).sort()).toEqual([...names].sort());
    for (const d of stats) expect(table.find((t) => t.name === d.name)?.state).toBe(d.state);
    expect(stats.find((d) => d.name === 'web01')?.disks).toEqual([
      { target: 'vda', source: '/dev/vg0/web', type: null, device: null, vg: 'vg0', lv: 'web' },
    ]);
  });

  it.each([
    ['web01', 'web'],
    ['db01', 'db'],
  ])('maps the disk of %s to vg0/%s from domblklist and dumpxml', async (name, lv) => {
    const state = parseDomstate((await r.run(domstateArgv(name))).stdout);
    const blk = parseDomblklist((await r.run(domblklistArgv(name))).stdout);
    expect(blk).toEqual([{ type: 'block', device: 'disk', target: 'vda', source: `/dev/vg0/${lv}` }]);
    const domain = domainFromXml((await r.run(dumpxmlArgv(name))).stdout, state, { vgNames });
    expect(domain.disks).toEqual([{ target: 'vda', source: `/dev/vg0/${lv}`, type: 'block', device: 'disk', vg: 'vg0', lv }]);
  });

  it('classifies a guest-ping without an agent', async () => {
    const res = await r.run(agentPingArgv('web01', { timeoutSeconds: 5 }), { reject: false });
    expect(res.exitCode).toBe(1);
    if (res.stderr.includes(AGENT_NOT_CONNECTED)) expect(classifyVirshError(res.stderr)).toBe('agent-not-connected');
    else expect(classifyVirshError(res.stderr)).toBe('domain-not-running'); // someone stopped web01
  });
});
