import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ControlDirError, defaultControlDir, ensureControlDir, MAX_CONTROL_DIR_BYTES, sshArgs, SshRunner } from './ssh';

// Real directories under /tmp (short paths, as control sockets need).
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const target = { host: '127.0.0.1', port: 22, user: 'root' };
let tmp: string | undefined;
const fresh = (): string => (tmp = mkdtempSync('/tmp/cw-ctl-'));
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe('defaultControlDir', () => {
  it('keeps the sockets beside the database when that path is short enough', () => {
    expect(defaultControlDir('/var/lib/cowherd')).toBe('/var/lib/cowherd/ssh');
  });

  it('falls back to a per-user directory under $TMPDIR when the data directory is too long for a socket path', () => {
    const long = `/srv/${'x'.repeat(60)}/data`;
    const dir = defaultControlDir(long);
    expect(dir).toBe(path.join(os.tmpdir(), `cowherd-ssh-${process.getuid?.() ?? 0}`));
    expect(Buffer.byteLength(dir)).toBeLessThanOrEqual(MAX_CONTROL_DIR_BYTES);
  });

  it('leaves room for a socket name in a 108-byte sun_path', () => {
    // '/' + 40 hex digits of %C + '.' + 16 random characters + NUL
    expect(MAX_CONTROL_DIR_BYTES + 1 + 40 + 17 + 1).toBeLessThanOrEqual(108);
  });
});

describe('ensureControlDir', () => {
  it('creates a missing directory 0700, even under a lax umask', () => {
    const dir = path.join(fresh(), 'ssh');
    const old = process.umask(0o000);
    try {
      ensureControlDir(dir);
    } finally {
      process.umask(old);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('accepts an existing 0700 directory of ours', () => {
    expect(() => ensureControlDir(fresh())).not.toThrow();
  });

  it.each([0o755, 0o750, 0o777, 0o1777, 0o711])('refuses a directory open to group or others (mode %o)', (m) => {
    const dir = fresh();
    chmodSync(dir, m);
    expect(() => ensureControlDir(dir)).toThrow(ControlDirError);
    expect(() => ensureControlDir(dir)).toThrow(/open to group or others; refusing to use it\. Fix: chmod 700/);
  });

  it.skipIf(!isRoot)('refuses a directory owned by another user (a planted /tmp/cowherd-ssh-UID)', () => {
    const dir = path.join(fresh(), 'ssh');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 4242, 4242);
    expect(() => ensureControlDir(dir)).toThrow(/owned by uid 4242, not by this process/);
  });

  it('refuses a symlink, even to a good directory', () => {
    const base = fresh();
    mkdirSync(path.join(base, 'real'), { mode: 0o700 });
    symlinkSync(path.join(base, 'real'), path.join(base, 'ssh'));
    expect(() => ensureControlDir(path.join(base, 'ssh'))).toThrow(/not a directory \(a symlink\?\)/);
  });

  it('refuses a path too long for a unix socket, naming the setting to change', () => {
    expect(() => ensureControlDir(`/tmp/${'y'.repeat(60)}`)).toThrow(/too long .*COWHERD_SSH_CONTROL_DIR/);
  });
});

describe('SshRunner', () => {
  it('refuses to start on an unsafe control directory instead of handing it to ssh', () => {
    const dir = fresh();
    chmodSync(dir, 0o777);
    expect(() => new SshRunner('h', target, { controlDir: dir })).toThrow(ControlDirError);
  });

  it('puts ControlPath inside the checked directory', () => {
    const dir = fresh();
    new SshRunner('h', target, { controlDir: dir });
    expect(sshArgs(target, { controlDir: dir })).toContain(`ControlPath=${dir}/%C`);
  });

  it('gives every configured host its own master connection, also when two entries name the same machine', () => {
    const dir = fresh();
    const controlPath = (id: string, t: typeof target) => sshArgs(t, { controlDir: dir }, id).find((a) => a.startsWith('ControlPath='));
    const a = controlPath('lab', target);
    expect(a).toMatch(new RegExp(`^ControlPath=${dir}/[0-9a-f]{40}$`));
    expect(controlPath('lab', target)).toBe(a);
    expect(controlPath('lab-2', target)).not.toBe(a);
    // The same id at another address never reuses the old master.
    expect(controlPath('lab', { ...target, port: target.port + 1 })).not.toBe(a);
    expect(controlPath('lab', { ...target, user: 'cowherd' })).not.toBe(a);
  });

  it('checks the directory again before each command: re-creates a removed one, refuses one made unsafe', async () => {
    const dir = path.join(fresh(), 'ssh');
    const r = new SshRunner('h', { ...target, port: 1 }, { controlDir: dir, connectTimeoutS: 1 });
    rmSync(dir, { recursive: true });
    // Port 1 refuses the connection; what matters is that ssh got a directory to put its socket in.
    await expect(r.run(['true'])).rejects.toMatchObject({ failure: 'unreachable' });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    chmodSync(dir, 0o777);
    await expect(r.run(['true'])).rejects.toThrow(ControlDirError);
  });
});
