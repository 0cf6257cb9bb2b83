import { describe, expect, it } from 'vitest';
import { recordedRun, virshFixture } from './fixture';
import {
  FSFREEZE_NO_AGENT_STDERR,
  VirshParseError,
  classifyVirshError,
  domainFromBlockList,
  domainFromXml,
  domainsFromDomstats,
  mapDiskToLv,
  parseDomainXml,
  parseDomblklist,
  parseDomstate,
  parseDomstats,
  parseListAll,
  parseListNames,
  splitDmName,
  stateFromCode,
  withDiskDetails,
} from './parse';

const VGS = ['vg0', 'vg1'];

describe('virsh list', () => {
  it('parses --name', () => {
    expect(parseListNames(virshFixture('list-all-name.txt'))).toEqual(['web01', 'db01']);
  });

  it.each([
    ['list-all.txt', [{ id: 1, name: 'web01', state: 'running' }, { id: null, name: 'db01', state: 'shut off' }]],
    ['list-all-paused.txt', [{ id: 2, name: 'web01', state: 'paused' }, { id: null, name: 'db01', state: 'shut off' }]],
    [
      'list-all-mix.txt',
      [
        { id: 1, name: 'web01', state: 'running' },
        { id: null, name: 'db01', state: 'shut off' },
        { id: null, name: 'mix01', state: 'shut off' },
      ],
    ],
  ])('parses the table in %s', (file, expected) => {
    expect(parseListAll(virshFixture(file))).toEqual(expected);
  });

  it('keeps spaces inside names and reads every state word', () => {
    const table = ' Id   Name         State\n-------------------------------\n 3    my vm        in shutdown\n 4    x            idle\n -    y            crashed\n 5    z            pmsuspended\n\n';
    expect(parseListAll(table).map((d) => [d.name, d.state])).toEqual([
      ['my vm', 'in shutdown'],
      ['x', 'idle'],
      ['y', 'crashed'],
      ['z', 'pmsuspended'],
    ]);
  });

  it.each([['', /header/], ['error: failed to connect to the hypervisor\n', /header/], [' Id   Name   State\n-----\n garbage\n', /unexpected row/]])(
    'throws on %j',
    (stdout, message) => {
      expect(() => parseListAll(stdout)).toThrow(VirshParseError);
      expect(() => parseListAll(stdout)).toThrow(message);
    },
  );
});

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

