import { expect, test } from '@playwright/test';

// The second lab host (lab.sh up2; issue 11's cross-host backups and issue 14's guest moves build on it): the
// server of playwright.two-hosts.config.ts reads the config listing both, and reaches both over ssh.

test('both lab hosts are configured and reachable; lab2 has the VGs but no LVs of lab and no guests', async ({ request }) => {
  const hosts = ((await (await request.get('/api/hosts')).json()) as { hosts: { id: string; reachable: boolean; error?: string }[] }).hosts;
  expect(hosts.map((h) => [h.id, h.reachable, h.error ?? ''])).toEqual([
    ['lab', true, ''],
    ['lab2', true, ''],
  ]);
  const inv = (await (await request.get('/api/hosts/lab2/inventory?fresh=1')).json()) as {
    vgs: { name: string }[];
    lvs: { vg: string; name: string }[];
    domains: { name: string }[];
  };
  expect(inv.vgs.map((v) => v.name).sort()).toEqual(['vg0', 'vg1']);
  expect(inv.lvs.some((l) => l.vg === 'vg0' && (l.name === 'web' || l.name === 'db'))).toBe(false);
  expect(inv.domains).toEqual([]);
});
