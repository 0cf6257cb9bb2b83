import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const LAB_DIR = process.env.COWHERD_LAB_DIR ?? path.join(root, '.lab');
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DATA_DIR = process.env.E2E_DATA_DIR ?? path.join(LAB_DIR, 'e2e-data');
export const E2E_ADMIN_PASSWORD = process.env.E2E_ADMIN_PASSWORD ?? 'e2e-admin-password';
// Per port, so test runs side by side do not overwrite each other's session.
export const STORAGE_STATE = path.join(LAB_DIR, `e2e-admin-state-${E2E_PORT}.json`);
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;
