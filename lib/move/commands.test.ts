import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HOSTILE_ARGS } from '@/lib/host/hostile-args';
import {
  DEFINE_SCRIPT,
  autostartDisableArgv,
  ddWriteLvArgv,
  defineFromXmlArgv,
  dumpxmlMigratableArgv,
  parseProbe,
  PROBE_SCRIPT,
  sha256Argv,
  sha256CompareArgv,
  targetProbeArgv,
  teardownArgv,
} from './commands';

// The constant scripts run here with sh, on files made by the test (the lab runs them for real in the e2e spec).
const dir = mkdtempSync(path.join(os.tmpdir(), 'cowherd-move-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const UUID = '52501ad1-3ffe-4d09-8a1d-af20a2fc2a8b';

describe('argv builders', () => {
  it('act on guests by UUID with the connection URI, and refuse anything else', () => {
    expect(dumpxmlMigratableArgv(UUID, 'qemu:///system')).toEqual(['virsh', '--connect', 'qemu:///system', 'dumpxml', '--domain', UUID, '--migratable']);
    expect(autostartDisableArgv(UUID, 'qemu:///system')).toEqual(['virsh', '--connect', 'qemu:///system', 'autostart', '--disable', '--domain', UUID]);
    expect(() => autostartDisableArgv('web01', 'qemu:///system')).toThrow('is not a domain UUID');
    expect(() => teardownArgv(UUID, '--help')).toThrow('invalid connection URI');
    expect(() => ddWriteLvArgv({ vg: 'vg0', lv: '../etc' })).toThrow('invalid LV name');
    expect(() => sha256Argv({ path: '/dev/vg0/../sda', bytes: 1 })).toThrow('not an absolute, normalised path');
  });

  it('pass the domain XML to virsh as one argument, byte for byte, whatever it holds', () => {
    for (const hostile of HOSTILE_ARGS) {
      const xml = `<domain><description>${hostile}</description></domain>`;
      const argv = defineFromXmlArgv(xml, 'qemu:///system');
      expect(argv.slice(0, 5)).toEqual(['sh', '-c', DEFINE_SCRIPT, 'sh', xml]);
      // The same script with cat in virsh's place prints what virsh would read on its standard input.
      const out = execFileSync('sh', ['-c', DEFINE_SCRIPT, 'sh', xml, 'cat'], { encoding: 'utf8' });
      expect(out).toBe(xml);
    }
    expect(() => defineFromXmlArgv('rm -rf /', 'qemu:///system')).toThrow('not a <domain>');
  });
});

describe('the checksum pair', () => {
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  writeFileSync(a, Buffer.alloc(3 * 1024 * 1024, 7));
  writeFileSync(b, Buffer.concat([Buffer.alloc(3 * 1024 * 1024, 7), Buffer.from('tail beyond the size')]));
  const pair = (target: string) => {
    const [, , s1, ...r1] = sha256Argv({ path: a, bytes: 3 * 1024 * 1024 });
    const sum = execFileSync('sh', ['-c', s1!, ...r1], { encoding: 'utf8' });
    const [, , s2, ...r2] = sha256CompareArgv({ path: target, bytes: 3 * 1024 * 1024 });
    return spawnSync('sh', ['-c', s2!, ...r2], { input: sum, encoding: 'utf8' });
  };

  it('agree on equal bytes up to the size (a target LV may be larger, rounded to extents)', () => {
    const r = pair(b);
    expect(r.status).toBe(0);
    const [source, target] = r.stdout.trim().split('\n');
    expect(source).toBe(target?.replace('target', 'source'));
  });

  it('fail when a byte differs, and when the source sent nothing', () => {
    const c = path.join(dir, 'c');
    const bytes = Buffer.alloc(3 * 1024 * 1024, 7);
    bytes[1234] = 8;
    writeFileSync(c, bytes);
    expect(pair(c).status).toBe(1);
    expect(pair(c).stderr).toContain('the copy differs from the source');
    const [, , s2, ...r2] = sha256CompareArgv({ path: a, bytes: 3 * 1024 * 1024 });
    expect(spawnSync('sh', ['-c', s2!, ...r2], { input: '', encoding: 'utf8' }).status).toBe(1);
  });
});

describe('the target probe', () => {
  it('says whether the emulator and NVRAM path exist, lists interfaces, and measures directories that do not exist yet', () => {
    const argv = targetProbeArgv({ emulator: '/bin/sh', nvram: path.join(dir, 'a'), dirs: [path.join(dir, 'not', 'yet')] });
    expect(argv.slice(0, 3)).toEqual(['sh', '-c', PROBE_SCRIPT]);
    const p = parseProbe(execFileSync(argv[0]!, argv.slice(1), { encoding: 'utf8' }));
    expect(p.emulator).toBe(true);
    expect(p.nvramTaken).toBe(true);
    expect(p.avail[path.join(dir, 'not', 'yet')]).toBeGreaterThan(0);
    const none = targetProbeArgv({ emulator: '/nonexistent/qemu', nvram: null, dirs: [] });
    expect(parseProbe(execFileSync(none[0]!, none.slice(1), { encoding: 'utf8' }))).toMatchObject({ emulator: false, nvramTaken: false, avail: {} });
  });
});
