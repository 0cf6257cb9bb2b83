import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOSTILE_FILES } from '@/e2e/hostile-inputs';
import { backupFilePath, parseKeyLines, renameIntoPlaceArgv, retryArgv, reverifyArgv, targetCheckArgv } from './commands';

// The constant scripts run here for real (sh on this machine), with their values as positional arguments.
const run = (argv: string[]) => {
  try {
    return { code: 0, out: execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    const err = e as { status: number; stdout: string; stderr: string };
    return { code: err.status, out: err.stdout + err.stderr };
  }
};

describe('backup argv builders', () => {
  // x.raw is a valid backup name (raw backups); every other hostile export name is refused here too.
  it.each(HOSTILE_FILES.filter((f) => f !== 'x.raw'))('refuses the file name %j', (f) => {
    expect(() => backupFilePath('/var/lib/cowherd/backups', f)).toThrow();
  });

  it('refuses relative and unnormalised directories', () => {
    for (const d of ['backups', '/a/../b', '/a//b', '/a/./b']) expect(() => targetCheckArgv(d, 1)).toThrow();
    expect(() => targetCheckArgv('/a', -1)).toThrow();
  });

  it('the target check creates the directory, prints what is free, and fails when too little is', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'bk-')), 'sub dir;$(id)');
    const ok = run(targetCheckArgv(dir, 1));
    expect(ok.code).toBe(0);
    expect(Number(parseKeyLines(ok.out).avail)).toBeGreaterThan(0);
    const no = run(targetCheckArgv(dir, 2 ** 52));
    expect(no.code).toBe(1);
    expect(no.out).toContain('bytes free in');
  });

  it('renames into place only when the final name is free, and prints the size', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bk-'));
    const tmp = path.join(dir, 'a.qcow2.part');
    const fin = path.join(dir, 'a.qcow2');
    writeFileSync(tmp, 'abc');
    writeFileSync(fin, 'old');
    expect(run(renameIntoPlaceArgv(tmp, fin)).code).not.toBe(0);
    expect(readFileSync(fin, 'utf8')).toBe('old');
    execFileSync('rm', [fin]);
    const r = run(renameIntoPlaceArgv(tmp, fin));
    expect(parseKeyLines(r.out).size).toBe('3');
  });

  it('verify-again fails when the file changed, with the reason', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bk-'));
    const f = path.join(dir, 'a.raw');
    writeFileSync(f, 'abc');
    const want = execFileSync('sh', ['-c', 'sha256sum < "$1" | cut -d" " -f1', 'sh', f], { encoding: 'utf8' }).trim();
    expect(run(reverifyArgv(f, 'raw', want)).code).toBe(0);
    writeFileSync(f, 'abd');
    const bad = run(reverifyArgv(f, 'raw', want));
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('the file changed since the backup');
  });

  it('retries a command up to N times', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bk-'));
    expect(run(retryArgv(2, ['test', '-e', path.join(dir, 'x')])).code).toBe(1);
    expect(() => retryArgv(0, ['true'])).toThrow();
  });
});
