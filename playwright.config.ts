import { defineConfig } from '@playwright/test';
import path from 'node:path';

const port = Number(process.env.E2E_PORT ?? 3100);
const labDir = process.env.COWHERD_LAB_DIR ?? path.resolve(import.meta.dirname, '.lab');
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR ?? path.join(labDir, 'e2e-data');
export const E2E_ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? 'e2e-admin-password';

export default defineConfig({
  testDir: './e2e',
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium, never a downloaded browser.
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    // The production build, served by `npm start`, pointed at the lab.
    command: 'npm start',
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: 'pipe',
    env: {
      PORT: String(port),
      COWHERD_BIND: '127.0.0.1',
      COWHERD_CONFIG: path.join(labDir, 'cowherd.config.json'),
      COWHERD_DATA_DIR: E2E_DATA_DIR,
      COWHERD_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
      COWHERD_POLL_MS: '2000',
    },
  },
});
