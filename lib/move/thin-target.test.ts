import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '@/lib/inventory/collect';
import type { InventoryLv } from '@/lib/inventory/types';
import { parseOperation } from '@/lib/ops/registry';
import type { PlanResult } from '@/lib/ops/types';
import { parseCapabilities } from './capabilities';
import type { MoveFacts, TargetFacts } from './facts';

// Thin target LVs of a move (issue 14): web01's 256 MiB vda into the thin pool vg1/pool of lab2 (1 GiB, as lab.sh
// seeds it: recorded at 0.78% data). Plans from the lab's recorded seed inventory and migratable XML, as plans.test.ts.
const seed = parseInventory('lab', readFileSync(path.join(import.meta.dirname, '../inventory/fixtures/inventory-seed.txt'), 'utf8'), 1);
const xml = readFileSync(path.join(import.meta.dirname, 'fixtures', 'web01-migratable.xml'), 'utf8');
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const CAPS = `<capabilities><host/><guest><os_type>hvm</os_type><arch name='x86_64'><wordsize>64</wordsize>
<emulator>/usr/bin/qemu-system-x86_64</emulator><machine maxCpus='255'>pc-i440fx-7.2</machine>
<machine canonical='pc-i440fx-7.2' maxCpus='255'>pc</machine><domain type='qemu'/></arch></guest></capabilities>`;
const pool = seed.lvs.find((l) => l.vg === 'vg1' && l.name === 'pool')!;
const thin1 = seed.lvs.find((l) => l.vg === 'vg1' && l.name === 'thin1')!;

function plan(disk: Record<string, unknown>, lvs: InventoryLv[] = [pool]): PlanResult {
  const parsed = parseOperation('move-guest', { domain: 'web01', target: 'lab2', confirmName: 'web01', disks: { vda: { type: 'lv', vg: 'vg1', ...disk } } });
  if (!parsed.ok) throw new Error(parsed.error);
  const target: TargetFacts = {
    host: 'lab2', uri: 'qemu:///system', backupDir: '/var/lib/cowherd/backups', exportDir: '/var/lib/cowherd/exports',
    inv: { ...seed, host: 'lab2', lvs, domains: [] }, error: null, caps: parseCapabilities(CAPS), networks: [],
    probe: { emulator: true, nvramTaken: false, interfaces: ['lo'], avail: { '/var/lib/cowherd/backups': 2 * GiB, '/var/lib/cowherd/exports': 2 * GiB } },
  };
  const move: MoveFacts = { sourceXml: xml, sourceXmlError: null, target };
  return parsed.def.plan({ inv: seed, exportDir: '/x', libvirtUri: 'qemu:///system', hostIds: ['lab', 'lab2'], move } as never, parsed.params as never);
}
const refusal = (r: PlanResult) => (r.ok ? 'planned' : r.error);

describe('move-guest onto a thin LV', () => {
  it('creates a thin volume in the pool (lvcreate -V -T), writes it sparse, and checks the pool\'s free data', () => {
    const r = plan({ thinPool: 'pool' });
    if (!r.ok) throw new Error(r.error);
    const create = r.plan.steps.find((s) => s.kind === 'run' && s.role === 'create');
    expect(create).toMatchObject({ host: 'lab2', title: 'Create the thin LV lab2:vg1/web (256 MiB) in vg1/pool', argv: ['lvcreate', '-y', '-V', '256m', '-T', 'vg1/pool', '-n', 'web'] });
    const copy = r.plan.steps.find((s) => s.kind === 'pipe' && s.role === 'copy');
    expect(copy).toMatchObject({ to: { host: 'lab2', argv: ['dd', 'of=/dev/vg1/web', 'bs=4M', 'iflag=fullblock', 'conv=sparse,fsync', 'status=none'] } });
    const poolCheck = r.plan.preflight.find((c) => c.title === 'Enough free space in the thin pool lab2:vg1/pool');
    expect(poolCheck?.ok).toBe(true);
    expect(poolCheck?.detail).toMatch(/^256 MiB at most \(zero blocks stay unmapped\), 1017 MiB free \(0\.\d+% of 1024 MiB used\)$/);
    // No VG free-space check for it: a thin volume takes its room from the pool.
    expect(r.plan.preflight.some((c) => c.title === 'Enough free space in lab2:vg1')).toBe(false);
    expect((r.plan.params.review as { disks: { what: string }[] }).disks[0]?.what).toBe('vda: /dev/vg0/web (256 MiB) -> new thin LV lab2:vg1/web in the thin pool vg1/pool');
    // The undo removes the thin volume like a plain one.
    expect(r.plan.steps.some((s) => s.kind === 'run' && s.cleanup?.onFailure && s.argv.join(' ').includes('lvremove -y vg1/web'))).toBe(true);
  });

  it('keeps a plain LV written without conv=sparse (a new plain LV is not zeroed)', () => {
    const r = plan({});
    expect(r.ok && r.plan.steps.find((s) => s.kind === 'pipe' && s.role === 'copy')).toMatchObject({ to: { argv: ['dd', 'of=/dev/vg1/web', 'bs=4M', 'iflag=fullblock', 'conv=fsync', 'status=none'] } });
  });

  it.each([
    ['the pool has too little free data', [{ ...pool, dataPercent: 90 }], 'not enough space in the thin pool: the copy may write 256 MiB, only 103 MiB free in lab2:vg1/pool (90.00% of 1024 MiB used)'],
    ['the pool does not exist', [], 'Thin pool lab2:vg1/pool: lab2 has no thin pool vg1/pool'],
    ['the pool\'s usage cannot be read', [{ ...pool, dataPercent: null }], 'the data usage of vg1/pool on lab2 could not be read (is the pool active?)'],
  ] as const)('refuses when %s', (_, lvs, reason) => {
    expect(refusal(plan({ thinPool: 'pool' }, [...lvs]))).toContain(reason);
  });

  it('refuses a thin "pool" that is a thin volume', () => {
    expect(refusal(plan({ thinPool: 'thin1' }, [pool, thin1]))).toContain('vg1/thin1 on lab2 is a thin-volume volume, not a thin pool');
  });

  it('warns, without refusing, when the pool becomes overcommitted or its metadata is nearly full', () => {
    const r = plan({ thinPool: 'pool' }, [{ ...pool, metadataPercent: 85 }, { ...thin1, sizeBytes: 900 * MiB }]);
    if (!r.ok) throw new Error(r.error);
    expect(r.plan.preflight.filter((c) => !c.ok)).toEqual([
      { title: 'Overcommit of lab2:vg1/pool', ok: false, blocking: false, detail: 'the pool will be overcommitted: 1156 MiB of thin volumes in a 1024 MiB pool; watch its usage (alerts pool-warning, pool-critical) or grow it' },
      { title: 'Metadata of lab2:vg1/pool', ok: false, blocking: false, detail: "the pool's metadata is 85.00% full: a pool stops when its metadata fills" },
    ]);
  });

  it('validates the pool name by LVM\'s rules before planning', () => {
    expect(parseOperation('move-guest', { domain: 'web01', target: 'lab2', confirmName: 'web01', disks: { vda: { type: 'lv', vg: 'vg1', thinPool: 'a/b' } } }).ok).toBe(false);
  });
});
