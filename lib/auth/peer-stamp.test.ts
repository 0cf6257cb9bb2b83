import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientIp } from './client-ip';
import { installPeerStamp, PEER_HEADER } from './peer-stamp';

// A real Node http server with the stamp installed: what a route handler's headers look like for a client that
// forges X-Forwarded-For and the stamp header itself.
let server: http.Server;
let port: number;
let seen: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  installPeerStamp();
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(headers: Record<string, string>, localAddress: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', headers, localAddress }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
      .on('error', reject);
  });
}

describe('peer stamp', () => {
  it.each([
    ['127.0.0.1', {}],
    ['127.0.0.2', { 'x-forwarded-for': '10.9.0.1' }],
    ['127.0.0.3', { [PEER_HEADER]: '10.9.0.2', 'x-real-ip': '10.9.0.3' }],
  ])('stamps the socket address %s over whatever the client sent', async (local, headers) => {
    seen = [];
    await get(headers, local);
    const h = seen[0];
    expect(h?.[PEER_HEADER]).toBe(local);
    // and clientIp (no trusted proxy) believes only the socket
    const asFetch = new Headers(Object.entries(h ?? {}).map(([k, v]) => [k, String(v)] as [string, string]));
    expect(clientIp(asFetch)).toBe(local);
  });
});
