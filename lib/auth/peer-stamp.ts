import 'server-only';
import http from 'node:http';
import https from 'node:https';

/**
 * Route handlers and server actions of the App Router are not given the socket, and Next.js only copies the socket
 * address into X-Forwarded-For when the client did not send that header itself (base-server.js: `??=`), so the
 * peer address is lost exactly when a client forges the header. instrumentation.ts therefore installs this stamp:
 * every request the Node server receives gets the socket's address in PEER_HEADER, overwriting whatever the
 * client sent under that name.
 */
export const PEER_HEADER = 'x-cowherd-peer';

const g = globalThis as { __cowherdPeerStamp?: boolean };

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

function patch(proto: { emit: Emit }): void {
  const original = proto.emit;
  proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage | undefined;
      if (req?.headers) req.headers[PEER_HEADER] = req.socket.remoteAddress ?? '';
    }
    return original.call(this, event, ...args);
  };
}

export function installPeerStamp(): void {
  if (g.__cowherdPeerStamp) return;
  patch(http.Server.prototype as unknown as { emit: Emit });
  // https.Server inherits from tls.Server, not http.Server: it needs its own patch.
  patch(https.Server.prototype as unknown as { emit: Emit });
  g.__cowherdPeerStamp = true;
}

/** The stamped peer address, or null when the stamp is not installed (then PEER_HEADER could be forged). */
export function stampedPeer(headers: Headers): string | null {
  if (!g.__cowherdPeerStamp) return null;
  return headers.get(PEER_HEADER);
}
