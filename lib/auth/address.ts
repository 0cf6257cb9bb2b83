// IP addresses and CIDR ranges for the login limits and COWHERD_TRUSTED_PROXIES. Pure (no node:net) so that
// lib/env.ts can validate the proxy list with it and the tests can run it anywhere.

export interface Cidr {
  /** 4 or 16 bytes. */
  bytes: Uint8Array;
  prefix: number;
  /** As written after normalisation, e.g. `10.0.0.0/8` or `2001:db8::/32` (for messages). */
  text: string;
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (const [i, p] of parts.entries()) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    out[i] = Number(p);
  }
  return out;
}

function parseIpv6(input: string): Uint8Array | null {
  let s = input;
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone); // fe80::1%eth0: the zone does not change who it is
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split('::').length > 2) return null;
  // An embedded IPv4 (::ffff:192.0.2.1) is the last two groups written in decimal: rewrite it as hex groups.
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const v4 = parseIpv4(s.slice(lastColon + 1));
    if (!v4) return null;
    const hex = (a: number, b: number) => ((a << 8) | b).toString(16);
    s = `${s.slice(0, lastColon + 1)}${hex(v4[0] ?? 0, v4[1] ?? 0)}:${hex(v4[2] ?? 0, v4[3] ?? 0)}`;
  }
  const groupsOf = (part: string): number[] | null => {
    if (part === '') return [];
    const gs = part.split(':');
    const out: number[] = [];
    for (const g of gs) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const halves = s.split('::');
  let groups: number[];
  if (halves.length === 2) {
    const head = groupsOf(halves[0] ?? '');
    const rest = groupsOf(halves[1] ?? '');
    if (!head || !rest) return null;
    const missing = 8 - head.length - rest.length;
    if (missing < 1) return null;
    groups = [...head, ...Array<number>(missing).fill(0), ...rest];
  } else {
    const all = groupsOf(s);
    if (!all) return null;
    groups = all;
  }
  if (groups.length !== 8) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** An address as 4 bytes (IPv4, including IPv4-mapped IPv6 such as `::ffff:127.0.0.1`) or 16 bytes, or null. */
export function parseIp(input: string): Uint8Array | null {
  const s = input.trim().replace(/^\[(.*)\]$/, '$1');
  if (s.includes(':')) {
    const v6 = parseIpv6(s);
    if (!v6) return null;
    // A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d; they are the same client as a.b.c.d.
    if (v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff) return v6.slice(12);
    return v6;
  }
  return parseIpv4(s);
}

function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0)).toString(16));
  // Compress the longest run of two or more zero groups (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function masked(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const bits = Math.max(0, Math.min(8, prefix - 8 * i));
    out[i] = (bytes[i] ?? 0) & ((0xff << (8 - bits)) & 0xff);
  }
  return out;
}

/**
 * The key one client is counted under: an IPv4 address as such, an IPv6 address by its /64 (one end-user network
 * gets a whole /64, so counting single IPv6 addresses would let one client rotate through 2^64 of them).
 * Anything that is not an address counts as "unknown" (one shared, strictly limited bucket).
 */
export function addressKey(input: string | null | undefined): string {
  const bytes = input ? parseIp(input) : null;
  if (!bytes) return 'unknown';
  if (bytes.length === 4) return formatIp(bytes);
  return `${formatIp(masked(bytes, 64))}/64`;
}

/** `10.0.0.0/8`, `2001:db8::/32`, or a single address (as /32 or /128); null when malformed. */
export function parseCidr(input: string): Cidr | null {
  const [addr, len, ...extra] = input.trim().split('/');
  if (addr === undefined || extra.length) return null;
  const bytes = parseIp(addr);
  if (!bytes) return null;
  const max = bytes.length * 8;
  // An IPv4-mapped IPv6 range (::ffff:10.0.0.0/104) becomes the IPv4 range it means.
  const mappedShift = addr.includes(':') && bytes.length === 4 ? 96 : 0;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return null;
  const prefix = len === undefined ? max : Number(len) - mappedShift;
  if (prefix < 0 || prefix > max) return null;
  const net = masked(bytes, prefix);
  return { bytes: net, prefix, text: `${formatIp(net)}/${prefix}` };
}

/** A comma- or space-separated CIDR list: the ranges, or the first malformed entry. */
export function parseCidrList(input: string): { ok: true; value: Cidr[] } | { ok: false; error: string } {
  const out: Cidr[] = [];
  for (const entry of input.split(/[\s,]+/).filter(Boolean)) {
    const c = parseCidr(entry);
    if (!c) return { ok: false, error: `not an IP address or CIDR range: ${JSON.stringify(entry.slice(0, 64))}` };
    out.push(c);
  }
  return { ok: true, value: out };
}

export function inCidrs(address: string, cidrs: readonly Cidr[]): boolean {
  const bytes = parseIp(address);
  if (!bytes) return false;
  return cidrs.some((c) => {
    if (c.bytes.length !== bytes.length) return false;
    const m = masked(bytes, c.prefix);
    return m.every((b, i) => b === c.bytes[i]);
  });
}

export interface ForwardedFacts {
  /** The socket's peer address (null when unknown). */
  peer: string | null;
  forwardedFor: string | null;
  realIp: string | null;
}

/**
 * Who the client is. The socket peer counts, unless it is one of the trusted proxies: then X-Forwarded-For is read
 * from the right, skipping trusted proxies, and the first address that is not one is the client (an entry further
 * left was written by the client and proves nothing). X-Real-IP is used only when a trusted proxy sent no
 * X-Forwarded-For. Nothing a client writes is believed when it connects directly.
 */
export function resolveClientAddress(facts: ForwardedFacts, trusted: readonly Cidr[]): string {
  const peer = facts.peer?.trim() || null;
  if (!peer) return 'unknown';
  if (!inCidrs(peer, trusted)) return peer;
  const chain = (facts.forwardedFor ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (chain.length === 0) {
    const real = facts.realIp?.trim();
    return real && parseIp(real) ? real : peer;
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = chain[i] ?? '';
    if (!inCidrs(hop, trusted)) return parseIp(hop) ? hop : 'unknown';
  }
  return chain[0] ?? peer;
}
