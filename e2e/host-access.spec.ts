import { expect, test } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { E2E_ADMIN_PASSWORD, E2E_PORT } from './env';
import { labSshTarget } from './lab';
import { killServer, startServer } from './server';

// Issue 16. The rest of the suite reaches the lab in helper mode (the default; lab.sh restricts the config's key to
// the host helper). Here a second server lists the lab twice with the lab's UNRESTRICTED key (lab_key): once in
// "shell" mode, which must read it as before the helper, and once with no "access" (helper mode) where no helper
// answers for that key: every verb line reaches a plain shell, and the page says the helper is missing and how to fix it.

const PORT = E2E_PORT + 16;
const BASE = `http://127.0.0.1:${PORT}`;
const DATA = path.join('/tmp', `cowherd-host-access-${E2E_PORT}`);
const READ_MS = 120_000;

test('a host in shell mode is read as before; a helper-mode host without a helper says so', async ({ browser }) => {
  test.setTimeout(360_000);
  const ssh = labSshTarget();
  const adminKey = path.join(path.dirname(ssh.identityFile), 'lab_key');
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  const config = path.join(DATA, 'cowherd.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      hosts: [
        { id: 'lab', name: 'Lab in shell mode', ssh: { ...ssh, identityFile: adminKey }, access: 'shell' },
        { id: 'nohelper', name: 'Lab without helper', ssh: { ...ssh, identityFile: adminKey } },
      ],
    }),
  );
  let server: ChildProcess | undefined;
  const context = await browser.newContext({ baseURL: BASE, storageState: undefined });
  try {
    server = await startServer({ port: PORT, dataDir: DATA, config, pollMs: 5000, env: { COWHERD_SSH_CONTROL_DIR: path.join(DATA, 'ssh') } });
    const login = await context.request.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
    expect(login.ok(), await login.text()).toBe(true);

    // Shell mode: the inventory as always, and no word about a helper.
    await expect
      .poll(async () => {
        const r = await context.request.get('/api/hosts/lab/inventory');
        const inv = (await r.json()) as { reachable?: boolean; lvs?: { name: string }[]; helper?: unknown };
        return inv.reachable === true && (inv.lvs ?? []).some((l) => l.name === 'web') && inv.helper === undefined;
      }, { timeout: READ_MS, intervals: [2000] })
      .toBe(true);

    // Helper mode with a key that reaches a shell: refused reads, and the reason first.
    await expect
      .poll(async () => ((await (await context.request.get('/api/hosts/nohelper/inventory')).json()) as { error?: string }).error ?? '', {
        timeout: READ_MS,
        intervals: [2000],
      })
      .toContain('the host helper does not answer on nohelper');
    const page = await context.newPage();
    await page.goto('/');
    const region = page.getByRole('region', { name: 'Lab without helper' });
    await expect(region.getByRole('alert')).toContainText('npm run host:install -- nohelper', { timeout: READ_MS });
    await expect(page.getByRole('region', { name: 'Lab in shell mode' }).getByText('web', { exact: true }).first()).toBeVisible({ timeout: READ_MS });
    await page.screenshot({ path: path.resolve(import.meta.dirname, '../screenshots/overview-helper-missing.png'), fullPage: true });
  } finally {
    killServer(server, 'SIGTERM');
    await context.close();
  }
});
