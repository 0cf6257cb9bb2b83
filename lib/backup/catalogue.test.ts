import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderMetrics } from '@/lib/metrics/registry';
import { openDb } from '@/lib/store/sqlite';
import { getBackup, insertBackup, listBackups, newestBackups, recordJobOutcome, unknownFiles, type NewBackup } from './catalogue';

const db = () => openDb(path.join(mkdtempSync(path.join(tmpdir(), 'bkcat-')), 'c.db'));
const base: NewBackup = {
  host: 'lab', vg: 'vg0', lv: 'db', guestName: 'db01', guestUuid: 'u1', targetHost: 'lab', file: '/b/vg0-db-1.qcow2', format: 'qcow2',
  logicalSizeBytes: 100, sizeOnDiskBytes: 10, volumeSha256: 'a'.repeat(64), fileSha256: 'b'.repeat(64), consistency: 'offline',
  createdAt: '2026-11-30T10:00:00.000Z', durationMs: 5, throughputBps: 20, jobId: 1,
};

describe('backup catalogue', () => {
  it('filters by host, VG, LV and guest, newest first; the newest per volume goes to /metrics', async () => {
    const d = db();
    insertBackup(d, base);
    insertBackup(d, { ...base, file: '/b/vg0-db-2.qcow2', createdAt: '2026-11-30T11:00:00.000Z', sizeOnDiskBytes: 12 });
    insertBackup(d, { ...base, lv: 'web', guestName: 'web01', file: '/b/vg0-web-1.qcow2' });
    expect(listBackups(d, { lv: 'db' }).map((b) => b.file)).toEqual(['/b/vg0-db-2.qcow2', '/b/vg0-db-1.qcow2']);
    expect(listBackups(d, { guest: 'web01' })).toHaveLength(1);
    expect(listBackups(d, { host: 'other' })).toHaveLength(0);
    expect(newestBackups(d).find((b) => b.lv === 'db')).toMatchObject({ createdAt: '2026-11-30T11:00:00.000Z', sizeOnDiskBytes: 12 });
    const { body } = await renderMetrics({ hosts: [], jobs: [], alerts: [], backups: newestBackups(d) });
    expect(body).toMatch(/^cowherd_backup_newest_size_bytes\{host="lab",vg="vg0",lv="db"\} 12$/m);
    expect(body).toMatch(/^cowherd_backup_newest_age_seconds\{host="lab",vg="vg0",lv="db"\} \d+/m);
  });

  it('records a backup-volume job that succeeded from its verify and rename output, and nothing from a failed one', () => {
    const d = db();
    const job = {
      id: 3, host: 'lab', operation: 'backup-volume', username: 'a', status: 'succeeded' as const, lockKey: null, phase: null, progress: 1,
      message: null, error: null, createdAt: '2026-11-30T10:00:00.000Z', startedAt: '2026-11-30T10:00:00.000Z', endedAt: '2026-11-30T10:00:10.000Z', plan: null,
      params: { vg: 'vg0', lv: 'db', format: 'qcow2', backup: { file: '/b/x.qcow2', dir: '/b', tmp: '/b/x.qcow2.part', snapshot: 's', sizeBytes: 100, consistency: 'suspended', guestName: 'db01', guestUuid: null, targetHost: 'lab' } },
      steps: [
        { id: 1, seq: 4, kind: 'run', title: 'Copy vg0/s to /b/x.qcow2.part', argv: null, status: 'succeeded' as const, exitCode: 0, stdout: '', stderr: '', startedAt: '2026-11-30T10:00:01.000Z', endedAt: '2026-11-30T10:00:03.000Z' },
        { id: 2, seq: 5, kind: 'run', title: 'Verify the backup against the snapshot (SHA-256)', argv: null, status: 'succeeded' as const, exitCode: 0, stdout: `volume ${'c'.repeat(64)}\nfile ${'d'.repeat(64)}\n`, stderr: '', startedAt: null, endedAt: null },
        { id: 3, seq: 6, kind: 'run', title: 'Rename the verified backup to /b/x.qcow2', argv: null, status: 'succeeded' as const, exitCode: 0, stdout: 'size 42\n', stderr: '', startedAt: null, endedAt: null },
      ],
    };
    recordJobOutcome(d, { ...job, status: 'failed' });
    expect(listBackups(d)).toHaveLength(0);
    recordJobOutcome(d, job);
    const [b] = listBackups(d);
    expect(b).toMatchObject({ file: '/b/x.qcow2', consistency: 'suspended', volumeSha256: 'c'.repeat(64), fileSha256: 'd'.repeat(64), sizeOnDiskBytes: 42, durationMs: 10000, throughputBps: 50, lastVerifyOk: true });
    expect(getBackup(d, b!.id)?.jobId).toBe(3);
  });

  it('lists files the catalogue does not know', () => {
    const d = db();
    insertBackup(d, { ...base, file: '/b/known.qcow2' });
    expect(unknownFiles(d, 'lab', '/b', '10 known.qcow2\n20 stray.raw\n5 x.qcow2.part\n')).toEqual([
      { name: 'stray.raw', sizeBytes: 20 },
      { name: 'x.qcow2.part', sizeBytes: 5 },
    ]);
  });
});
