import { describe, expect, it } from 'vitest';
import type { Inventory, InventoryLv } from '@/lib/inventory/types';
import { lvchangeTagsArgv } from '@/lib/lvm/commands';
import { planProtectSnapshot } from '@/lib/ops/protect';
import { isExpired, policySeries, policySnapshotName, resolveTargets, retentionFor, spaceGuard } from './targets';

const MiB = 1024 * 1024;
function lv(over: Partial<InventoryLv> & { name: string }): InventoryLv {
  return {
    vg: 'vg1', path: null, sizeBytes: 256 * MiB, attr: '', kind: 'plain', origin: null, pool: null, cowPercent: null, active: true,
    open: false, merging: false, invalid: false, mergeFailed: false, skipActivation: false, createdAt: null, uuid: `u-${over.name}`,
    hidden: false, dataPercent: null, metadataPercent: null, tags: [], ...over,
  };
}
const snap = (name: string, createdAt: string, tags: string[], origin = 'thin1') =>
  lv({ name, kind: 'thin-snapshot', origin, pool: 'pool', createdAt, tags });

const inv = (lvs: InventoryLv[], vgFree = 512 * MiB): Inventory => ({
  host: 'lab',
  vgs: [{ name: 'vg1', sizeBytes: 1024 * MiB, freeBytes: vgFree, extentSizeBytes: 4 * MiB, pvCount: 1, lvCount: lvs.length, snapCount: 0 }],
  lvs,
  domains: [
    { name: 'web01', uuid: 'w', state: 'running', agent: false, disks: [{ target: 'vda', source: '/dev/vg1/web', vg: 'vg1', lv: 'web' }] },
    { name: 'db01', uuid: 'd', state: 'running', agent: false, disks: [{ target: 'vda', source: '/dev/vg1/db', vg: 'vg1', lv: 'db' }, { target: 'vdb', source: '/tmp/x.img', vg: null, lv: null }] },
  ],
  libvirt: 'ok',
  collectedAt: '2026-11-30T10:00:00Z',
  durationMs: 1,
});

