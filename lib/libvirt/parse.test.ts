import { describe, expect, it } from 'vitest';
import { virshFixture } from './fixture';
import { domainsFromDomstats, mapDiskToLv, parseDomstate, parseDomstats, splitDmName, stateFromCode } from './parse';

const VGS = ['vg0', 'vg1'];

describe('virsh domstate', () => {
  it.each([
    ['domstate-web01.txt', 'running'],
    ['domstate-db01.txt', 'shut off'],
    ['domstate-web01-paused.txt', 'paused'],
    ['domstate-reason-web01.txt', 'running'],
  ])('%s -> %s', (file, state) => {
    expect(parseDomstate(virshFixture(file))).toBe(state);
  });

  it('throws on empty output', () => {
    expect(() => parseDomstate('\n')).toThrow(/empty/);
  });

  it.each([
    [0, 'unknown'],
    [1, 'running'],
    [2, 'idle'],
    [3, 'paused'],
    [4, 'in shutdown'],
    [5, 'shut off'],
    [6, 'crashed'],
    [7, 'pmsuspended'],
    [8, 'unknown'],
  ])('state code %i is %s', (code, state) => {
    expect(stateFromCode(code)).toBe(state);
  });
});

describe('virsh domstats --state --block', () => {
  it('reads every domain with its state and disks', () => {
    expect(parseDomstats(virshFixture('domstats-state-block.txt'))).toEqual([
      { name: 'web01', state: 'running', stateCode: 1, reasonCode: 1, disks: [{ target: 'vda', path: '/dev/vg0/web' }] },
      { name: 'db01', state: 'shut off', stateCode: 5, reasonCode: 0, disks: [{ target: 'vda', path: '/dev/vg0/db' }] },
    ]);
  });

  it('reads a paused domain', () => {
    expect(parseDomstats(virshFixture('domstats-state-block-paused.txt'))[0]).toMatchObject({ name: 'web01', state: 'paused', stateCode: 3 });
  });

  it('gives null paths where libvirt has none (volume of a shut-off domain, network, empty cdrom)', () => {
    const [mix] = parseDomstats(virshFixture('domstats-mix01.txt'));
    expect(mix?.disks).toEqual([
      { target: 'vda', path: '/dev/mapper/vg0-db' },
      { target: 'vdb', path: '/var/lib/libvirt/images/mix01 data.qcow2' },
      { target: 'vdc', path: null },
      { target: 'vdd', path: '/dev/dm-3' },
      { target: 'vde', path: null },
      { target: 'hdc', path: null },
    ]);
  });

  it('builds Domain values mapped to LVs in one go', () => {
    expect(domainsFromDomstats(virshFixture('domstats-state-block-mix.txt'), VGS)).toEqual([
      { name: 'web01', state: 'running', disks: [{ target: 'vda', source: '/dev/vg0/web', vg: 'vg0', lv: 'web' }] },
      {
        name: 'mix01',
        state: 'shut off',
        disks: [
          { target: 'vda', source: '/dev/mapper/vg0-db', vg: 'vg0', lv: 'db' },
          { target: 'vdb', source: '/var/lib/libvirt/images/mix01 data.qcow2', vg: null, lv: null },
          { target: 'vdc', source: null, vg: null, lv: null },
          { target: 'vdd', source: '/dev/dm-3', vg: null, lv: null },
          { target: 'vde', source: null, vg: null, lv: null },
          { target: 'hdc', source: null, vg: null, lv: null },
        ],
      },
      // domstats lists domains in libvirt's order (recorded: web01, mix01, db01), not by name.
      { name: 'db01', state: 'shut off', disks: [{ target: 'vda', source: '/dev/vg0/db', vg: 'vg0', lv: 'db' }] },
    ]);
  });

  it.each([
    ['  state.state=1\n', /unexpected line/],
    ["Domain: 'x'\n  state.reason=0\n", /no integer state.state/],
    ["Domain: 'x'\n  state.state=1\n  state.reason=1\n  block.count=1\n", /no block.0.name/],
  ])('throws on %j', (stdout, message) => {
    expect(() => parseDomstats(stdout)).toThrow(message);
  });
});

describe('mapDiskToLv', () => {
  // [source, vgNames, expected]
  const CASES: [string | null, string[] | undefined, { vg: string; lv: string } | null][] = [
    ['/dev/vg0/web', undefined, { vg: 'vg0', lv: 'web' }],
    ['/dev/vg0/web', VGS, { vg: 'vg0', lv: 'web' }],
    ['/dev/vg0/web_snap', VGS, { vg: 'vg0', lv: 'web_snap' }],
    ['/dev/vg9/web', VGS, null], // not an existing VG
    ['/dev/mapper/vg0-web', VGS, { vg: 'vg0', lv: 'web' }],
    ['/dev/mapper/my--vg-my--lv', undefined, { vg: 'my-vg', lv: 'my-lv' }],
    ['/dev/mapper/my--vg-my--lv', ['my-vg'], { vg: 'my-vg', lv: 'my-lv' }],
    ['/dev/mapper/a--b--c-d', undefined, { vg: 'a-b-c', lv: 'd' }],
    ['/dev/mapper/vg0-web-real', undefined, null], // snapshot-origin layer, not an LV device
    ['/dev/mapper/vg0-web_snap-cow', undefined, null],
    ['/dev/mapper/vg1-pool-tpool', undefined, null],
    ['/dev/mapper/cryptroot', undefined, null],
    ['/dev/mapper/luks-0b5d', VGS, null], // looks like VG-LV, but "luks" is no VG
    ['/dev/mapper/-web', undefined, null],
    ['/dev/mapper/vg0-', undefined, null],
    ['/dev/dm-3', VGS, null],
    ['/dev/sda', undefined, null],
    ['/dev/disk/by-id/dm-name-vg0-web', undefined, null],
    ['/dev/md/raid1', undefined, null],
    ['/dev/vg0/web/extra', undefined, null],
    ['/var/lib/libvirt/images/web.qcow2', undefined, null],
    ['vg0/web', undefined, null], // a volume source, not a path
    ['web', undefined, null],
    ['', undefined, null],
    [null, undefined, null],
  ];
  it.each(CASES)('%j (vgs %j) -> %j', (source, vgNames, expected) => {
    expect(mapDiskToLv(source, vgNames)).toEqual(expected);
  });

  it.each([
    ['vg0-web', { vg: 'vg0', lv: 'web' }],
    ['my--vg-my--lv', { vg: 'my-vg', lv: 'my-lv' }],
    ['vg0-web-real', null],
    ['vg0', null],
  ])('splitDmName(%j)', (name, expected) => {
    expect(splitDmName(name)).toEqual(expected);
  });
});
