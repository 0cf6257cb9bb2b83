import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '@/lib/inventory/collect';
import { parseOperation } from '@/lib/ops/registry';
import type { PlanResult, Step } from '@/lib/ops/types';
import type { BackupPlanContext } from './plans';
import type { BackupRecord } from './schemas';

// Plans made from the inventory recorded in the lab (lib/inventory/fixtures/README.md): vg0/web used by web01
// (running, no guest agent), vg0/db used by db01 (shut off).
const inv = () => parseInventory('lab', readFileSync(path.join(import.meta.dirname, '../inventory/fixtures/inventory-snapshots.txt'), 'utf8'), 1);
const WEB01 = '52501ad1-3ffe-4d09-8a1d-af20a2fc2a8b';
const DIR = '/var/lib/cowherd/backups';
const BACKUP: BackupRecord = {
  id: 7, host: 'lab', vg: 'vg0', lv: 'db', guestName: 'db01', guestUuid: null, targetHost: 'lab',
  file: `${DIR}/vg0-db-20261127-063000.qcow2`, format: 'qcow2', logicalSizeBytes: 128 * 1024 * 1024, sizeOnDiskBytes: 1000,
  volumeSha256: 'a'.repeat(64), fileSha256: 'b'.repeat(64), consistency: 'offline', createdAt: '2026-11-27T06:30:00Z',
  durationMs: 1, throughputBps: 1, lastVerifiedAt: null, lastVerifyOk: null, jobId: 1,
};

function plan(operation: string, params: unknown): PlanResult {
  const parsed = parseOperation(operation, params);
  if (!parsed.ok) throw new Error(parsed.error);
  const ctx: BackupPlanContext = {
    inv: inv(), exportDir: '/x', backupDir: DIR, hostIds: ['lab', 'lab2'], now: new Date('2026-11-27T06:30:00Z'),
    backup: (id) => (id === 7 ? BACKUP : id === 8 ? { ...BACKUP, id: 8, targetHost: 'lab2' } : undefined),
  };
  return parsed.def.plan(ctx, parsed.params as never);
}
const steps = (r: PlanResult): Step[] => (r.ok ? r.plan.steps : []);
const argvs = (r: PlanResult) => steps(r).map((s) => (s.kind === 'run' ? s.argv.join(' ') : s.title));

describe('backup-volume', () => {
  it('checks the target, suspends web01 around the snapshot, copies, verifies, renames, and removes the snapshot on every path', () => {
    const r = plan('backup-volume', { vg: 'vg0', lv: 'web' });
    expect(r.ok, !r.ok ? r.error : '').toBe(true);
    const s = steps(r);
    expect(s.map((x) => (x.kind === 'run' ? x.role : 'wait'))).toEqual(['check', 'suspend', 'snapshot', 'resume', 'export', 'verify', 'other', 'remove', 'other']);
    expect(argvs(r)[1]).toBe(`virsh --connect qemu:///system suspend --domain ${WEB01}`);
    expect(argvs(r)[2]).toBe('lvcreate -s -L 52m -n web_bak20261127063000 vg0/web');
    // Cleanups: resume after the suspend, the snapshot's removal after its creation, the temporary file after the check.
    expect(s[3]?.cleanup).toEqual({ after: 1 });
    expect(s[7]?.cleanup).toEqual({ after: 2 });
    expect(s[8]?.cleanup).toEqual({ after: 0 });
    expect(argvs(r)[4]).toContain(`qemu-img convert -p -f raw -O qcow2 -c /dev/vg0/web_bak20261127063000 ${DIR}/vg0-web-20261127-063000.qcow2.part`);
    expect(argvs(r)[8]).toBe(`rm -f -- ${DIR}/vg0-web-20261127-063000.qcow2.part`);
    expect(r.ok && r.plan.params).toMatchObject({ backup: { consistency: 'suspended', guestName: 'web01', file: `${DIR}/vg0-web-20261127-063000.qcow2` } });
    expect(r.ok && r.plan.postChecks.map((c) => c.check.type)).toEqual(['lv-absent', 'file-present', 'domain-state']);
  });

  it('records an offline backup of a shut-off guest\'s disk, raw when asked', () => {
    const r = plan('backup-volume', { vg: 'vg0', lv: 'db', format: 'raw' });
    expect(r.ok && r.plan.params).toMatchObject({ backup: { consistency: 'offline', guestName: 'db01' } });
    expect(argvs(r).some((a) => a.includes('-O raw /dev/vg0/db_bak'))).toBe(true);
  });

  it('refuses a target host that is not configured (404) and another configured host (not yet)', () => {
    const r = plan('backup-volume', { vg: 'vg0', lv: 'db', target: { host: 'nohost' } });
    expect(!r.ok && r.error).toBe('not found: no configured host nohost');
    const other = plan('backup-volume', { vg: 'vg0', lv: 'db', target: { host: 'lab2' } });
    expect(!other.ok && other.error).toContain('Target is this host');
  });

  it('refuses an LV that does not exist', () => {
    const r = plan('backup-volume', { vg: 'vg0', lv: 'nope' });
    expect(!r.ok && r.error).toContain('no logical volume vg0/nope');
  });
});

describe('restore-backup, verify-backup, delete-backup', () => {
  it('restores to a new LV and checks the volume\'s SHA-256 after writing', () => {
    const r = plan('restore-backup', { backupId: 7, target: { vg: 'vg0', name: 'db_restored' } });
    expect(argvs(r)[0]).toBe('lvcreate -y -L 128m -n db_restored vg0');
    expect(argvs(r)[1]).toBe(`qemu-img convert -p -n -f qcow2 -O raw ${BACKUP.file} /dev/vg0/db_restored`);
    expect(argvs(r)[2]).toContain(`/dev/vg0/db_restored ${128 * 1024 * 1024} ${'a'.repeat(64)}`);
  });

  it('over the original: typed name, guests shut off, a safety snapshot first', () => {
    expect(plan('restore-backup', { backupId: 7, target: { overwrite: true, confirmName: 'web' } }).ok).toBe(false);
    const r = plan('restore-backup', { backupId: 7, target: { overwrite: true, confirmName: 'db' } });
    expect(r.ok, !r.ok ? r.error : '').toBe(true);
    expect(argvs(r)[0]).toBe('lvcreate -s -L 128m -n db_pre_restore20261127063000 vg0/db');
    expect(r.ok && r.plan.destructive).toBe(true);
  });

  it('answers "not found" for a backup id it does not have or whose file is on another host', () => {
    for (const [op, params] of [
      ['verify-backup', { backupId: 9 }],
      ['verify-backup', { backupId: 8 }],
      ['delete-backup', { backupId: 8, confirmName: 'x' }],
      ['restore-backup', { backupId: 8, target: { vg: 'vg0', name: 'x' } }],
    ] as const) {
      const r = plan(op, params);
      expect(!r.ok && r.error, op).toMatch(/^not found: no backup \d on host lab$/);
    }
  });

  it('verify re-reads the file against the stored checksum; delete needs the file name typed', () => {
    expect(argvs(plan('verify-backup', { backupId: 7 }))[0]).toContain(`${BACKUP.file} qcow2 ${'b'.repeat(64)}`);
    expect(plan('delete-backup', { backupId: 7, confirmName: 'x' }).ok).toBe(false);
    expect(argvs(plan('delete-backup', { backupId: 7, confirmName: 'vg0-db-20261127-063000.qcow2' }))).toEqual([`rm -f -- ${BACKUP.file}`]);
  });
});
