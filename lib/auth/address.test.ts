import { describe, expect, it } from 'vitest';
import { loadEnv } from '@/lib/env';
import { addressKey, inCidrs, parseCidr, parseCidrList, parseIp, resolveClientAddress } from './address';

const cidrs = (s: string) => {
  const r = parseCidrList(s);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('parseIp', () => {
  it.each([
    ['127.0.0.1', [127, 0, 0, 1]],
    ['::ffff:127.0.0.1', [127, 0, 0, 1]],
    ['::FFFF:7f00:1', [127, 0, 0, 1]],
    ['[::1]', [...Array<number>(15).fill(0), 1]],
    ['2001:db8::1', [0x20, 0x01, 0x0d, 0xb8, ...Array<number>(11).fill(0), 1]],
    ['fe80::1%eth0', [0xfe, 0x80, ...Array<number>(13).fill(0), 1]],
    ['1:2:3:4:5:6:7:8', [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]],
    ['64:ff9b::192.0.2.33', [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 33]],
  ])('%s', (input, bytes) => {
    expect(Array.from(parseIp(input) ?? [])).toEqual(bytes);
  });

  it.each(['', 'unknown', '1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'a.b.c.d', '::1.2.3', '1.2.3.4, 5.6.7.8'])(
    'refuses %j',
    (input) => expect(parseIp(input)).toBeNull(),
  );
});

describe('addressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    // every address of one /64 is one client
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:3::1', '2001:db8:1:3::/64'],
    ['::1', '::/64'],
    ['forged, 1.2.3.4', 'unknown'],
    [null, 'unknown'],
  ])('%s -> %s', (input, key) => expect(addressKey(input)).toBe(key));
});

describe('CIDR lists', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['192.0.2.1', '192.0.2.1/32'],
    ['::1', '::1/128'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
  ])('%s is %s', (input, text) => expect(parseCidr(input)?.text).toBe(text));

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/8/8', 'localhost', '10.0.0.0/-1', '10.0.0.0/ 8'])('refuses %j', (input) =>
    expect(parseCidr(input)).toBeNull(),
  );

  it('matches addresses, IPv4-mapped ones included', () => {
    const list = cidrs('127.0.0.1/32, 10.0.0.0/8 2001:db8::/32');
    expect(inCidrs('127.0.0.1', list)).toBe(true);
    expect(inCidrs('::ffff:127.0.0.1', list)).toBe(true);
    expect(inCidrs('127.0.0.2', list)).toBe(false);
    expect(inCidrs('10.200.0.1', list)).toBe(true);
    expect(inCidrs('2001:db8:ffff::1', list)).toBe(true);
    expect(inCidrs('2001:db9::1', list)).toBe(false);
    expect(inCidrs('garbage', list)).toBe(false);
  });

  it('is validated in the environment (default: no trusted proxy)', () => {
    expect(loadEnv({}).COWHERD_TRUSTED_PROXIES).toEqual([]);
    expect(loadEnv({ COWHERD_TRUSTED_PROXIES: '127.0.0.1, ::1' }).COWHERD_TRUSTED_PROXIES.map((c) => c.text)).toEqual([
      '127.0.0.1/32',
      '::1/128',
    ]);
    expect(() => loadEnv({ COWHERD_TRUSTED_PROXIES: '127.0.0.1, proxy.local' })).toThrow(
      /COWHERD_TRUSTED_PROXIES: not an IP address or CIDR range: "proxy.local"/,
    );
  });
});

describe('resolveClientAddress', () => {
  const none = cidrs('');
  const local = cidrs('127.0.0.1/32, ::1');
  it.each([
    // [what, facts, trusted, client]
    ['direct client, forged XFF ignored', { peer: '198.51.100.4', forwardedFor: '203.0.113.9', realIp: '203.0.113.10' }, none, '198.51.100.4'],
    ['no trusted proxy: even a local peer counts as itself', { peer: '127.0.0.1', forwardedFor: '203.0.113.9', realIp: null }, none, '127.0.0.1'],
    ['untrusted peer with a trusted-looking chain', { peer: '198.51.100.4', forwardedFor: '127.0.0.1', realIp: null }, local, '198.51.100.4'],
    ['trusted proxy: rightmost entry it appended', { peer: '127.0.0.1', forwardedFor: '6.6.6.6, 203.0.113.9', realIp: null }, local, '203.0.113.9'],
    ['trusted proxy chain skips trusted hops', { peer: '::ffff:127.0.0.1', forwardedFor: '203.0.113.9, ::1', realIp: null }, local, '203.0.113.9'],
    ['trusted proxy with X-Real-IP only', { peer: '127.0.0.1', forwardedFor: null, realIp: '203.0.113.11' }, local, '203.0.113.11'],
    ['trusted proxy, garbage appended', { peer: '127.0.0.1', forwardedFor: '203.0.113.9, evil', realIp: null }, local, 'unknown'],
    ['trusted proxy without any header', { peer: '127.0.0.1', forwardedFor: null, realIp: 'nonsense' }, local, '127.0.0.1'],
    ['no peer (stamp missing)', { peer: null, forwardedFor: '203.0.113.9', realIp: null }, local, 'unknown'],
  ])('%s', (_what, facts, trusted, client) => {
    expect(resolveClientAddress(facts, trusted)).toBe(client);
  });
});
