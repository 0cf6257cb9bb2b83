import { expect, test } from '@playwright/test';

test('the overview lists the lab\'s volume groups and logical volumes, read live', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  const lab = page.getByRole('region', { name: 'Cowherd lab' });
  await expect(lab.getByText('vg0', { exact: true }).first()).toBeVisible();
  await expect(lab.getByText('web', { exact: true }).first()).toBeVisible();
  await expect(lab.getByText('db', { exact: true }).first()).toBeVisible();
});

test('a page without a session redirects to the login page', async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await page.goto('/');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await ctx.close();
});
