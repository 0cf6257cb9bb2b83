import { expect, test } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { E2E_ADMIN_PASSWORD } from './env';
import { labSshTarget } from './lab';
import { killServer, startServer } from './server';

// A host that stops answering, for real: a second Cowherd server reaches the lab through a TCP relay that this test
// owns. Closing the relay makes every ssh connection to the host fail exactly as a host that went away does
// ("Connection refused"); opening it again brings the host back. Stopping that server makes the page's own
// requests fail. Nothing is mocked: the banner text is ssh's own message, passed through the API.

const PORT = 3207;
const BASE = `http://127.0.0.1:${PORT}`;
const DATA = '/tmp/cowherd-unreachable';
const HOST_NAME = 'Cowherd lab via relay';
/** A read of the TCG lab takes up to tens of seconds when it is busy. */
const READ_MS = 90_000;

/** A TCP relay 127.0.0.1:<port> -> the lab's sshd that can be cut (every open connection dropped) and restored. */
class Relay {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  open(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          this.sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.server = server;
    return new Promise((resolve) => server.listen(this.port, '127.0.0.1', () => {
      this.port = (server.address() as net.AddressInfo).port;
      resolve();
    }));
  }

  cut(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = null;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

test('a host that stops answering gets a red banner, keeps its last data, and comes back', async ({ browser }) => {
  test.setTimeout(420_000);
  const ssh = labSshTarget();
  const relay = new Relay({ host: ssh.host, port: ssh.port });
  await relay.open();

  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  // The lab's host key, under the relay's address.
  const knownHosts = path.join(DATA, 'known_hosts');
  writeFileSync(knownHosts, readFileSync(ssh.knownHostsFile, 'utf8').replaceAll(`[${ssh.host}]:${ssh.port}`, `[127.0.0.1]:${relay.port}`));
  const config = path.join(DATA, 'cowherd.config.json');
  writeFileSync(config, JSON.stringify({
    hosts: [{ id: 'lab', name: HOST_NAME, ssh: { ...ssh, host: '127.0.0.1', port: relay.port, knownHostsFile: knownHosts } }],
  }));

  let server: ChildProcess | undefined;
  const context = await browser.newContext({ baseURL: BASE, storageState: undefined });
  try {
    server = await startServer({
      port: PORT,
      dataDir: DATA,
      config,
      pollMs: 2000,
      // Its own ssh master connections, which die with the relay's connections.
      env: { COWHERD_SSH_CONTROL_DIR: path.join(DATA, 'ssh') },
    });
    const login = await context.request.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
    expect(login.ok(), await login.text()).toBe(true);

    const page = await context.newPage();
    await page.goto('/');
    const region = page.getByRole('region', { name: HOST_NAME });
    await expect(region.getByText('web', { exact: true }).first()).toBeVisible({ timeout: READ_MS });
    const banner = region.getByRole('alert');
    await expect(banner).toHaveCount(0);

    // The host goes away: ssh's own error reaches the page, and the last good data stays under the banner.
    await relay.cut();
    await expect(banner).toContainText(`host ${HOST_NAME} is not answering: ssh: connect to host 127.0.0.1 port ${relay.port}: Connection refused`, {
      timeout: READ_MS,
    });
    await expect(banner).toContainText(/— showing data from \d\d:\d\d:\d\d/);
    await expect(region.getByText('web', { exact: true }).first()).toBeVisible();
    await expect(region.getByRole('list', { name: 'Alerts' })).toContainText(`Host ${HOST_NAME} is not answering`);
    // The API says the same to scripts: the last data, reachable false, and the reason.
    const inv = (await (await context.request.get('/api/hosts/lab/inventory')).json()) as { reachable: boolean; error?: string; lvs: { name: string }[] };
    expect(inv.reachable).toBe(false);
    expect(inv.error).toContain('Connection refused');
    expect(inv.lvs.map((l) => l.name)).toContain('web');
    await page.screenshot({ path: path.resolve(import.meta.dirname, '../screenshots/overview-host-not-answering.png'), fullPage: true });

    // It comes back: the banner goes at the next good read.
    await relay.open();
    await expect(banner).toHaveCount(0, { timeout: READ_MS });

    // Cowherd itself stops: the page says its own refresh failed and keeps the data.
    killServer(server, 'SIGTERM');
    await expect(banner).toContainText(`Cowherd could not refresh host ${HOST_NAME}`, { timeout: 60_000 });
    await expect(region.getByText('web', { exact: true }).first()).toBeVisible();
  } finally {
    killServer(server, 'SIGTERM');
    await relay.cut();
    await context.close();
  }
});
