import { expect, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './env';
import { postCreateSnapshot, waitForJob } from './jobs-api';
import { AGENT_GUEST, agentFsfreezeStatus, domState, labLv, labSsh, waitForAgent } from './lab';

// Freeze and thaw against a real guest agent: agent01 (lab/agent-init.sh) runs qemu-guest-agent with its disk
// vg0/agent mounted as ext4, so `consistency: freeze` really freezes a file system. The lab is shared: LVs made
// here are named e2efrz_* and removed at the end; agent01 keeps running.
//
// Steps are matched by kind, title and the virsh subcommand, not by their exact argv: how a guest is named on the
// command line (name, UUID, --connect) is the plans' business.

const MiB = 1024 * 1024;
const { domain: GUEST, vg: VG, lv: ORIGIN } = AGENT_GUEST;

interface Step {
  seq: number;
  kind: string;
  title: string;
  argv: string[] | null;
  status: string;
  stderr: string | null;
}
interface Job {
  id: number;
  status: string;
  error: string | null;
  steps: Step[];
}
interface Plan {
  summary: string;
  consequences: string[];
  steps: { kind: string; title: string }[];
}
interface InventoryDomain {
  name: string;
  state: string;
  agent: boolean;
  disks: { vg: string | null; lv: string | null }[];
}

test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ mode: 'serial', timeout: 600_000 });

function cleanUp() {
  labSsh(
    `for lv in $(lvs --noheadings -o vg_name,lv_name --separator / ${VG} 2>/dev/null | tr -d " " | grep "/e2efrz_"); ` +
      'do lvremove -y "$lv" >/dev/null 2>&1; done; true',
  );
}

test.beforeAll(async () => {
  cleanUp();
  // agent01 boots in the background at every lab boot; under nested emulation that takes minutes.
  const waited = await waitForAgent(420_000);
  console.log(`freeze: agent01's guest agent answered after waiting ${(waited / 1000).toFixed(0)} s`);
});
test.afterAll(() => cleanUp());
const JOB_WAIT = { timeoutMs: 240_000, intervalMs: 1000 };
test.beforeEach(async ({ page }) => {
  const res = await page.request.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
  expect(res.ok(), await res.text()).toBe(true);
});

const isFreeze = (s: { kind: string; title: string; argv?: string[] | null }) =>
  s.kind === 'run' && /^Freeze the file systems of agent01$/.test(s.title) && (s.argv === undefined || !!s.argv?.includes('domfsfreeze'));
const isThaw = (s: { kind: string; title: string; argv?: string[] | null }) =>
  s.kind === 'run' && /^Thaw the file systems of agent01$/.test(s.title) && (s.argv === undefined || !!s.argv?.includes('domfsthaw'));
const isCreate = (name: string) => (s: { kind: string; title: string; argv?: string[] | null }) =>
  s.kind === 'run' && s.title === `Create snapshot ${VG}/${name}` && (s.argv === undefined || !!s.argv?.includes('lvcreate'));

/** The three steps of a freeze snapshot, in order: freeze, lvcreate, thaw, and nothing else. */
function expectFreezeCreateThaw(steps: { kind: string; title: string; argv?: string[] | null }[], name: string) {
  expect(steps.map((s) => s.title)).toHaveLength(3);
  expect(isFreeze(steps[0]!), steps[0]?.title).toBe(true);
  expect(isCreate(name)(steps[1]!), steps[1]?.title).toBe(true);
  expect(isThaw(steps[2]!), steps[2]?.title).toBe(true);
}

