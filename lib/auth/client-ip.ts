import 'server-only';
import { env } from '@/lib/env';
import { resolveClientAddress } from './address';
import { stampedPeer } from './peer-stamp';

let warned = false;

/**
 * The client's address for the login limits and the audit log: the socket peer (stamped by instrumentation.ts),
 * or what a proxy listed in COWHERD_TRUSTED_PROXIES says. "unknown" when the stamp is missing (a development
 * server without instrumentation), which shares one strictly limited bucket.
 */
export function clientIp(headers: Headers): string {
  const peer = stampedPeer(headers);
  if (peer === null && !warned) {
    warned = true;
    console.warn('cowherd: the socket address of requests is unknown (peer stamp not installed); logins share one limit');
  }
  return resolveClientAddress(
    { peer, forwardedFor: headers.get('x-forwarded-for'), realIp: headers.get('x-real-ip') },
    env().COWHERD_TRUSTED_PROXIES,
  );
}