describe('policy series and retention', () => {
  const series = [
    snap('a', '2026-11-30T10:01:00Z', ['cowherd-policy-7']),
    snap('b', '2026-11-30T10:02:00Z', ['cowherd-policy-7', 'cowherd-protected']),
    snap('c', '2026-11-30T10:03:00Z', ['cowherd-policy-7']),
    snap('d', '2026-11-30T10:04:00Z', ['cowherd-policy-7']),
    snap('manual', '2026-11-30T10:02:30Z', []),
    snap('other', '2026-11-30T10:02:40Z', ['cowherd-policy-8']),
    snap('elsewhere', '2026-11-30T10:02:50Z', ['cowherd-policy-7'], 'thin2'),
  ];
  const i = inv([lv({ name: 'thin1', kind: 'thin-volume', pool: 'pool' }), ...series]);

  it('is only the LVs with this policy\'s tag and this origin: never a manual snapshot or another policy\'s', () => {
    expect(policySeries(i, 7, 'vg1', 'thin1').map((l) => l.name).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keepLast 2 prunes the oldest, keeps the protected one without counting it', () => {
    const d = retentionFor(policySeries(i, 7, 'vg1', 'thin1'), { keepLast: 2 }, 'UTC');
    expect(Object.fromEntries(d.map((x) => [x.lv.name, x.mark]))).toEqual({ d: 'keep', c: 'keep', b: 'protected', a: 'prune' });
  });
});

describe('resolveTargets', () => {
  const i = inv([lv({ name: 'web' }), lv({ name: 'db' })]);
  it.each([
    [{ type: 'guest', host: 'lab', guest: 'db01' }, ['vg1/db']],
    [{ type: 'glob', host: 'lab', pattern: '*01' }, ['vg1/web', 'vg1/db']],
    [{ type: 'lv', host: 'lab', vg: 'vg1', lv: 'web' }, ['vg1/web']],
  ] as const)('%j', (sel, want) => {
    const r = resolveTargets(sel, i);
    expect(r.ok && r.targets.map((t) => `${t.vg}/${t.lv}`)).toEqual(want);
  });
  it('says why nothing matches', () => {
    expect(resolveTargets({ type: 'glob', host: 'lab', pattern: 'mail*' }, i)).toEqual({ ok: false, error: 'no guest on lab matches mail*' });
    expect(resolveTargets({ type: 'lv', host: 'lab', vg: 'vg1', lv: 'gone' }, i)).toEqual({ ok: false, error: 'no logical volume vg1/gone on lab' });
  });
});

describe('spaceGuard', () => {
  it('skips a thin run when the pool is above the fill, with the reason', () => {
    const origin = lv({ name: 'thin1', kind: 'thin-volume', pool: 'pool' });
    const pool = (data: number, meta: number) => lv({ name: 'pool', kind: 'thin-pool', dataPercent: data, metadataPercent: meta });
    expect(spaceGuard(inv([origin, pool(50, 10)]), origin, { maxFillPercent: 90, cowBytes: 0 })).toBeNull();
    expect(spaceGuard(inv([origin, pool(20, 95)]), origin, { maxFillPercent: 90, cowBytes: 0 })).toBe(
      'space guard: thin pool vg1/pool is 95.0 % full (metadata); this policy skips at 90.0 %',
    );
  });
  it('skips a classic run when the VG is too full or the COW area would not fit', () => {
    const origin = lv({ name: 'web' });
    expect(spaceGuard(inv([origin], 512 * MiB), origin, { maxFillPercent: 90, cowBytes: 52 * MiB })).toBeNull();
    expect(spaceGuard(inv([origin], 512 * MiB), origin, { maxFillPercent: 40, cowBytes: 52 * MiB })).toMatch(/volume group vg1 is 50.0 % full; this policy skips at 40.0 %/);
    expect(spaceGuard(inv([origin], 200 * MiB), origin, { maxFillPercent: 100, cowBytes: 300 * MiB })).toMatch(/COW area \(300 MiB\) would not fit in the 200 MiB free/);
    // What the run removes first (the previous policy snapshot) counts as free.
    expect(spaceGuard(inv([origin], 200 * MiB), origin, { maxFillPercent: 100, cowBytes: 300 * MiB, freedBytes: 120 * MiB })).toBeNull();
  });
});

describe('names, lifetimes, protection', () => {
  it('names a policy snapshot within LVM\'s limit', () => {
    expect(policySnapshotName('thin1', 3, new Date('2026-11-30T10:01:02Z'))).toBe('thin1_p3_20261130100102');
    expect(policySnapshotName('x'.repeat(127), 3, new Date(0))).toHaveLength(127);
  });
  it('expires after the lifetime, never a protected one', () => {
    const s = lv({ name: 's', kind: 'snapshot', createdAt: '2026-11-30T10:00:00Z', tags: ['cowherd-policy-1'] });
    expect(isExpired(s, 60, Date.parse('2026-11-30T10:59:59Z'))).toBe(false);
    expect(isExpired(s, 60, Date.parse('2026-11-30T11:00:00Z'))).toBe(true);
    expect(isExpired({ ...s, tags: ['cowherd-policy-1', 'cowherd-protected'] }, 60, Date.parse('2026-12-30T11:00:00Z'))).toBe(false);
  });
  it('builds lvchange --addtag/--deltag and refuses a bad tag or no change', () => {
    expect(lvchangeTagsArgv({ vg: 'vg1', lv: 's', add: ['cowherd-protected'] })).toEqual(['lvchange', '--addtag', 'cowherd-protected', 'vg1/s']);
    expect(lvchangeTagsArgv({ vg: 'vg1', lv: 's', del: ['cowherd-protected'] })).toEqual(['lvchange', '--deltag', 'cowherd-protected', 'vg1/s']);
    expect(() => lvchangeTagsArgv({ vg: 'vg1', lv: 's', add: ['-rf'] })).toThrow(/invalid tag/);
    expect(() => lvchangeTagsArgv({ vg: 'vg1', lv: 's' })).toThrow(/no tag/);
  });
  it('plans protection only for a snapshot that is not protected yet', () => {
    const i = inv([lv({ name: 's', kind: 'snapshot', origin: 'web' }), lv({ name: 'web', kind: 'origin' })]);
    const r = planProtectSnapshot({ inv: i, exportDir: '/x' }, { vg: 'vg1', snapshot: 's', protected: true });
    expect(r.ok && r.plan.steps.map((s) => (s.kind === 'run' ? s.argv : []))).toEqual([['lvchange', '--addtag', 'cowherd-protected', 'vg1/s']]);
    expect(planProtectSnapshot({ inv: i, exportDir: '/x' }, { vg: 'vg1', snapshot: 'web', protected: true }).ok).toBe(false);
    expect(planProtectSnapshot({ inv: i, exportDir: '/x' }, { vg: 'vg1', snapshot: 's', protected: false }).ok).toBe(false);
  });
});
