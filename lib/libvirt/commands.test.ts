import { describe, expect, it } from 'vitest';
import {
  agentPingArgv,
  destroyArgv,
  domblklistArgv,
  domfsfreezeArgv,
  domfsthawArgv,
  domstateArgv,
  domstatsArgv,
  dumpxmlArgv,
  isAmbiguousDomainName,
  listAllArgv,
  listNamesArgv,
  listUuidNamesArgv,
  resumeArgv,
  shutdownArgv,
  startArgv,
  suspendArgv,
} from './commands';

const UUID = '81142170-3005-450c-944c-657d8db8911a';

describe('virsh argv', () => {
  it.each([
    [listNamesArgv(), ['virsh', 'list', '--all', '--name']],
    [listAllArgv(), ['virsh', 'list', '--all']],
    [domstatsArgv(), ['virsh', 'domstats', '--state', '--block']],
    [domstateArgv('web01'), ['virsh', 'domstate', '--domain', 'web01']],
    [domblklistArgv('web01'), ['virsh', 'domblklist', '--domain', 'web01', '--details']],
    [dumpxmlArgv('web01'), ['virsh', 'dumpxml', '--domain', 'web01']],
    [dumpxmlArgv('web01', { inactive: true }), ['virsh', 'dumpxml', '--domain', 'web01', '--inactive']],
    [agentPingArgv('web01'), ['virsh', 'qemu-agent-command', '--domain', 'web01', '--cmd', '{"execute":"guest-ping"}']],
    [agentPingArgv('web01', { timeoutSeconds: 5 }), ['virsh', 'qemu-agent-command', '--domain', 'web01', '--timeout', '5', '--cmd', '{"execute":"guest-ping"}']],
    [domfsfreezeArgv('web01'), ['virsh', 'domfsfreeze', '--domain', 'web01']],
    [domfsthawArgv('web01'), ['virsh', 'domfsthaw', '--domain', 'web01']],
    [suspendArgv('web01'), ['virsh', 'suspend', '--domain', 'web01']],
    [resumeArgv('web01'), ['virsh', 'resume', '--domain', 'web01']],
    [shutdownArgv('web01'), ['virsh', 'shutdown', '--domain', 'web01']],
    [destroyArgv('web01'), ['virsh', 'destroy', '--domain', 'web01']],
    [startArgv('web01'), ['virsh', 'start', '--domain', 'web01']],
    [listAllArgv({ uri: 'qemu:///system' }), ['virsh', '--connect', 'qemu:///system', 'list', '--all']],
    [domstateArgv('-x; rm -rf /', { uri: 'qemu:///system' }), ['virsh', '--connect', 'qemu:///system', 'domstate', '--domain', '-x; rm -rf /']],
    [domstatsArgv({ uri: 'qemu:///system', quiet: true }), ['virsh', '-q', '--connect', 'qemu:///system', 'domstats', '--state', '--block']],
    [listUuidNamesArgv({ uri: 'qemu:///system' }), ['virsh', '--connect', 'qemu:///system', 'list', '--all', '--uuid', '--name']],
    [destroyArgv({ uuid: UUID }, { uri: 'qemu+ssh://root@kvm1/system' }), ['virsh', '--connect', 'qemu+ssh://root@kvm1/system', 'destroy', '--domain', UUID]],
    [shutdownArgv({ uuid: UUID }, { uri: 'qemu:///system' }), ['virsh', '--connect', 'qemu:///system', 'shutdown', '--domain', UUID]],
    [domfsfreezeArgv({ uuid: UUID }), ['virsh', 'domfsfreeze', '--domain', UUID]],
  ])('%j', (argv, expected) => {
    expect(argv).toEqual(expected);
  });

  it('refuses an empty domain name', () => {
    expect(() => domstateArgv('')).toThrow(/empty domain name/);
  });

  // virsh would read these as the ID or UUID of another domain: a guest named "3" is acted on by its UUID.
  it.each(['3', '0', '81142170-3005-450c-944c-657d8db8911a', '811421703005450c944c657d8db8911a'])('refuses the ambiguous domain name %j', (name) => {
    for (const build of [destroyArgv, shutdownArgv, startArgv, suspendArgv, resumeArgv, domfsfreezeArgv, domfsthawArgv, domstateArgv]) {
      expect(() => build(name)).toThrow(/could be read as a domain ID or UUID; act on the guest by its UUID/);
    }
  });

  it.each(['', 'web01', '3', '81142170-3005-450c-944c-657d8db8911a; id', '--domain', 'ABCDEF'])('refuses the non-UUID %j as a UUID', (uuid) => {
    expect(() => destroyArgv({ uuid })).toThrow(/is not a domain UUID/);
  });

  it.each(['', '-c', 'qemu:///system --readonly', 'system'])('refuses the connection URI %j', (uri) => {
    expect(() => listAllArgv({ uri })).toThrow(/invalid connection URI/);
  });

  it.each([
    ['web01', false],
    ['2', true],
    ['81142170-3005-450c-944c-657d8db8911a', true],
    ['web-2', false],
  ])('isAmbiguousDomainName(%j) is %s', (name, expected) => {
    expect(isAmbiguousDomainName(name)).toBe(expected);
  });
});
