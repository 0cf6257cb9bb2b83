import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { E2E_ADMIN_PASSWORD, LAB_DIR } from './env';
import { labSshArgs } from './lab';
import { killServer, startServer } from './server';

// The rollback wizard (/hosts/:host/merge) on the real lab, each test checked on the host itself: the first 32 MiB of
// the origin hashed over ssh before the overwrite and after the rollback. The lab is shared with other runs: every
// LV made here is named e2emerge_*, the only domain defined here is e2emerge-thin, and web01 is running at the end
// of every test (the tests shut it down on purpose, through Cowherd).

/** Planning, running and polling read the lab afresh; the lab is a qemu TCG VM shared with other test runs. */
const HOST_MS = 120_000;
/** A whole rollback job: an ACPI wait that times out, a forced power-off, the merge, the start. */
const JOB_MS = 300_000;
const THIN_DOMAIN = 'e2emerge-thin';

// --- the lab, over one reused ssh connection (e2e/lab.ts's labSsh opens a new one per call: ~4 s each here) -------

const SSH_ARGS = labSshArgs();

/** A shell command on the lab as root, outside Cowherd; stdout. Throws with stderr when it fails. */
function lab(command: string, timeoutMs = HOST_MS): string {
  return execFileSync('ssh', [...SSH_ARGS, command], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** lvs -a for one LV (hidden ones too), or null when lvm2 does not list it. */
function lv(vgLv: string): Record<string, string> | null {
  try {
    const out = lab(`lvs -a --reportformat json -o lv_name,lv_attr,origin,data_percent ${vgLv} 2>/dev/null`);
    return (JSON.parse(out) as { report: { lv: Record<string, string>[] }[] }).report[0]?.lv[0] ?? null;
  } catch {
    return null;
  }
}

const state = (domain: string) => lab(`virsh domstate ${domain}`).trim();
/** How a plan shows a virsh command on a guest: by UUID, on the host's connection. */
const virshOn = (domain: string, command: string) =>
  `virsh --connect qemu:///system ${command} --domain ${lab(`virsh domuuid ${domain}`).trim()}`;

/** sha256 of the first 32 MiB (every write here stays in them; a whole LV is slow to read under TCG). */
const sha = (dev: string) => lab(`dd if=${dev} bs=1M count=32 iflag=direct status=none | sha256sum | cut -d' ' -f1`).trim();

/** Random data over the first `mib` MiB of a device, bypassing the page cache. */
const scribble = (dev: string, mib: number) => lab(`dd if=/dev/urandom of=${dev} bs=1M count=${mib} oflag=direct status=none`, 300_000);

/**
 * Everything this spec may have left behind: e2emerge_* LVs (a merge left pending is finished first: the guests
 * holding its origin are powered off, the merge driven to its end), the temporary domain; web01 running.
 */
function cleanUp() {
  lab(
    [
      `virsh destroy ${THIN_DOMAIN} >/dev/null 2>&1; virsh undefine ${THIN_DOMAIN} >/dev/null 2>&1; rm -f /tmp/${THIN_DOMAIN}.xml`,
      'for pass in 1 2; do for lv in $(lvs -a --noheadings -o vg_name,lv_name --separator / vg0 vg1 2>/dev/null | tr -d " []" | grep "/e2emerge_"); do',
      '  lvremove -y "$lv" >/dev/null 2>&1 && continue',
      '  vg=${lv%/*}; o=$(lvs -a --noheadings -o origin "$lv" | tr -d " "); [ -n "$o" ] || continue',
      '  for d in $(virsh list --name); do virsh domblklist "$d" | grep -q " /dev/$vg/$o\\$" && virsh destroy "$d" >/dev/null; done',
      '  lvchange --refresh "$vg/$o"; lvconvert --merge "$lv" >/dev/null 2>&1; lvremove -y "$lv" >/dev/null 2>&1',
      'done; done',
      'virsh domstate web01 | grep -q running || virsh start web01 >/dev/null',
      'true',
    ].join('\n'),
    300_000,
  );
}

/** An LV name of ours only, ever: the spec never removes anything else. */
function ours(vgLv: string): string {
  if (!/^vg[01]\/e2emerge_[a-z]+$/.test(vgLv)) throw new Error(`not an e2emerge LV: ${vgLv}`);
  return vgLv;
}

// --- the app ------------------------------------------------------------------------------------------------------

// Our own session: the shared storage state file is rewritten by every concurrent Playwright run in this checkout.
test.use({ storageState: { cookies: [], origins: [] } });
test.beforeAll(cleanUp);
test.afterAll(cleanUp);
test.beforeEach(async ({ page }) => {
  const res = await page.request.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
  expect(res.ok(), await res.text()).toBe(true);
});

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/merge-${name}.png`, fullPage: true });
}

const commandsOf = (page: Page) => page.getByRole('region', { name: /^Commands, in this order/ }).locator('pre');
const finished = (page: Page) => page.getByText(/^(Done\.|Ended: \w+\.)$/);

async function waitForJobEnd(page: Page) {
  await expect(page).toHaveURL(/\/jobs\/\d+$/, { timeout: HOST_MS });
  await expect(finished(page)).toBeVisible({ timeout: JOB_MS });
  return (await finished(page).textContent()) ?? '';
}

/** On the wizard's form: choose "shut down, merge, start again" with a short ACPI wait and consent to a power-off. */
async function chooseShutdown(page: Page, guest: string) {
  await page.getByRole('radio', { name: new RegExp(`^Shut down ${guest}, merge`) }).click();
  await page.getByLabel('ACPI shutdown timeout (seconds)').fill('10');
  const forceOff = page.getByRole('checkbox', { name: `If ${guest} ignores the shutdown request, power it off (like pulling the plug)` });
  await expect(forceOff).not.toBeChecked();
  // The lab's guests have no OS and ignore ACPI: without this consent the job would stop before merging.
  await forceOff.check();
  await expect(page.getByRole('checkbox', { name: `Start ${guest} again afterwards` })).toBeChecked();
}

/** On the review step: type the snapshot's name, then the red button. */
async function confirmAndRun(page: Page, snapshot: string, button: string) {
  const run = page.getByRole('button', { name: button, exact: true });
  await expect(run).toBeDisabled();
  await page.getByLabel(`Type ${snapshot} to confirm the rollback`).fill(snapshot);
  await expect(run).toBeEnabled();
  await run.click();
}

test.describe('rollback wizard', () => {
  test.describe.configure({ timeout: 600_000 });

  test('(a) web01 running: shut down (forced power-off), merge, start again; the data is the snapshot’s', async ({ page }) => {
    const snap = 'e2emerge_a';
    try {
      expect(state('web01')).toBe('running');
      scribble('/dev/vg0/web', 8);
      const before = sha('/dev/vg0/web');
      lab(`lvcreate -q -s -L 64M -n ${snap} vg0/web >/dev/null`);
      scribble('/dev/vg0/web', 8);
      expect(sha('/dev/vg0/web')).not.toBe(before);

      await page.goto(`/hosts/lab/merge?vg=vg0&snapshot=${snap}`);
      await expect(page.getByRole('heading', { name: 'Roll back to a snapshot' })).toBeVisible();
      // Preflight in plain words: the snapshot, its origin, the guest with its state, what is lost.
      const facts = page.getByRole('region', { name: 'What the rollback works on' });
      await expect(facts).toContainText(`vg0/${snap}`);
      await expect(facts).toContainText('classic (COW) snapshot, 64 MiB');
      await expect(page.getByRole('list', { name: 'Guests using the origin' })).toContainText('web01running');
      await expect(page.getByRole('note', { name: 'Consequence' })).toContainText(
        new RegExp(`Everything written to vg0/web since ${snap} was taken \\(.+ UTC, .+ ago\\) is lost\\.`),
      );
      await expect(page.getByRole('note', { name: 'Consequence' })).toContainText('The snapshot disappears when the merge ends.');
      // web01 holds the origin: two ways, none chosen yet.
      await expect(page.getByRole('radio', { name: 'Shut down web01, merge, start it again' })).not.toBeChecked();
      await expect(page.getByRole('radio', { name: 'Schedule the merge' })).not.toBeChecked();
      await expect(page.getByRole('button', { name: 'Review' })).toBeDisabled();
      await shot(page, '1-choose');

      await chooseShutdown(page, 'web01');
      await page.getByLabel('ACPI shutdown timeout (seconds)').fill('2');
      await expect(page.getByRole('alert').filter({ hasText: 'from 5 to 3600' })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Review' })).toBeDisabled();
      await page.getByLabel('ACPI shutdown timeout (seconds)').fill('10');
      await expect(page.getByRole('button', { name: 'Review' })).toBeEnabled();
      await shot(page, '2-shutdown-options');

      await page.getByRole('button', { name: 'Review' }).click();
      await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible({ timeout: HOST_MS });
      const commands = commandsOf(page);
      await expect(commands).toContainText(virshOn('web01', 'shutdown'));
      await expect(commands).toContainText(virshOn('web01', 'destroy'));
      await expect(commands).toContainText(`lvconvert --merge --interval 1 vg0/${snap}`);
      await expect(commands).toContainText('lvchange --refresh vg0/web');
      await expect(commands).toContainText(virshOn('web01', 'start'));
      await expect(page.getByLabel('Preflight checks')).toContainText('A guest to shut down uses the origin');
      await shot(page, '3-review');

      await confirmAndRun(page, snap, 'Roll back');
      await expect(page).toHaveURL(/\/jobs\/\d+$/, { timeout: HOST_MS });
      // The shutdown wait, live, with the seconds left (the guest ignores ACPI, so it lasts the whole timeout).
      await expect(page.getByText(/web01 is running; waiting for shut off \(\d+ s left\)/)).toBeVisible({ timeout: HOST_MS });
      await shot(page, '4-job-shutdown-wait');
      expect(await waitForJobEnd(page)).toBe('Done.');
      await expect(page.getByLabel('Post-check results')).toContainText(`✓ lvs -a no longer lists vg0/${snap}`);
      await expect(page.getByLabel('Post-check results')).toContainText('✓ web01 is running');
      await shot(page, '5-job-done');

      expect(sha('/dev/vg0/web')).toBe(before);
      expect(lv(`vg0/${snap}`)).toBeNull();
      expect(state('web01')).toBe('running');
    } finally {
      cleanUp();
    }
  });

  test('(b) scheduled while web01 runs, shown as pending, then completed from the UI', async ({ page }) => {
    const snap = 'e2emerge_b';
    try {
      expect(state('web01')).toBe('running');
      scribble('/dev/vg0/web', 8);
      const before = sha('/dev/vg0/web');
      lab(`lvcreate -q -s -L 64M -n ${snap} vg0/web >/dev/null`);
      scribble('/dev/vg0/web', 8);
      const after = sha('/dev/vg0/web');
      expect(after).not.toBe(before);

      await page.goto(`/hosts/lab/merge?vg=vg0&snapshot=${snap}`);
      await page.getByRole('radio', { name: 'Schedule the merge' }).click();
      await expect(page.getByText(/it must then be completed from Cowherd/)).toBeVisible();
      await expect(page.getByLabel('ACPI shutdown timeout (seconds)')).toHaveCount(0);
      await shot(page, '6-schedule');
      await page.getByRole('button', { name: 'Review' }).click();
      await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible({ timeout: HOST_MS });
      await expect(commandsOf(page)).toHaveText(`lvconvert --merge vg0/${snap}`);
      await expect(page.getByRole('region', { name: 'Review' })).toContainText('no new snapshot of web can be made');
      await confirmAndRun(page, snap, 'Schedule rollback');
      expect(await waitForJobEnd(page)).toBe('Done.');
      await expect(page.getByLabel('Post-check results')).toContainText(`✓ vg0/${snap} is marked for merging`);

      // lvm2 deferred it: the origin is "O", the snapshot hidden and "S"; web01 still runs on the current data.
      expect(lv('vg0/web')?.lv_attr).toMatch(/^Owi-ao/);
      expect(lab('lvs -a --noheadings -o lv_name,lv_attr vg0')).toMatch(new RegExp(`\\[${snap}\\]\\s+Swi`));
      expect(state('web01')).toBe('running');
      expect(sha('/dev/vg0/web')).toBe(after);

      // The pending merge, where people look: the Snapshots page, the guest, the Overview's alerts.
      await page.goto('/snapshots');
      const row = page.getByRole('row').filter({ hasText: snap });
      await expect(row).toContainText('merging', { timeout: HOST_MS });
      await expect(row.getByRole('link', { name: `Merge status of vg0/${snap}` })).toBeVisible();
      await shot(page, '7-snapshots-pending');
      await page.goto('/guests');
      const guest = page.getByRole('article').filter({ hasText: 'web01' });
      await expect(guest).toContainText(snap, { timeout: HOST_MS });
      await expect(guest.getByRole('link', { name: 'rollback pending' })).toHaveAttribute('href', `/hosts/lab/merge?vg=vg0&snapshot=${snap}`);
      await expect(guest).toContainText('merge pending');
      await shot(page, '7b-guests-pending');
      await page.goto('/');
      const alert = page.getByRole('listitem').filter({ hasText: `Merge of vg0/${snap} into vg0/web is pending` });
      await expect(alert).toBeVisible({ timeout: HOST_MS });
      await expect(alert).toContainText('a guest uses it');
      await shot(page, '8-overview-pending');
      await alert.getByRole('link', { name: 'Finish rollback' }).click();

      // The same page now completes the merge: web01 still runs, so it offers to shut it down first.
      // The page reads the host before it renders (a TCG lab: many seconds).
      await expect(page).toHaveURL(new RegExp(`/hosts/lab/merge\\?vg=vg0&snapshot=${snap}$`), { timeout: HOST_MS });
      await expect(page.getByRole('heading', { name: 'Complete a pending rollback' })).toBeVisible();
      await expect(page.getByText(/is pending: lvm2 accepted it but waits because vg0\/web is open/)).toBeVisible();
      await expect(page.getByRole('note', { name: 'Consequence' })).toContainText('is lost when the merge completes');
      await page.getByLabel('ACPI shutdown timeout (seconds)').fill('10');
      await page.getByRole('checkbox', { name: 'If web01 ignores the shutdown request, power it off (like pulling the plug)' }).check();
      await expect(page.getByRole('checkbox', { name: 'Start web01 again afterwards' })).toBeChecked();
      await shot(page, '9-complete');
      await page.getByRole('button', { name: 'Review' }).click();
      await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible({ timeout: HOST_MS });
      const commands = commandsOf(page);
      await expect(commands).toContainText(virshOn('web01', 'shutdown'));
      await expect(commands).toContainText(virshOn('web01', 'destroy'));
      await expect(commands).toContainText('lvchange --refresh vg0/web');
      await expect(commands).toContainText(virshOn('web01', 'start'));
      await shot(page, '10-complete-review');
      await page.getByRole('button', { name: 'Complete pending merge' }).click();
      expect(await waitForJobEnd(page)).toBe('Done.');
      await shot(page, '11-complete-job');

      expect(sha('/dev/vg0/web')).toBe(before);
      expect(lv(`vg0/${snap}`)).toBeNull();
      expect(lv('vg0/web')?.lv_attr).not.toMatch(/^O/);
      expect(state('web01')).toBe('running');
    } finally {
      cleanUp();
    }
  });

  test('(c) a thin snapshot in vg1, its origin the disk of a running temporary guest', async ({ page }) => {
    const snap = 'e2emerge_t';
    try {
      // A guest like web01 (no OS, idles in firmware) with vg1/thin1 as its disk and no network.
      const xml = `<domain type='qemu'>
  <name>${THIN_DOMAIN}</name>
  <memory unit='KiB'>32768</memory>
  <vcpu placement='static'>1</vcpu>
  <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type><boot dev='hd'/></os>
  <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='block' device='disk'>
      <driver name='qemu' type='raw' cache='none'/>
      <source dev='/dev/vg1/thin1'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <audio id='1' type='none'/>
    <memballoon model='none'/>
  </devices>
</domain>`;
      lab(`cat > /tmp/${THIN_DOMAIN}.xml <<'EOF'\n${xml}\nEOF\nvirsh define /tmp/${THIN_DOMAIN}.xml >/dev/null && virsh start ${THIN_DOMAIN} >/dev/null`);
      expect(state(THIN_DOMAIN)).toBe('running');

      scribble('/dev/vg1/thin1', 8);
      const before = sha('/dev/vg1/thin1');
      lab(`lvcreate -q -s -n ${snap} vg1/thin1 >/dev/null`);
      scribble('/dev/vg1/thin1', 8);
      expect(sha('/dev/vg1/thin1')).not.toBe(before);

      await page.goto(`/hosts/lab/merge?vg=vg1&snapshot=${snap}`);
      await expect(page.getByRole('region', { name: 'What the rollback works on' })).toContainText('thin snapshot in pool vg1/pool');
      await expect(page.getByRole('list', { name: 'Guests using the origin' })).toContainText(`${THIN_DOMAIN}running`, { timeout: HOST_MS });
      await chooseShutdown(page, THIN_DOMAIN);
      await shot(page, '12-thin-choose');
      await page.getByRole('button', { name: 'Review' }).click();
      await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible({ timeout: HOST_MS });
      await expect(commandsOf(page)).toContainText(virshOn(THIN_DOMAIN, 'shutdown'));
      await expect(commandsOf(page)).toContainText(`lvconvert --merge --interval 1 vg1/${snap}`);
      await confirmAndRun(page, snap, 'Roll back');
      expect(await waitForJobEnd(page)).toBe('Done.');
      await shot(page, '13-thin-job');

      expect(sha('/dev/vg1/thin1')).toBe(before);
      expect(lv(`vg1/${snap}`)).toBeNull();
      expect(state(THIN_DOMAIN)).toBe('running');
    } finally {
      cleanUp();
    }
  });

  test('(e) no guest uses the origin: one path, "Roll back now"; an invalid snapshot is refused', async ({ page }) => {
    const snap = 'e2emerge_n';
    const invalid = 'e2emerge_i';
    try {
      // vg1/thin1 is nobody's disk here (the temporary domain of (c) is gone).
      scribble('/dev/vg1/thin1', 8);
      const before = sha('/dev/vg1/thin1');
      lab(`lvcreate -q -s -n ${snap} vg1/thin1 >/dev/null`);
      scribble('/dev/vg1/thin1', 8);

      await page.goto(`/hosts/lab/merge?vg=vg1&snapshot=${snap}`);
      await expect(page.getByRole('region', { name: 'What the rollback works on' })).toContainText('none (no guest known to libvirt has it as a disk)');
      await expect(page.getByText('Roll back now', { exact: true })).toBeVisible();
      await expect(page.getByText(/No guest uses vg1\/thin1 and nothing has it open: the merge starts at once/)).toBeVisible();
      await expect(page.getByRole('radio')).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Review' })).toBeEnabled();
      await shot(page, '14-now');
      await page.getByRole('button', { name: 'Review' }).click();
      await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible({ timeout: HOST_MS });
      await expect(commandsOf(page)).toContainText(`lvconvert --merge --interval 1 vg1/${snap}`);
      await expect(commandsOf(page)).not.toContainText('virsh');
      await confirmAndRun(page, snap, 'Roll back');
      expect(await waitForJobEnd(page)).toBe('Done.');
      expect(sha('/dev/vg1/thin1')).toBe(before);
      expect(lv(`vg1/${snap}`)).toBeNull();

      // A classic snapshot whose COW area overflowed: nothing to roll back to, only removal is offered.
      lab(`lvcreate -q -s -L 4M -n ${invalid} vg0/web >/dev/null`);
      scribble('/dev/vg0/web', 8);
      await expect.poll(() => lv(`vg0/${invalid}`)?.lv_attr, { timeout: HOST_MS }).toMatch(/^swi-I/);
      await page.goto(`/hosts/lab/merge?vg=vg0&snapshot=${invalid}`);
      const refusal = page.getByRole('alert').filter({ hasText: `vg0/${invalid} is invalid: it cannot be rolled back.` });
      await expect(refusal).toBeVisible({ timeout: HOST_MS });
      await expect(refusal).toContainText('can only be removed');
      await expect(refusal.getByRole('link', { name: `Remove vg0/${invalid}` })).toHaveAttribute(
        'href',
        `/hosts/lab/remove?vg=vg0&snapshot=${invalid}`,
      );
      await expect(page.getByRole('button', { name: 'Review' })).toHaveCount(0);
      await shot(page, '15-invalid');
    } finally {
      cleanUp();
    }
  });

  test('(d) the server is killed during a merge; after the restart the job finishes it', async ({ page }) => {
    const snap = 'e2emerge_k';
    const disk = 'e2emerge_kdisk';
    const port = 3206;
    const base = `http://127.0.0.1:${port}`;
    const dataDir = '/tmp/cowherd-merge-kill';
    let server: ChildProcess | undefined;
    let api: APIRequestContext | undefined;
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });

    const start = () => startServer({ port, dataDir, config: path.join(LAB_DIR, 'cowherd.config.json'), timeoutMs: HOST_MS });
    const kill = killServer;
    interface Job {
      status: string;
      phase: string | null;
      message: string | null;
      error: string | null;
      steps: { title: string; status: string }[];
    }
    const job = async (id: number) => ((await (await api!.get(`/api/jobs/${id}`)).json()) as { job: Job }).job;

    try {
      // The origin is a volume of our own that no guest uses, like db01's disk while db01 is shut off (so the merge
      // starts at once). Not vg0/db itself: other runs keep small snapshots of it, which the ~100 MiB written here
      // would overflow and invalidate.
      lab(`lvcreate -q -y -L 128M -n ${disk} vg0 >/dev/null`);
      lab(`dd if=/dev/urandom of=/dev/vg0/${disk} bs=1M count=32 oflag=direct status=none`, 300_000);
      const before = sha(`/dev/vg0/${disk}`);
      lab(`lvcreate -q -s -L 120M -n ${snap} vg0/${disk} >/dev/null`);
      // Enough changed chunks for the merge to take several seconds under TCG.
      scribble(`/dev/vg0/${disk}`, 100);
      expect(sha(`/dev/vg0/${disk}`)).not.toBe(before);

      server = await start();
      api = await request.newContext({ baseURL: base });
      const login = await api.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
      expect(login.ok(), await login.text()).toBe(true);
      const res = await api.post('/api/hosts/lab/jobs', {
        headers: { Origin: base },
        data: { operation: 'merge-snapshot', params: { vg: 'vg0', snapshot: snap, mode: 'now' } },
      });
      expect(res.status(), await res.text()).toBe(202);
      const id = ((await res.json()) as { job: { id: number } }).job.id;

      // Kill it while the merge step runs (lvconvert --merge, polling the merge in the foreground).
      await expect
        .poll(async () => (await job(id)).phase, { timeout: HOST_MS, intervals: [200] })
        .toBe(`Merge vg0/${snap} into vg0/${disk}`);
      const atKill = lab('lvs -a --noheadings -o lv_name,lv_attr,data_percent vg0');
      kill(server, 'SIGKILL');
      await new Promise((r) => server!.once('exit', r));
      test.info().annotations.push({ type: 'lvs -a when the server was killed', description: atKill.trim() });
      console.log(`lvs -a when the server was killed:\n${atKill}`);

      server = await start();
      let last: Job | undefined;
      await expect
        .poll(
          async () => {
            last = await job(id);
            return last.status;
          },
          { timeout: JOB_MS, intervals: [1000] },
        )
        .not.toMatch(/^(running|queued)$/);
      expect(last?.status, `${last?.error}\n${last?.message}\n${JSON.stringify(last?.steps)}`).toBe('succeeded');
      test.info().annotations.push({ type: 'job steps after the restart', description: JSON.stringify(last?.steps.map((s) => [s.title, s.status])) });
      // A finished job has no step left "running" (the job page would show it spinning forever).
      expect
        .soft(last?.steps.filter((s) => s.status === 'running').map((s) => s.title), 'steps still "running" in a finished job (recoverJobs)')
        .toEqual([]);

      // The job page of the restarted server says so too.
      expect((await page.request.post(`${base}/api/session`, { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } })).ok()).toBe(true);
      await page.goto(`${base}/jobs/${id}`);
      await expect(finished(page)).toHaveText('Done.', { timeout: HOST_MS });
      await shot(page, '16-job-after-restart');

      expect(sha(`/dev/vg0/${disk}`)).toBe(before);
      expect(lv(ours(`vg0/${snap}`))).toBeNull();
      expect(lv(ours(`vg0/${disk}`))?.lv_attr).toMatch(/^-wi-a/);
    } finally {
      await api?.dispose();
      kill(server, 'SIGTERM');
      cleanUp();
      // The server's log and database stay for a look when the test failed.
      if (test.info().errors.length === 0) rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
