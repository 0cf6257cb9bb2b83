import { request, type FullConfig } from '@playwright/test';
import { E2E_ADMIN_PASSWORD, STORAGE_STATE } from './env';

// Log in once as the admin the server created from COWHERD_ADMIN_PASSWORD and keep the session cookie for the specs.
export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0]?.use.baseURL;
  const ctx = await request.newContext({ baseURL });
  const res = await ctx.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
  if (!res.ok()) throw new Error(`e2e login failed: ${res.status()} ${await res.text()}`);
  await ctx.storageState({ path: STORAGE_STATE });
  await ctx.dispose();
}
