import { expect, test, type Page } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './env';
import { domState, labLv, labSsh } from './lab';

// The four wizards driven through the browser on the lab, each checked afterwards on the host itself (lvs, virsh,
// qemu-img over ssh). The lab is shared: every LV made here is named e2ewiz_* and removed at the end of its test,
// and web01 is never stopped.

const EXPORT_DIR = '/var/lib/cowherd-exports';
const MiB = 1024 * 1024;
/**
 * Planning and running read the lab afresh; the lab is a qemu TCG VM that other test runs poll and write to at the
 * same time, where one read takes from 0.5 s to ~20 s. Steps that wait for the host get this much time.
 */
const HOST_MS = 90_000;

// Our own session: the shared storage state file (.lab/e2e-admin-state.json) is rewritten by every concurrent
// Playwright run in this checkout, each against its own server and database, so a spec must not depend on it.
test.use({ storageState: { cookies: [], origins: [] } });
// Whatever an interrupted test left behind (a job may still finish after its test timed out): only e2ewiz_* LVs.
test.afterAll(() => {
  labSsh(
    'for lv in $(lvs --noheadings -o vg_name,lv_name --separator / vg0 vg1 2>/dev/null | tr -d " " | grep "/e2ewiz_"); ' +
      'do lvremove -y "$lv" >/dev/null 2>&1; done; rm -f /var/lib/cowherd-exports/e2ewiz.qcow2; true',
  );
});
test.beforeEach(async ({ page }) => {
  const res = await page.request.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
  expect(res.ok(), await res.text()).toBe(true);
});

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/wiz-${name}.png`, fullPage: true });
}

/** The review step's command block (planScript: the exact commands, in order). */
/** How a plan shows a virsh command on a guest: by UUID, on the host's connection. */
const virshOn = (domain: string, command: string) =>
  `virsh --connect qemu:///system ${command} --domain ${labSsh(`virsh domuuid ${domain}`).trim()}`;
const commandsOf = (page: Page) => page.getByRole('region', { name: /^Commands, in this order/ }).locator('pre');

/** Remove an LV of ours if it is there (a leftover of an interrupted run, or the end of a test). */
function dropLv(vgLv: string) {
  if (!/^vg[01]\/e2ewiz_[A-Za-z0-9_]+$/.test(vgLv)) throw new Error(`refusing to remove ${vgLv}`);
  labSsh(`lvs ${vgLv} >/dev/null 2>&1 && lvremove -y ${vgLv} >/dev/null; true`);
}

/** A classic snapshot of vg0/web made outside Cowherd, as a starting point for the extend/remove/export wizards. */
function makeSnapshot(name: string, sizeMiB: number) {
  dropLv(`vg0/${name}`);
  labSsh(`lvcreate -q -s -L ${sizeMiB}m -n ${name} vg0/web >/dev/null`);
}

/** On the job page: wait until the job has ended (the post-check results appear) and return its status text. */
async function waitForJobEnd(page: Page) {
  await expect(page).toHaveURL(/\/jobs\/\d+$/, { timeout: HOST_MS });
  await expect(page.getByText(/^(Done\.|Ended: \w+\.)$/)).toBeVisible({ timeout: HOST_MS });
  return (await page.getByText(/^(Done\.|Ended: \w+\.)$/).textContent()) ?? '';
}