test('create-snapshot with consistency freeze: the agent is connected, the file systems are frozen and thawed', async ({ page, baseURL }) => {
  const request = page.request;
  const name = 'e2efrz_ok';

  // What Cowherd sees: agent01 running on vg0/agent, its agent connected.
  const inv = (await (await request.get('/api/hosts/lab/inventory')).json()) as { domains: InventoryDomain[] };
  const guest = inv.domains.find((d) => d.name === GUEST);
  expect(guest, 'agent01 is in the inventory').toBeDefined();
  expect(guest).toMatchObject({ state: 'running', agent: true });
  expect(guest!.disks.some((d) => d.vg === VG && d.lv === ORIGIN)).toBe(true);

  // The plan (dry run): freeze before lvcreate, thaw after, and the consequence says the agent freezes.
  const dry = await postCreateSnapshot(request, baseURL!, { vg: VG, origin: ORIGIN, name, sizeBytes: 16 * MiB, consistency: 'freeze' }, true);
  expect(dry.status(), await dry.text()).toBe(200);
  const { plan } = (await dry.json()) as { plan: Plan };
  expectFreezeCreateThaw(plan.steps, name);
  expect(plan.consequences).toContain(`${GUEST}: file systems frozen by the guest agent`);

  const res = await postCreateSnapshot(request, baseURL!, { vg: VG, origin: ORIGIN, name, sizeBytes: 16 * MiB, consistency: 'freeze' });
  expect(res.status(), await res.text()).toBe(202);
  const { job: started } = (await res.json()) as { job: { id: number } };
  const job = await waitForJob<Job>(request, started.id, JOB_WAIT);

  expect(job.status, job.error ?? '').toBe('succeeded');
  expectFreezeCreateThaw(job.steps, name);
  expect(job.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  // In the guest: the agent says its file systems are thawed, and the guest still runs.
  expect(agentFsfreezeStatus()).toBe('thawed');
  expect(domState(GUEST)).toBe('running');
  expect(labLv(`${VG}/${name}`)).toMatchObject({ origin: ORIGIN });
});

test('a forced lvcreate failure after the freeze still thaws the guest', async ({ page, baseURL }) => {
  const request = page.request;
  const name = 'e2efrz_nospace';
  const fill = `${VG}/e2efrz_fill`;
  try {
    // Leave the VG no free space, then force a snapshot past the (non-blocking) preflight warning: lvm2 refuses
    // it, after the freeze step has run.
    labSsh(`lvcreate -q -y -l 100%FREE -n e2efrz_fill ${VG} >/dev/null`);
    const res = await postCreateSnapshot(request, baseURL!, { vg: VG, origin: ORIGIN, name, sizeBytes: 16 * MiB, consistency: 'freeze', force: true });
    expect(res.status(), await res.text()).toBe(202);
    const { job: started } = (await res.json()) as { job: { id: number } };
    const job = await waitForJob<Job>(request, started.id, JOB_WAIT);
    labSsh(`lvremove -y ${fill} >/dev/null`);

    expect(job.status).toBe('failed');
    expectFreezeCreateThaw(job.steps, name);
    expect(job.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'succeeded']);
    expect(job.steps[1]!.stderr).toMatch(/insufficient free space/i);
    expect(agentFsfreezeStatus()).toBe('thawed');
    expect(domState(GUEST)).toBe('running');
    expect(labLv(`${VG}/${name}`)).toBeNull();
  } finally {
    labSsh(`lvs ${fill} >/dev/null 2>&1 && lvremove -y ${fill} >/dev/null; true`);
  }
});

test('the create wizard shows agent01’s agent as answering and freezes by default', async ({ page }) => {
  await page.goto(`/hosts/lab/create-snapshot?vg=${VG}&origin=${ORIGIN}`);
  const freeze = page.getByRole('radio', { name: 'Freeze file systems (guest agent)' });
  await expect(freeze).toBeEnabled({ timeout: 60_000 });
  await expect(freeze).toBeChecked();
  await expect(page.getByText(/guest agent of agent01 does not answer/)).toHaveCount(0);
  await expect(page.getByText(/disk of agent01 \(running, guest agent answers\)/)).toBeVisible();
  // The review is the server's dry-run plan: freeze, lvcreate, thaw.
  await page.getByLabel('Snapshot name').fill('e2efrz_ui');
  await page.getByRole('button', { name: 'Review' }).click();
  // Planning reads the host afresh: slow on a busy lab.
  await expect(page.getByText(`${GUEST}: file systems frozen by the guest agent`)).toBeVisible({ timeout: 120_000 });
});
