import { describe, expect, it } from 'vitest';
import { collectFullRead } from '@/lib/inventory/collect';
import { lvcreateSnapshotArgv, lvremoveArgv, lvsArgv } from '@/lib/lvm/commands';
import { parseLvs } from '@/lib/lvm/reports';
import { labHelperRunner, labHost, labRunner } from '@/lib/test/lab';
import { checkHelper } from './helper';
import { SshRunner } from './ssh';

// Against the lab (npm run lab:up installs deploy/cowherd-host and restricts the config's key to it, issue 16):
// real commands through the restricted key, and raw commands over the same key refused with nothing run.
const PREFIX = 'hh16';

describe('the host helper in the lab', () => {
  const helper = labHelperRunner();
  const admin = labRunner();
  /** The restricted key, sending raw shell command lines (what a stolen key could try). */
  const raw = () => {
    const host = labHost();
    if (!host.ssh) throw new Error('no ssh');
    return new SshRunner('lab-helper-raw', host.ssh, { access: 'shell', defaultTimeoutMs: 60_000 });
  };

  it('answers version with this checkout\'s table', async () => {
    expect(helper.access).toBe('helper');
    expect(await checkHelper(helper)).toMatchObject({ status: 'ok' });
  });

  it('runs the full inventory read through the helper', async () => {
    const { inventory } = await collectFullRead('lab', helper, 120_000, labHost().libvirtUri);
    expect(inventory.vgs.map((v) => v.name)).toContain('vg0');
    expect(inventory.libvirt).toBe('ok');
    expect(inventory.domains.length).toBeGreaterThan(0);
  }, 180_000);

  it('creates, tags and removes a snapshot through the helper', async () => {
    const name = `${PREFIX}_${Date.now().toString(36)}`;
    await admin.run(lvremoveArgv({ vg: 'vg0', lv: name }), { reject: false });
    await helper.run(lvcreateSnapshotArgv({ vg: 'vg0', origin: 'web', name, sizeBytes: 8 * 2 ** 20, tags: ['cowherd-test'] }));
    try {
      const lvs = parseLvs((await helper.run(lvsArgv({ vg: 'vg0', lv: name }))).stdout);
      expect(lvs[0]).toMatchObject({ name, origin: 'web' });
      expect(lvs[0]?.tags).toEqual(['cowherd-test']);
    } finally {
      await helper.run(lvremoveArgv({ vg: 'vg0', lv: name }));
    }
    expect((await helper.run(lvsArgv({ vg: 'vg0', lv: name }), { reject: false })).exitCode).toBe(5);
  }, 180_000);

  it.each([
    ['sh', '-c', 'touch /tmp/hh16-canary'],
    ['touch', '/tmp/hh16-canary'],
    ['cat', '/etc/shadow'],
    ['lvremove', '-y', 'vg0/hh16-never'],
  ])('refuses the raw command %s ... over the restricted key, and runs nothing', async (...argv) => {
    await admin.run(['rm', '-f', '/tmp/hh16-canary']);
    const r = await raw().run(argv, { reject: false });
    expect([126, 127]).toContain(r.exitCode);
    expect(r.stderr).toMatch(/cowherd-host: refused/);
    expect(r.stdout).toBe('');
    expect((await admin.run(['test', '-e', '/tmp/hh16-canary'], { reject: false })).exitCode).toBe(1);
    expect((await admin.run(['lvs', 'vg0/web'], { reject: false })).exitCode).toBe(0);
  }, 60_000);

  it('never sends an argv that has no verb', async () => {
    await expect(helper.run(['sh', '-c', 'id'])).rejects.toMatchObject({ exitCode: 126 });
  });
});
