import { expect, test, ADMIN, login, openAccountMenu } from './helpers';

test('logging out ends the session', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const menu = await openAccountMenu(page, ADMIN.nick);
  await menu.getByRole('button', { name: 'Log out' }).click();
  await expect(page).toHaveURL(/\/admin\/login/);
  await expect(page.getByRole('heading', { name: 'Log in to the admin panel' })).toBeVisible();

  // The panel is closed again.
  await page.goto('/admin/');
  await expect(page).toHaveURL(/\/admin\/login\?next=/);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toHaveCount(0);
});

test('the account menu shows who is signed in', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const menu = await openAccountMenu(page, ADMIN.nick);
  await expect(menu.getByText('Admin', { exact: true })).toBeVisible();
  await expect(menu.getByText(/^Privileges: .+/)).toBeVisible();
  await expect(menu.getByText(/statistics_read/)).toBeVisible();
  await expect(menu.getByRole('button', { name: /^Theme: / })).toBeVisible();
  await expect(menu.getByRole('button', { name: 'Log out' })).toBeVisible();
});
