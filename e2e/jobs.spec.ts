import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './env';
import { postCreateSnapshot, waitForJob } from './jobs-api';
import { domState, labLv, labSsh } from './lab';

const JOB_WAIT = { timeoutMs: 180_000, intervalMs: 500 };

// Jobs on the lab: a job that fails on the host, input that never reaches the host, and two jobs on one VG at the
// same moment. The lab is shared: LVs made here are named e2ewiz_* and removed at the end; web01 keeps running.

const MiB = 1024 * 1024;

interface Step {
  seq: number;
  title: string;
  argv: string[] | null;
  status: string;
  exitCode: number | null;
  stderr: string | null;
  startedAt: string | null;
  endedAt: string | null;
}
interface Job {
  id: number;
  status: string;
  error: string | null;
  message: string | null;
  steps: Step[];
}
interface AuditEntry {
  id: number;
  at: string;
  jobId: number | null;
  argv: string[];
  durationMs: number | null;
}

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

function dropLv(vgLv: string) {
  if (!/^vg[01]\/e2ewiz_[A-Za-z0-9_]+$/.test(vgLv)) throw new Error(`refusing to remove ${vgLv}`);
  labSsh(`lvs ${vgLv} >/dev/null 2>&1 && lvremove -y ${vgLv} >/dev/null; true`);
}

async function auditEntries(request: APIRequestContext, query = ''): Promise<AuditEntry[]> {
  // Command entries only: a security event (a login) between two reads must not look like a command.
  const res = await request.get(`/api/audit?limit=1000&kind=command${query}`);
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { entries: AuditEntry[] }).entries;
}