test.describe('snapshot wizards', () => {
  test.describe.configure({ timeout: 360_000 });

  test('create: a snapshot of vg0/web; web01 (no guest agent) is suspended and resumed', async ({ page }) => {
    const name = 'e2ewiz_create';
    dropLv(`vg0/${name}`);
    try {
      await page.goto('/hosts/lab/create-snapshot?vg=vg0&origin=web');
      await expect(page.getByRole('heading', { name: 'Create a snapshot' })).toBeVisible();
      await expect(page.getByLabel('Origin')).toHaveValue('vg0/web');
      await expect(page.getByText('Classic (COW) snapshot')).toBeVisible();
      // 20% of the 256 MiB origin, and the VG's free space next to it.
      await expect(page.getByLabel('COW area size (MiB)')).toHaveValue('52');
      await expect(page.getByText(/free in vg0 \(\d+ MiB\)/)).toBeVisible();
      // No guest agent in the lab: freeze is disabled with the reason, suspend/resume is the default.
      await expect(page.getByRole('radio', { name: 'Freeze file systems (guest agent)' })).toBeDisabled();
      await expect(page.getByText(/guest agent of web01 does not answer/)).toBeVisible();
      await expect(page.getByRole('radio', { name: 'Suspend and resume the guest' })).toBeChecked();
      await expect(page.getByRole('radio', { name: 'None (crash-consistent)' })).toBeEnabled();
      await expect(page.getByLabel('Snapshot name')).toHaveValue(/^web_snap_\d{8}-\d{4}$/);

      // A name that exists already is refused live, then ours.
      await page.getByLabel('Snapshot name').fill('db');
      await expect(page.getByRole('alert').filter({ hasText: 'vg0/db already exists' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Review' })).toBeDisabled();
      await page.getByLabel('Snapshot name').fill(name);
      await page.getByLabel('COW area size (MiB)').fill('16');
      await expect(page.getByRole('button', { name: 'Review' })).toBeEnabled();
      await shot(page, 'create-1-form');

      await page.getByRole('button', { name: 'Review' }).click();
      await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible({ timeout: HOST_MS });
      const commands = commandsOf(page);
      await expect(commands).toContainText(virshOn('web01', 'suspend'));
      await expect(commands).toContainText(`lvcreate -s -L 16m -n ${name} vg0/web`);
      await expect(commands).toContainText(virshOn('web01', 'resume'));
      await expect(page.getByLabel('Preflight checks')).toContainText('Snapshot name is free');
      await shot(page, 'create-2-review');

      await page.getByRole('button', { name: 'Run' }).click();
      expect(await waitForJobEnd(page)).toBe('Done.');
      await expect(page.getByLabel('Command of step 1')).toHaveText(virshOn('web01', 'suspend'));
      await expect(page.getByLabel('Command of step 2')).toHaveText(`lvcreate -s -L 16m -n ${name} vg0/web`);
      await expect(page.getByLabel('Command of step 3')).toHaveText(virshOn('web01', 'resume'));
      await expect(page.getByLabel('Post-check results')).toContainText(`✓ lvs lists vg0/${name} as a snapshot of web`);
      await expect(page.getByLabel('Post-check results')).toContainText('✓ web01 is running again');
      await shot(page, 'create-3-job');

      // The host itself says so.
      const lv = labLv(`vg0/${name}`);
      expect(lv?.origin).toBe('web');
      expect(Number(lv?.lv_size)).toBe(16 * MiB);
      expect(domState('web01')).toBe('running');
    } finally {
      dropLv(`vg0/${name}`);
    }
  });

  test('create: the origin picker offers plain and thin volumes; a thin origin makes a thin snapshot', async ({ page }) => {
    await page.goto('/hosts/lab/create-snapshot');
    await expect(page.getByLabel('Origin')).toHaveValue('');
    await expect(page.getByRole('button', { name: 'Review' })).toBeDisabled();
    await page.getByLabel('Origin').selectOption('vg1/thin1');
    await expect(page).toHaveURL(/[?&]vg=vg1&origin=thin1$/);
    await expect(page.getByText('Thin snapshot', { exact: true })).toBeVisible();
    await expect(page.getByLabel('COW area size (MiB)')).toHaveCount(0);
    // thin1 is no guest's disk: nothing to choose about consistency.
    await expect(page.getByRole('radio')).toHaveCount(0);
    await expect(page.getByLabel('Snapshot name')).toHaveValue(/^thin1_snap_\d{8}-\d{4}$/);
    await shot(page, 'create-thin-form');
  });

  test('extend: +16 MiB grows the COW area on the host', async ({ page }) => {
    const name = 'e2ewiz_extend';
    makeSnapshot(name, 16);
    try {
      expect(Number(labLv(`vg0/${name}`)?.lv_size)).toBe(16 * MiB);
      await page.goto(`/hosts/lab/extend?vg=vg0&snapshot=${name}`);
      await expect(page.getByRole('heading', { name: 'Extend a snapshot' })).toBeVisible();
      await expect(page.getByText('Current size')).toBeVisible();
      await expect(page.getByRole('progressbar', { name: `COW usage of vg0/${name}` })).toBeVisible();
      await expect(page.getByText('Time to full')).toBeVisible();
      // The host's lvmconfig: auto-extension is off in the lab (threshold 100, monitoring 0).
      await expect(page.getByText('activation/snapshot_autoextend_threshold')).toBeVisible();
      await expect(page.getByText('100 (100 = off)')).toBeVisible();
      await expect(page.getByText('0 (off)')).toBeVisible();

      const add = page.getByLabel('Grow by (+MiB)');
      await add.fill('999999');
      await expect(page.getByRole('alert').filter({ hasText: /are free in vg0/ })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Review' })).toBeDisabled();
      await add.fill('16');
      await expect(page.getByText(/New size: about 32 MiB/)).toBeVisible();
      await shot(page, 'extend-1-form');

      await page.getByRole('button', { name: 'Review' }).click();
      await expect(commandsOf(page)).toHaveText(`lvextend -L +16m vg0/${name}`, { timeout: HOST_MS });
      await shot(page, 'extend-2-review');
      await page.getByRole('button', { name: 'Run' }).click();
      expect(await waitForJobEnd(page)).toBe('Done.');
      await shot(page, 'extend-3-job');

      expect(Number(labLv(`vg0/${name}`)?.lv_size)).toBe(32 * MiB);
    } finally {
      dropLv(`vg0/${name}`);
    }
  });

  test('remove: typing the name enables removal; lvs no longer lists the snapshot', async ({ page }) => {
    const name = 'e2ewiz_remove';
    makeSnapshot(name, 8);
    try {
      await page.goto(`/hosts/lab/remove?vg=vg0&snapshot=${name}`);
      await expect(page.getByRole('heading', { name: 'Remove a snapshot' })).toBeVisible();
      await expect(page.getByText('Removing the snapshot keeps the changes.')).toBeVisible();
      const review = page.getByRole('button', { name: 'Review' });
      await expect(review).toBeDisabled();
      await page.getByLabel(`Type ${name} to confirm`).fill(name.toUpperCase());
      await expect(review).toBeDisabled();
      await page.getByLabel(`Type ${name} to confirm`).fill(name);
      await expect(review).toBeEnabled();
      await shot(page, 'remove-1-form');

      await review.click();
      await expect(commandsOf(page)).toHaveText(`lvremove -y vg0/${name}`, { timeout: HOST_MS });
      await shot(page, 'remove-2-review');
      await page.getByRole('button', { name: 'Remove snapshot' }).click();
      const dialog = page.getByRole('dialog', { name: `Remove vg0/${name} for good?` });
      await expect(dialog).toBeVisible();
      await shot(page, 'remove-3-dialog');
      await dialog.getByRole('button', { name: 'Remove snapshot' }).click();
      expect(await waitForJobEnd(page)).toBe('Done.');
      await expect(page.getByLabel('Post-check results')).toContainText(`✓ lvs -a no longer lists vg0/${name}`);
      await shot(page, 'remove-4-job');

      expect(labLv(`vg0/${name}`)).toBeNull();
    } finally {
      dropLv(`vg0/${name}`);
    }
  });

  test('export: a qcow2 file in the export directory, identical to the snapshot', async ({ page }) => {
    const name = 'e2ewiz_export';
    const file = 'e2ewiz.qcow2';
    makeSnapshot(name, 16);
    labSsh(`rm -f ${EXPORT_DIR}/${file}`);
    try {
      await page.goto(`/hosts/lab/export?vg=vg0&snapshot=${name}`);
      await expect(page.getByRole('heading', { name: 'Export a snapshot' })).toBeVisible();
      await expect(page.getByText(EXPORT_DIR).first()).toBeVisible();
      await expect(page.getByLabel('File name')).toHaveValue(new RegExp(`^${name}-\\d{8}\\.qcow2$`));
      await page.getByLabel('File name').fill('../etc/passwd');
      await expect(page.getByRole('alert').filter({ hasText: 'no directories' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Review' })).toBeDisabled();
      await page.getByLabel('File name').fill(file);
      await expect(page.getByLabel('Compress')).not.toBeChecked();
      await shot(page, 'export-1-form');

      await page.getByRole('button', { name: 'Review' }).click();
      // Under umask 077 (the image is 0600), after a check that refuses a symlink at the destination.
      await expect(commandsOf(page)).toContainText(
        `sh -c 'umask 077; exec "$@"' sh qemu-img convert -p -f raw -O qcow2 /dev/vg0/${name} ${EXPORT_DIR}/${file}`,
        { timeout: HOST_MS },
      );
      await expect(commandsOf(page)).toContainText(`sh -c 'test ! -e "$1" && test ! -L "$1"' sh ${EXPORT_DIR}/${file}`);
      await shot(page, 'export-2-review');
      await page.getByRole('button', { name: 'Run' }).click();
      await expect(page).toHaveURL(/\/jobs\/\d+$/, { timeout: HOST_MS });
      await expect(page.getByRole('progressbar', { name: 'Job progress' })).toBeVisible();
      expect(await waitForJobEnd(page)).toBe('Done.');
      await expect(page.getByRole('progressbar', { name: 'Job progress' })).toHaveAttribute('aria-valuenow', '100');
      await expect(page.getByLabel('Post-check results')).toContainText(`✓ ${EXPORT_DIR}/${file} exists`);
      await shot(page, 'export-3-job');

      const compare = labSsh(`qemu-img compare -f raw -F qcow2 /dev/vg0/${name} ${EXPORT_DIR}/${file}`);
      expect(compare).toContain('Images are identical');
    } finally {
      labSsh(`rm -f ${EXPORT_DIR}/${file}`);
      dropLv(`vg0/${name}`);
    }
  });
});
