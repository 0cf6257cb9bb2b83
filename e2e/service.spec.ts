import { expect, test } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, chmodSync, chownSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { E2E_PORT } from './env';
import { labSshTarget } from './lab';

// `npm run service:install` (scripts/service-install.sh) where it can run: CI machines do not run systemd as PID 1,
// so the install's own steps (user, directories, permissions, the build in the prefix, the unit) run for real into
// a temporary root, then the server is started as the unprivileged `cowherd` user with the unit's environment
// (setpriv: no capabilities, no new privileges) and must answer /api/health and read the lab over ssh.

const ROOT = path.resolve(import.meta.dirname, '..');
const PORT = E2E_PORT + 57;
const isRoot = process.getuid?.() === 0;

test.describe.configure({ timeout: 600_000 });
test.skip(!isRoot, 'service:install creates a system user: run as root (CI does)');

let tmp = '';
let server: ChildProcess | undefined;
test.afterAll(() => {
  if (server?.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const id = (flag: '-u' | '-g', name: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8).padStart(4, '0');
/** Would the cowherd user be allowed to write here? */
const cowherdMayWrite = (p: string) => {
  try {
    execFileSync('runuser', ['-u', 'cowherd', '--', 'test', '-w', p]);
    return true;
  } catch {
    return false;
  }
};

/** `Environment=K=V` lines of a unit and `K=V` lines of an environment file. */
function envLines(text: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${prefix}([A-Z_][A-Z0-9_]*)=(.*)$`).exec(line.trim());
    if (m?.[1]) out[m[1]] = m[2] ?? '';
  }
  return out;
}

test('service:install makes the user, directories and unit; the server runs unprivileged and reads the lab', async ({ request }) => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'cw-svc-'));
  chmodSync(tmp, 0o755);
  const prefix = path.join(tmp, 'opt/cowherd');
  const etc = path.join(tmp, 'etc/cowherd');
  const unitDir = path.join(tmp, 'systemd');
  mkdirSync(unitDir, { recursive: true });
  mkdirSync(path.dirname(prefix), { recursive: true });
  const t0 = Date.now();
  const out = execFileSync('bash', [path.join(ROOT, 'scripts/service-install.sh'), '--no-build', '--no-start'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, COWHERD_PREFIX: prefix, COWHERD_ETC: etc, COWHERD_UNIT_DIR: unitDir },
    timeout: 300_000,
  });
  console.log(`service:install --no-build took ${((Date.now() - t0) / 1000).toFixed(0)} s:\n${out}`);

  // The user, and who owns what.
  const uid = id('-u', 'cowherd');
  const gid = id('-g', 'cowherd');
  expect(uid).toBeGreaterThan(0);
  expect(execFileSync('getent', ['passwd', 'cowherd'], { encoding: 'utf8' })).toMatch(/:\/usr\/sbin\/nologin$/m);
  expect(statSync(prefix).uid).toBe(0);
  expect(cowherdMayWrite(prefix)).toBe(false);
  expect(cowherdMayWrite(path.join(prefix, '.next'))).toBe(false);
  expect(statSync(path.join(prefix, '.next/BUILD_ID')).isFile()).toBe(true);
  expect([statSync(etc).uid, statSync(etc).gid, modeOf(etc)]).toEqual([0, gid, '0750']);
  expect([statSync(path.join(etc, 'id_ed25519')).uid, modeOf(path.join(etc, 'id_ed25519'))]).toEqual([uid, '0600']);
  expect([statSync(path.join(etc, 'cowherd.env')).gid, modeOf(path.join(etc, 'cowherd.env'))]).toEqual([gid, '0640']);
  expect(cowherdMayWrite(path.join(etc, 'cowherd.config.json'))).toBe(false);
  const password = /the first admin password is: (\S+)/.exec(out)?.[1] ?? '';
  expect(password.length).toBeGreaterThanOrEqual(20);
  const unitFile = path.join(unitDir, 'cowherd.service');
  const unit = readFileSync(unitFile, 'utf8');
  expect(unit).toContain(`WorkingDirectory=${prefix}`);
  execFileSync('systemd-analyze', ['verify', unitFile]);

  // The unit's environment, with the directories systemd would make (StateDirectory, RuntimeDirectory) made here,
  // and a hosts file naming the lab with a copy of its key that only cowherd can read.
  const env = { ...envLines(unit, 'Environment='), ...envLines(readFileSync(path.join(etc, 'cowherd.env'), 'utf8')) };
  expect(env.COWHERD_ADMIN_PASSWORD).toBe(password);
  const state = path.join(tmp, 'var/lib/cowherd');
  const run = path.join(tmp, 'run/cowherd');
  for (const d of [state, run, path.join(tmp, 'tmp')]) {
    mkdirSync(path.dirname(d), { recursive: true, mode: 0o755 });
    mkdirSync(d, { mode: 0o700 });
    chownSync(d, uid, gid);
  }
  const lab = labSshTarget();
  copyFileSync(lab.identityFile, path.join(etc, 'lab_key'));
  chownSync(path.join(etc, 'lab_key'), uid, gid);
  chmodSync(path.join(etc, 'lab_key'), 0o600);
  copyFileSync(lab.knownHostsFile, path.join(etc, 'known_hosts'));
  const config = path.join(etc, 'cowherd.config.json');
  writeFileSync(config, JSON.stringify({ hosts: [{ id: 'lab', name: 'lab', ssh: { ...lab, identityFile: path.join(etc, 'lab_key'), knownHostsFile: path.join(etc, 'known_hosts') } }] }));
  const log = openSync(path.join(tmp, 'server.log'), 'a');
  const [exe, ...args] = unit.match(/^ExecStart=(.*)$/m)?.[1]?.split(' ') ?? [];
  expect(exe).toBe('/usr/bin/node');
  server = spawn(
    'setpriv',
    ['--reuid=cowherd', '--regid=cowherd', '--init-groups', '--no-new-privs', '--inh-caps=-all', '--bounding-set=-all', exe!, ...args],
    {
      cwd: prefix,
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        NODE_ENV: 'production',
        PATH: '/usr/bin:/bin',
        HOME: state,
        TMPDIR: path.join(tmp, 'tmp'),
        ...env,
        COWHERD_CONFIG: config,
        COWHERD_DATA_DIR: state,
        COWHERD_SSH_CONTROL_DIR: path.join(run, 'ssh'),
        PORT: String(PORT),
      },
    },
  );
  const base = `http://127.0.0.1:${PORT}`;
  await expect
    .poll(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status ?? 0, { timeout: 120_000, intervals: [1000] })
    .toBe(200);
  // It runs as cowherd, without capabilities.
  const status = readFileSync(`/proc/${execFileSync('pgrep', ['-u', 'cowherd', '-f', 'next'], { encoding: 'utf8' }).trim().split('\n')[0]}/status`, 'utf8');
  expect(status).toMatch(new RegExp(`^Uid:\\s+${uid}\\s+${uid}\\s+${uid}\\s+${uid}$`, 'm'));
  expect(status).toMatch(/^CapEff:\s+0+$/m);
  expect(status).toMatch(/^NoNewPrivs:\s+1$/m);

  const login = await request.post(`${base}/api/session`, { data: { username: 'admin', password } });
  expect(login.ok(), await login.text()).toBe(true);
  const inv = await request.get(`${base}/api/hosts/lab/inventory?fresh=1`, { timeout: 180_000 });
  expect(inv.ok(), await inv.text()).toBe(true);
  const body = (await inv.json()) as { inventory?: { vgs: { name: string }[] }; vgs?: { name: string }[] };
  const vgs = (body.inventory?.vgs ?? body.vgs ?? []).map((v) => v.name);
  expect(vgs).toEqual(expect.arrayContaining(['vg0', 'vg1']));
  // The state it wrote is its own: 0700 directory, 0600 database.
  expect(modeOf(path.join(state, 'cowherd.sqlite'))).toBe('0600');
  expect(statSync(path.join(state, 'cowherd.sqlite')).uid).toBe(uid);
});
