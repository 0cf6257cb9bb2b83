import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOSTILE_FILES } from '@/e2e/hostile-inputs';
import { LocalRunner } from '@/lib/host/local';
import { pipeBetween } from '@/lib/host/pipe';
import {
  backupFilePath,
  convertToQcow2Argv,
  parseKeyLines,
  parseTargetProbe,
  rawPartName,
  remoteVerifyArgv,
  renameIntoPlaceArgv,
  retryArgv,
  reverifyArgv,
  streamReadArgv,
  streamWriteArgv,
  targetCheckArgv,
  targetProbeArgv,
} from './commands';

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

  it('names the raw stream of a backup to another host after the backup, ending in .raw.part', () => {
    expect(rawPartName('vg0-web-20261127-063000.qcow2')).toBe('vg0-web-20261127-063000.raw.part');
    expect(rawPartName('vg0-web-20261127-063000.raw')).toBe('vg0-web-20261127-063000.raw.part');
    expect(backupFilePath('/b', rawPartName('vg0-web-20261127-063000.qcow2'))).toBe('/b/vg0-web-20261127-063000.raw.part');
  });

  it('the probe of a target looks at the nearest existing directory and creates nothing', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'bk-'));
    const r = run(targetProbeArgv(path.join(base, 'not', 'yet')));
    expect(r.code).toBe(0);
    const p = parseTargetProbe(r.out);
    expect(p.writable).toBe(true);
    expect(p.availBytes).toBeGreaterThan(0);
    expect(existsSync(path.join(base, 'not'))).toBe(false);
  });
});

// A backup to another host, with both hosts played by this machine (two local runners, the real pipe): the raw
// stream skips zero blocks and keeps the length, is converted to qcow2 on the "target", and the verification
// compares the "source" SHA-256 with the copy's, then removes the raw stream.
describe('backup between hosts: stream, convert, verify', () => {
  const src = new LocalRunner('lab');
  const dst = new LocalRunner('lab2');
  const MiB = 1024 * 1024;
  const sum = (f: string) => execFileSync('sh', ['-c', 'sha256sum < "$1" | cut -d" " -f1', 'sh', f], { encoding: 'utf8' }).trim();

  function volume(): { dir: string; dev: string } {
    const dir = mkdtempSync(path.join(tmpdir(), 'bk-x-'));
    const dev = path.join(dir, 'dev');
    // 1 MiB of random data, then 3 MiB of zeros: the zeros (also at the end) must not be written, the length kept.
    execFileSync('sh', ['-c', 'head -c 1048576 /dev/urandom > "$1" && head -c 3145728 /dev/zero >> "$1"', 'sh', dev]);
    return { dir, dev };
  }

  it('streams raw into a sparse 0600 file of the same length and bytes', async () => {
    const { dir, dev } = volume();
    const out = path.join(dir, 'vg0-x-20261127-063000.raw.part');
    const r = await pipeBetween({ runner: src, argv: streamReadArgv(dev) }, { runner: dst, argv: streamWriteArgv(out) });
    expect(r.ok, r.error ?? '').toBe(true);
    expect(r.bytes).toBe(4 * MiB);
    const st = statSync(out);
    expect(st.size).toBe(4 * MiB);
    expect(st.mode & 0o777).toBe(0o600);
    expect(st.blocks * 512, 'zero blocks are holes').toBeLessThan(2 * MiB);
    expect(sum(out)).toBe(sum(dev));
  });

  it('converts to qcow2 on the target and verifies against the source checksum; a different checksum fails', async () => {
    const { dir, dev } = volume();
    const raw = path.join(dir, 'vg0-x-20261127-063000.raw.part');
    const out = path.join(dir, 'vg0-x-20261127-063000.qcow2.part');
    expect((await pipeBetween({ runner: src, argv: streamReadArgv(dev) }, { runner: dst, argv: streamWriteArgv(raw) })).ok).toBe(true);
    expect(run(convertToQcow2Argv(raw, out)).code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const wrong = await pipeBetween({ runner: src, argv: ['sh', '-c', `echo ${'0'.repeat(64)}  -`] }, { runner: dst, argv: remoteVerifyArgv({ raw, out, format: 'qcow2' }) });
    expect(wrong.ok).toBe(false);
    expect(wrong.error).toContain('the backup differs from the snapshot');
    expect(existsSync(raw), 'kept for the cleanup step to remove').toBe(true);

    const ok = await pipeBetween({ runner: src, argv: ['sh', '-c', 'sha256sum < "$1"', 'sh', dev] }, { runner: dst, argv: remoteVerifyArgv({ raw, out, format: 'qcow2' }) });
    expect(ok.ok, ok.error ?? '').toBe(true);
    const keys = parseKeyLines(ok.to.stdout);
    expect(keys.volume).toBe(sum(dev));
    expect(keys.file).toBe(sum(out));
    expect(existsSync(raw), 'the raw stream is removed once the qcow2 image is verified').toBe(false);
  });
});
