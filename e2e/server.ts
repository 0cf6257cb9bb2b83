import { expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { E2E_ADMIN_PASSWORD } from './env';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface ServerOptions {
  port: number;
  /** Its own data directory (SQLite); server.log is written there too. */
  dataDir: string;
  /** The hosts file it reads. */
  config: string;
  pollMs?: number;
  /** How long to wait for /api/health. */
  timeoutMs?: number;
  env?: Record<string, string>;
}

/**
 * A second Cowherd server of the production build, for tests that stop or break it (the one playwright.config.ts
 * starts is shared by all tests). It runs in its own process group, so kill() takes it and everything it spawned
 * (ssh), like a crash of the service.
 */
export async function startServer(o: ServerOptions): Promise<ChildProcess> {
  const log = openSync(path.join(o.dataDir, 'server.log'), 'a');
  const child = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-H', '127.0.0.1', '-p', String(o.port)], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      COWHERD_DIST_DIR: process.env.COWHERD_DIST_DIR || '.next',
      COWHERD_CONFIG: o.config,
      COWHERD_DATA_DIR: o.dataDir,
      COWHERD_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
      COWHERD_POLL_MS: String(o.pollMs ?? 5000),
      ...o.env,
    },
  });
  const base = `http://127.0.0.1:${o.port}`;
  try {
    await expect
      .poll(async () => (await fetch(`${base}/api/health`).catch(() => null))?.status ?? 0, { timeout: o.timeoutMs ?? 120_000, intervals: [500] })
      .toBe(200);
  } catch (e) {
    // Say why the server did not come up (a missing build, a port in use...), not only that it did not.
    const tail = readFileSync(path.join(o.dataDir, 'server.log'), 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`the server on port ${o.port} did not answer /api/health; exit ${String(child.exitCode ?? child.signalCode)}; its log:\n${tail}`, { cause: e });
  }
  return child;
}

/** Signal a server started by startServer (and its process group); nothing when it has already exited. */
export function killServer(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (child?.pid && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  }
}