test.describe('jobs', () => {
  // The lab is shared with other test runs and slow under load (see wizards.spec.ts).
  test.describe.configure({ timeout: 360_000 });

  test('a job that fails on the host shows lvcreate’s stderr, and web01 is resumed', async ({ page, baseURL }) => {
    const request = page.request;
    const name = 'e2ewiz_nospace';
    dropLv('vg0/e2ewiz_fill');
    dropLv(`vg0/${name}`);
    try {
      // Leave vg0 no free space, then force a 64 MiB snapshot past the (non-blocking) preflight warning.
      labSsh('lvcreate -q -y -l 100%FREE -n e2ewiz_fill vg0 >/dev/null');
      const res = await postCreateSnapshot(request, baseURL!, {
        vg: 'vg0',
        origin: 'web',
        name,
        sizeBytes: 64 * MiB,
        consistency: 'auto',
        force: true,
      });
      expect(res.status(), await res.text()).toBe(202);
      const { job: started } = (await res.json()) as { job: { id: number } };
      const job = await waitForJob<Job>(request, started.id, JOB_WAIT);
      // The host is back to having free space for the other users of the lab as soon as possible.
      dropLv('vg0/e2ewiz_fill');

      expect(job.status).toBe('failed');
      // Guests are acted on by UUID, on the host's connection.
      const web01 = labSsh('virsh domuuid web01').trim();
      expect(job.steps.map((s) => [s.argv?.join(' '), s.status])).toEqual([
        [`virsh --connect qemu:///system suspend --domain ${web01}`, 'succeeded'],
        [`lvcreate -s -L 64m -n ${name} vg0/web`, 'failed'],
        [`virsh --connect qemu:///system resume --domain ${web01}`, 'succeeded'],
      ]);
      expect(domState('web01')).toBe('running');
      expect(labLv(`vg0/${name}`)).toBeNull();

      await page.goto(`/jobs/${started.id}`);
      await expect(page.getByText('Ended: failed.')).toBeVisible();
      await expect(page.getByRole('alert').filter({ hasText: 'Error:' })).toContainText(/insufficient free space/i);
      // lvcreate's own stderr, open because the step failed; the page is all from SQLite, so it survives a reload.
      await page.reload();
      await expect(page.getByLabel('stderr of step 2', { exact: true })).toBeVisible();
      await expect(page.getByLabel('stderr of step 2', { exact: true })).toContainText(/Volume group "vg0" has insufficient free space/);
      await expect(page.getByLabel('Step 2: Create snapshot vg0/e2ewiz_nospace')).toContainText('exit code 5');
      await expect(page.getByLabel('Step 3: Resume web01')).toContainText('Succeeded');
      await expect(page.getByLabel('Post-check results')).toContainText('✗ lvs lists vg0/e2ewiz_nospace');
      await expect(page.getByLabel('Post-check results')).toContainText('✓ web01 is running again');
      await shot(page, 'job-failed');
    } finally {
      dropLv('vg0/e2ewiz_fill');
      dropLv(`vg0/${name}`);
    }
  });

  test('an invalid name is refused in the wizard and by the API, and nothing reaches the audit log', async ({ page, baseURL }) => {
    const request = page.request;
    const bad = 'bad name;$(id)';
    const before = (await auditEntries(request))[0]?.id ?? 0;

    await page.goto('/hosts/lab/create-snapshot?vg=vg0&origin=web');
    await page.getByLabel('Snapshot name').fill(bad);
    await expect(page.getByRole('alert').filter({ hasText: 'contains a character LVM does not allow (" ")' })).toBeVisible();
    await expect(page.getByLabel('Snapshot name')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByRole('button', { name: 'Review' })).toBeDisabled();
    await shot(page, 'create-invalid-name');

    for (const dryRun of [false, true]) {
      const res = await postCreateSnapshot(request, baseURL!, { vg: 'vg0', origin: 'web', name: bad }, dryRun);
      expect(res.status()).toBe(400);
      const body = (await res.json()) as { error: string };
      expect(body.error).toContain('invalid parameters: name:');
      expect(body.error).toContain('contains a character LVM does not allow');
    }
    expect((await auditEntries(request))[0]?.id ?? 0).toBe(before);
  });

  test('two create jobs on vg0 at the same moment never interleave', async ({ page, baseURL }) => {
    const request = page.request;
    const names = ['e2ewiz_race1', 'e2ewiz_race2'];
    names.forEach((n) => dropLv(`vg0/${n}`));
    try {
      const responses = await Promise.all(
        names.map((name) => postCreateSnapshot(request, baseURL!, { vg: 'vg0', origin: 'web', name, sizeBytes: 8 * MiB })),
      );
      const started: number[] = [];
      for (const res of responses) {
        const body = (await res.json()) as { job?: { id: number }; error?: string };
        if (res.status() === 202) started.push(body.job!.id);
        else {
          expect(res.status()).toBe(409);
          expect(body.error).toMatch(/^busy: job \d+ is running on vg0$/);
        }
      }
      expect(started.length).toBeGreaterThanOrEqual(1);
      const jobs = await Promise.all(started.map((id) => waitForJob<Job>(request, id, JOB_WAIT)));
      for (const j of jobs) expect(j.status).toBe('succeeded');
      expect(domState('web01')).toBe('running');

      // No command of one job ran while a command of the other was running: compare the steps' times, and the
      // audit log's (at = end of the command, at - duration = its start).
      const spans = jobs.map((j) => {
        const ran = j.steps.filter((s) => s.startedAt && s.endedAt);
        expect(ran.length).toBe(j.steps.length);
        const starts = ran.map((s) => Date.parse(s.startedAt!));
        const ends = ran.map((s) => Date.parse(s.endedAt!));
        return { id: j.id, start: Math.min(...starts), end: Math.max(...ends) };
      });
      for (const a of spans) for (const b of spans) if (a.id !== b.id) expect(a.end <= b.start || b.end <= a.start).toBe(true);

      const audit = (await auditEntries(request)).filter((e) => e.jobId !== null && started.includes(e.jobId));
      expect(audit.length).toBeGreaterThanOrEqual(3 * started.length);
      const cmds = audit.map((e) => ({ job: e.jobId, end: Date.parse(e.at), start: Date.parse(e.at) - (e.durationMs ?? 0) }));
      for (const a of cmds)
        for (const b of cmds) if (a.job !== b.job) expect(a.end <= b.start + 1 || b.end <= a.start + 1).toBe(true);

      // The jobs page lists them, newest first; the audit page shows their commands, filterable.
      await page.goto('/jobs');
      await expect(page.getByRole('heading', { name: 'Jobs' })).toBeVisible();
      for (const id of started) await expect(page.getByRole('link', { name: `#${id}`, exact: true })).toBeVisible();
      await shot(page, 'jobs-list');

      await page.goto('/audit');
      await page.getByLabel('Operation').selectOption('create-snapshot');
      await expect(page).toHaveURL(/[?&]operation=create-snapshot/);
      await expect(page.getByText(/^lvcreate -s -L 8m -n e2ewiz_race[12] vg0\/web$/).first()).toBeVisible();
      await page.getByLabel('Host').selectOption('lab');
      await expect(page).toHaveURL(/[?&]host=lab/);
      await shot(page, 'audit');
    } finally {
      names.forEach((n) => dropLv(`vg0/${n}`));
    }
  });
});
