import { describe, expect, it } from 'vitest';
import { labRunner } from '@/lib/test/lab';
import { lvsArgv, pvsArgv, vgsArgv } from './commands';
import { buildLvmModel, findLv } from './model';
import { parseLvs, parsePvs, parseVgs } from './reports';

// Read-only, against the real lvm2 in the lab (npm run lab:up): the argv builders and parsers agree with the
// lvm2 that is really there. Only seed facts are asserted; other tests may add snapshots meanwhile.
describe('lvm reports on the lab', () => {
  const r = labRunner();

  it('parses vgs, pvs and lvs -a as built by the argv builders and relates them', async () => {
    const [vgs, pvs, lvs] = await Promise.all([r.run(vgsArgv()), r.run(pvsArgv()), r.run(lvsArgv())]);
    const model = buildLvmModel(parseVgs(vgs.stdout), parseLvs(lvs.stdout));
    expect(model.vgs.map((v) => v.name)).toEqual(expect.arrayContaining(['vg0', 'vg1']));
    expect(parsePvs(pvs.stdout).map((p) => p.vg)).toEqual(expect.arrayContaining(['vg0', 'vg1']));
    expect(findLv(model, 'vg0', 'web')).toMatchObject({ sizeBytes: 268435456, path: '/dev/vg0/web', hidden: false });
    expect(findLv(model, 'vg0', 'db')).toMatchObject({ sizeBytes: 134217728 });
    expect(findLv(model, 'vg1', 'pool')).toMatchObject({ kind: 'thin-pool' });
    expect(findLv(model, 'vg1', 'pool_tdata')).toMatchObject({ kind: 'hidden', hidden: true });
    expect(model.volumesByPool['vg1/pool']).toContain('thin1');
    for (const lv of model.lvs) expect(lv.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
  });

  it('reads one VG and one LV', async () => {
    const one = parseLvs((await r.run(lvsArgv({ vg: 'vg0', lv: 'web' }))).stdout);
    expect(one.map((lv) => `${lv.vg}/${lv.name}`)).toEqual(['vg0/web']);
    const vg1 = parseVgs((await r.run(vgsArgv({ vg: 'vg1' }))).stdout);
    expect(vg1.map((v) => v.name)).toEqual(['vg1']);
  });
});