describe('virsh domblklist --details', () => {
  it.each([
    ['domblklist-web01.txt', [{ type: 'block', device: 'disk', target: 'vda', source: '/dev/vg0/web' }]],
    ['domblklist-db01.txt', [{ type: 'block', device: 'disk', target: 'vda', source: '/dev/vg0/db' }]],
    [
      'domblklist-mix01.txt',
      [
        { type: 'block', device: 'disk', target: 'vda', source: '/dev/mapper/vg0-db' },
        { type: 'file', device: 'disk', target: 'vdb', source: '/var/lib/libvirt/images/mix01 data.qcow2' },
        { type: 'volume', device: 'disk', target: 'vdc', source: 'web' },
        { type: 'block', device: 'disk', target: 'vdd', source: '/dev/dm-3' },
        { type: 'network', device: 'disk', target: 'vde', source: 'export1' },
        { type: 'file', device: 'cdrom', target: 'hdc', source: null },
      ],
    ],
  ])('%s', (file, expected) => {
    expect(parseDomblklist(virshFixture(file))).toEqual(expected);
  });

  it('throws without the header', () => {
    expect(() => parseDomblklist('vda /dev/vg0/web\n')).toThrow(/Type Device Target Source/);
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
      { name: 'web01', state: 'running', disks: [{ target: 'vda', source: '/dev/vg0/web', type: null, device: null, vg: 'vg0', lv: 'web' }] },
      {
        name: 'mix01',
        state: 'shut off',
        disks: [
          { target: 'vda', source: '/dev/mapper/vg0-db', type: null, device: null, vg: 'vg0', lv: 'db' },
          { target: 'vdb', source: '/var/lib/libvirt/images/mix01 data.qcow2', type: null, device: null, vg: null, lv: null },
          { target: 'vdc', source: null, type: null, device: null, vg: null, lv: null },
          { target: 'vdd', source: '/dev/dm-3', type: null, device: null, vg: null, lv: null },
          { target: 'vde', source: null, type: null, device: null, vg: null, lv: null },
          { target: 'hdc', source: null, type: null, device: null, vg: null, lv: null },
        ],
      },
      // domstats lists domains in libvirt's order (recorded: web01, mix01, db01), not by name.
      { name: 'db01', state: 'shut off', disks: [{ target: 'vda', source: '/dev/vg0/db', type: null, device: null, vg: 'vg0', lv: 'db' }] },
    ]);
  });

  it('fills disk type and device from domblklist', () => {
    const [web] = domainsFromDomstats(virshFixture('domstats-state-block.txt'), VGS);
    if (!web) throw new Error('no web01');
    expect(withDiskDetails(web, parseDomblklist(virshFixture('domblklist-web01.txt'))).disks).toEqual([
      { target: 'vda', source: '/dev/vg0/web', type: 'block', device: 'disk', vg: 'vg0', lv: 'web' },
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

describe('virsh dumpxml', () => {
  it('reads the live XML of web01 (block disk)', () => {
    expect(parseDomainXml(virshFixture('dumpxml-web01.xml'))).toEqual({
      name: 'web01',
      uuid: '81142170-3005-450c-944c-657d8db8911a',
      disks: [
        { type: 'block', device: 'disk', target: 'vda', bus: 'virtio', source: '/dev/vg0/web', pool: null, volume: null, protocol: null, format: 'raw', readonly: false },
      ],
    });
  });

  it('reads every disk kind of mix01', () => {
    expect(parseDomainXml(virshFixture('dumpxml-mix01.xml')).disks).toEqual([
      { type: 'block', device: 'disk', target: 'vda', bus: 'virtio', source: '/dev/mapper/vg0-db', pool: null, volume: null, protocol: null, format: 'raw', readonly: false },
      { type: 'file', device: 'disk', target: 'vdb', bus: 'virtio', source: '/var/lib/libvirt/images/mix01 data.qcow2', pool: null, volume: null, protocol: null, format: 'qcow2', readonly: false },
      { type: 'volume', device: 'disk', target: 'vdc', bus: 'virtio', source: 'vg0/web', pool: 'vg0', volume: 'web', protocol: null, format: 'raw', readonly: false },
      { type: 'block', device: 'disk', target: 'vdd', bus: 'virtio', source: '/dev/dm-3', pool: null, volume: null, protocol: null, format: 'raw', readonly: false },
      { type: 'network', device: 'disk', target: 'vde', bus: 'virtio', source: 'export1', pool: null, volume: null, protocol: 'nbd', format: 'raw', readonly: false },
      { type: 'file', device: 'cdrom', target: 'hdc', bus: 'ide', source: null, pool: null, volume: null, protocol: null, format: 'raw', readonly: true },
    ]);
  });

  it('maps a volume disk only through an explicit pool -> VG table', () => {
    const xml = virshFixture('dumpxml-mix01.xml');
    const vdc = (d: ReturnType<typeof domainFromXml>) => d.disks.find((x) => x.target === 'vdc');
    expect(vdc(domainFromXml(xml, 'shut off', { vgNames: VGS }))).toMatchObject({ vg: null, lv: null, type: 'volume' });
    expect(vdc(domainFromXml(xml, 'shut off', { vgNames: VGS, poolToVg: { vg0: 'vg0' } }))).toMatchObject({ vg: 'vg0', lv: 'web' });
    expect(vdc(domainFromXml(xml, 'shut off', { vgNames: ['vg1'], poolToVg: { vg0: 'vg0' } }))).toMatchObject({ vg: null });
  });

  it('builds the Domain of db01 from its XML', () => {
    expect(domainFromXml(virshFixture('dumpxml-db01.xml'), 'shut off', { vgNames: VGS })).toEqual({
      name: 'db01',
      state: 'shut off',
      disks: [{ target: 'vda', source: '/dev/vg0/db', type: 'block', device: 'disk', vg: 'vg0', lv: 'db' }],
    });
  });

  it('ignores the <source> of backing chains and block-copy mirrors', () => {
    const xml = `<domain type='kvm'><name>a&amp;b</name><devices>
      <!-- a comment with <disk> inside -->
      <disk type="file" device="disk">
        <driver name="qemu" type="qcow2"/>
        <source file="/var/lib/libvirt/images/top.qcow2"/>
        <backingStore type='file' index='1'>
          <format type='qcow2'/>
          <source file='/var/lib/libvirt/images/base.qcow2'/>
          <backingStore type='block' index='2'><format type='raw'/><source dev='/dev/vg0/base'/><backingStore/></backingStore>
        </backingStore>
        <mirror type='block' job='copy' ready='yes'><format type='raw'/><source dev='/dev/vg0/copy'/></mirror>
        <target dev="sda" bus="scsi"/>
      </disk>
      <disk type='block' device='lun'><source dev='/dev/mapper/my--vg-it&apos;s'/><target dev='sdb'/></disk>
    </devices></domain>`;
    const parsed = parseDomainXml(xml);
    expect(parsed.name).toBe('a&b');
    expect(parsed.uuid).toBeNull();
    expect(parsed.disks.map((d) => [d.target, d.source, d.device, d.bus])).toEqual([
      ['sda', '/var/lib/libvirt/images/top.qcow2', 'disk', 'scsi'],
      ['sdb', "/dev/mapper/my--vg-it's", 'lun', null],
    ]);
  });

  it.each([
    ['<network><name>x</name></network>', /not <domain>/],
    ['<domain><devices/></domain>', /no <name>/],
    ["<domain><name>x</name><devices><disk type='block'><source dev='/dev/x'/></disk></devices></domain>", /without <target/],
    ['<domain><name>x</name>', /Unclosed tag/],
  ])('throws on %j', (xml, message) => {
    expect(() => parseDomainXml(xml)).toThrow(message);
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

  it('maps domblklist rows, but not a volume name', () => {
    const domain = domainFromBlockList('mix01', 'shut off', parseDomblklist(virshFixture('domblklist-mix01.txt')), VGS);
    expect(domain.disks.map((d) => [d.target, d.type, d.device, d.vg, d.lv])).toEqual([
      ['vda', 'block', 'disk', 'vg0', 'db'],
      ['vdb', 'file', 'disk', null, null],
      ['vdc', 'volume', 'disk', null, null],
      ['vdd', 'block', 'disk', null, null],
      ['vde', 'network', 'disk', null, null],
      ['hdc', 'file', 'cdrom', null, null],
    ]);
  });
});

describe('virsh errors (recorded)', () => {
  it('has the exact stderr of domfsfreeze without a connected agent', () => {
    const run = recordedRun('virsh domfsfreeze web01');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toBe(FSFREEZE_NO_AGENT_STDERR);
  });

  // [argv prefix in agent-and-errors.txt, kind]
  it.each([
    ['virsh qemu-agent-command web01', 'agent-not-connected'],
    ['virsh domfsfreeze web01', 'agent-not-connected'],
    ['virsh domfsthaw web01', 'agent-not-connected'],
    ['virsh qemu-agent-command db01', 'domain-not-running'],
    ['virsh domfsfreeze db01', 'domain-not-running'],
    ['virsh domstate nosuch', 'no-such-domain'],
    ['virsh domblklist nosuch', 'no-such-domain'],
    ['virsh qemu-agent-command noagent01', 'agent-not-configured'],
    ['virsh domfsfreeze noagent01', 'agent-not-configured'],
  ])('%s -> %s', (argv, kind) => {
    const run = recordedRun(argv);
    expect(run.exitCode).toBe(1);
    expect(classifyVirshError(run.stderr)).toBe(kind);
  });

  it.each([
    ['error: Guest agent is not responding: Guest agent not available for now\n', 'agent-unresponsive'],
    ['error: Timed out during operation: cannot acquire state change lock\n', 'other'],
  ])('%j -> %s', (stderr, kind) => {
    expect(classifyVirshError(stderr)).toBe(kind);
  });
});
