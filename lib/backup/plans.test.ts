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
  durationMs: 1, throughputBps: 1, lastVerifiedAt: null, lastVerifyOk: null, jobId: 1, policyId: null, protected: false,
};

function plan(operation: string, params: unknown, targetProbe?: BackupPlanContext['targetProbe']): PlanResult {
  const parsed = parseOperation(operation, params);
  if (!parsed.ok) throw new Error(parsed.error);
  const ctx: BackupPlanContext = {
    inv: inv(), exportDir: '/x', backupDir: DIR, hostIds: ['lab', 'lab2'], now: new Date('2026-11-27T06:30:00Z'),
    backup: (id) => (id === 7 ? BACKUP : id === 8 ? { ...BACKUP, id: 8, targetHost: 'lab2', file: `/srv/lab2-backups/${BACKUP.file.split('/').pop()}` } : id === 10 ? { ...BACKUP, id: 10, targetHost: 'gone' } : id === 11 ? { ...BACKUP, id: 11, targetHost: 'lab2', format: 'raw', file: '/srv/lab2-backups/vg0-db-20261127-063000.raw' } : undefined),
    backupDirOf: (h) => (h === 'lab2' ? '/srv/lab2-backups' : undefined),
    targetProbe,
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
  });

  it('to another host: checks it there, streams raw through the server, converts and verifies there, renames there, removes the snapshot and both temporary files', () => {
    const r = plan('backup-volume', { vg: 'vg0', lv: 'db', target: { host: 'lab2' } });
    expect(r.ok, !r.ok ? r.error : '').toBe(true);
    const s = steps(r);
    const where = s.map((x) => (x.kind === 'pipe' ? `pipe ${x.from.host}->${x.to.host}` : x.kind === 'run' ? `${x.role}@${x.host ?? 'lab'}` : 'wait'));
    expect(where).toEqual(['check@lab2', 'snapshot@lab', 'pipe lab->lab2', 'export@lab2', 'pipe lab->lab2', 'other@lab2', 'remove@lab', 'other@lab2']);
    const [copy, , verify] = s.slice(2);
    const D2 = '/srv/lab2-backups';
    expect(copy?.kind === 'pipe' && [copy.from.argv.join(' '), copy.to.argv.slice(-1)[0], copy.bytes]).toEqual([
      'dd if=/dev/vg0/db_bak20261127063000 bs=4M status=none',
      `${D2}/vg0-db-20261127-063000.raw.part`,
      128 * 1024 * 1024,
    ]);
    expect(copy?.kind === 'pipe' && copy.to.argv.join(' ')).toContain('conv=sparse');
    expect(argvs(r)[3]).toBe(`sh -c umask 077; exec "$@" sh qemu-img convert -p -f raw -O qcow2 -c ${D2}/vg0-db-20261127-063000.raw.part ${D2}/vg0-db-20261127-063000.qcow2.part`);
    expect(verify?.title).toMatch(/^Verify the backup against the snapshot/);
    expect(verify?.kind === 'pipe' && verify.from.argv.slice(-1)).toEqual(['/dev/vg0/db_bak20261127063000']);
    expect(argvs(r)[5]).toContain(`${D2}/vg0-db-20261127-063000.qcow2.part ${D2}/vg0-db-20261127-063000.qcow2`);
    expect(s[6]?.cleanup).toEqual({ after: 1 });
    expect(s[7]?.cleanup).toEqual({ after: 0 });
    expect(argvs(r)[7]).toBe(`rm -f -- ${D2}/vg0-db-20261127-063000.qcow2.part ${D2}/vg0-db-20261127-063000.raw.part`);
    expect(r.ok && r.plan.params).toMatchObject({ backup: { targetHost: 'lab2', file: `${D2}/vg0-db-20261127-063000.qcow2` } });
    expect(r.ok && r.plan.postChecks.find((c) => c.check.type === 'file-present')?.check).toEqual({ type: 'file-present', path: `${D2}/vg0-db-20261127-063000.qcow2`, host: 'lab2' });
  });

  it('to another host, raw: no conversion, one temporary file', () => {
    const r = plan('backup-volume', { vg: 'vg0', lv: 'db', format: 'raw', target: { host: 'lab2' } });
    expect(steps(r).map((x) => x.kind)).toEqual(['run', 'run', 'pipe', 'pipe', 'run', 'run', 'run']);
    expect(argvs(r)[6]).toBe('rm -f -- /srv/lab2-backups/vg0-db-20261127-063000.raw.part');
  });

  it('to another host: refused when its backupDir is not writable or too full (the preflight read both hosts)', () => {
    const full = plan('backup-volume', { vg: 'vg0', lv: 'db', target: { host: 'lab2' } }, { host: 'lab2', availBytes: 100 * 1024 * 1024, writable: true });
    expect(!full.ok && full.error).toContain('Free space on lab2');
    const ro = plan('backup-volume', { vg: 'vg0', lv: 'db', target: { host: 'lab2' } }, { host: 'lab2', availBytes: 2 ** 40, writable: false });
    expect(!ro.ok && ro.error).toContain('is not writable on lab2');
    const down = plan('backup-volume', { vg: 'vg0', lv: 'db', target: { host: 'lab2' } }, { host: 'lab2', availBytes: null, writable: false, error: 'ssh: connect refused' });
    expect(!down.ok && down.error).toContain('Target host lab2 answers');
    expect(plan('backup-volume', { vg: 'vg0', lv: 'db', target: { host: 'lab2' } }, { host: 'lab2', availBytes: 2 ** 40, writable: true }).ok).toBe(true);
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

  it('answers "not found" for a backup id it does not have, verify/delete of a file on another host, a restore from a host no longer configured', () => {
    for (const [op, params] of [
      ['verify-backup', { backupId: 9 }],
      ['verify-backup', { backupId: 8 }],
      ['delete-backup', { backupId: 8, confirmName: 'x' }],
    ] as const) {
      const r = plan(op, params);
      expect(!r.ok && r.error, op).toMatch(/^not found: no backup \d on host lab$/);
    }
    for (const id of [9, 10]) {
      const r = plan('restore-backup', { backupId: id, target: { vg: 'vg0', name: 'x' } });
      expect(!r.ok && r.error).toMatch(/^not found: no backup \d+ on a configured host$/);
    }
  });

  it('restores a qcow2 backup held on another host: copied here through the server, written, removed, checked', () => {
    const r = plan('restore-backup', { backupId: 8, target: { vg: 'vg0', name: 'db_restored' } });
    expect(r.ok, !r.ok ? r.error : '').toBe(true);
    const s = steps(r);
    expect(s.map((x) => (x.kind === 'pipe' ? `pipe ${x.from.host}->${x.to.host}` : x.kind === 'run' ? `${x.role}@${x.host ?? 'lab'}` : 'wait'))).toEqual([
      'check@lab', 'snapshot@lab', 'pipe lab2->lab', 'export@lab', 'other@lab', 'verify@lab',
    ]);
    expect(s[2]?.kind === 'pipe' && s[2].from.argv.join(' ')).toBe('dd if=/srv/lab2-backups/vg0-db-20261127-063000.qcow2 bs=4M status=none');
    expect(argvs(r)[3]).toBe(`qemu-img convert -p -n -f qcow2 -O raw ${DIR}/vg0-db-20261127-063000.qcow2.part /dev/vg0/db_restored`);
    expect(s[4]?.cleanup).toEqual({ after: 0 });
    expect(argvs(r)[5]).toContain(`/dev/vg0/db_restored ${128 * 1024 * 1024} ${'a'.repeat(64)}`);
  });

  it('restores a raw backup held on another host straight onto the device; a target host other than the planning one is refused', () => {
    const r = plan('restore-backup', { backupId: 11, target: { vg: 'vg0', name: 'db_restored' } });
    const s = steps(r);
    expect(s.map((x) => x.kind)).toEqual(['run', 'pipe', 'run']);
    expect(s[1]?.kind === 'pipe' && s[1].to.argv.join(' ')).toBe('dd of=/dev/vg0/db_restored bs=4M iflag=fullblock conv=fsync status=none');
    const elsewhere = plan('restore-backup', { backupId: 11, target: { host: 'lab2', vg: 'vg0', name: 'db_restored' } });
    expect(!elsewhere.ok && elsewhere.error).toContain('is planned on lab2');
  });

  it('verify re-reads the file against the stored checksum; delete needs the file name typed', () => {
    expect(argvs(plan('verify-backup', { backupId: 7 }))[0]).toContain(`${BACKUP.file} qcow2 ${'b'.repeat(64)}`);
    expect(plan('delete-backup', { backupId: 7, confirmName: 'x' }).ok).toBe(false);
    expect(argvs(plan('delete-backup', { backupId: 7, confirmName: 'vg0-db-20261127-063000.qcow2' }))).toEqual([`rm -f -- ${BACKUP.file}`]);
  });
});
