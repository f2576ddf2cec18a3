import {
  expect,
  test,
  ADMIN,
  MFA_ADMIN,
  MODERATOR,
  PLAIN,
  expectDashboard,
  isHydrated,
  login,
  openLogin,
  settle,
  submitCredentials,
  totp,
  wrongTotp,
} from './helpers';

// Failed logins count against a per-IP limit (15 a minute) shared by the whole suite: this file makes
// three per project (bad password, non-staff, wrong code), six in all.

test('the login page has its form', async ({ page }, testInfo) => {
  await openLogin(page, testInfo);
  await expect(page.getByLabel('Nickname or email')).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('type', 'password');
  await expect(page.getByRole('checkbox', { name: 'Show password' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('show password reveals the password', async ({ page }, testInfo) => {
  test.skip(!isHydrated(testInfo), 'needs JavaScript');
  await openLogin(page, testInfo);
  const password = page.getByLabel('Password', { exact: true });
  await password.fill('secret-words');
  await page.getByRole('checkbox', { name: 'Show password' }).check();
  await expect(password).toHaveAttribute('type', 'text');
  await page.getByRole('checkbox', { name: 'Show password' }).uncheck();
  await expect(password).toHaveAttribute('type', 'password');
});

test('an admin logs in and lands on the dashboard', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await expect(page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByLabel(`Account menu for @${ADMIN.nick}`)).toBeVisible();
});

test('a wrong password is refused with an error', async ({ page }, testInfo) => {
  await openLogin(page, testInfo);
  await submitCredentials(page, ADMIN.nick, 'not-the-password');
  await expect(page).toHaveURL(/\/admin\/login\?.*error=/);
  await expect(page.getByRole('alert')).toContainText('Invalid credentials');
  await expect(page.getByRole('heading', { name: 'Log in to the admin panel' })).toBeVisible();
  // Still signed out.
  await page.goto('/admin/');
  await expect(page).toHaveURL(/\/admin\/login/);
});

test('an account that is not staff is refused', async ({ page }, testInfo) => {
  await openLogin(page, testInfo);
  await submitCredentials(page, PLAIN.nick, PLAIN.password);
  await expect(page).toHaveURL(/\/admin\/login\?.*error=/);
  await expect(page.getByRole('alert')).toContainText('This account is not an admin or moderator.');
  await page.goto('/admin/');
  await expect(page).toHaveURL(/\/admin\/login/);
});

test('a moderator without statistics_read sees why there are no counters', async ({ page }, testInfo) => {
  await login(page, testInfo, MODERATOR);
  await expect(page.getByText('Your role does not include the statistics_read privilege')).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Users' })).toHaveCount(0);
});

test('an account with MFA needs the current code', async ({ page }, testInfo) => {
  await openLogin(page, testInfo);
  await submitCredentials(page, MFA_ADMIN.nick, MFA_ADMIN.password);
  const code = page.getByLabel('Authentication code');
  await expect(code).toBeVisible();
  await expect(page.getByLabel('Nickname or email')).toHaveCount(0);
  await settle(page, testInfo);
  await code.fill(totp(MFA_ADMIN.totpSecret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expectDashboard(page, testInfo);
  await expect(page.getByLabel(`Account menu for @${MFA_ADMIN.nick}`)).toBeVisible();
});

test('a wrong MFA code is refused', async ({ page }, testInfo) => {
  await openLogin(page, testInfo);
  await submitCredentials(page, MFA_ADMIN.nick, MFA_ADMIN.password);
  await expect(page.getByLabel('Authentication code')).toBeVisible();
  await settle(page, testInfo);
  await page.getByLabel('Authentication code').fill(wrongTotp(MFA_ADMIN.totpSecret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toContainText('That code is not valid');
  await page.goto('/admin/');
  await expect(page).toHaveURL(/\/admin\/login/);
});

test('signing in after being sent to the login page returns to where you were', async ({ page }, testInfo) => {
  await page.goto('/admin/');
  await expect(page).toHaveURL(/\/admin\/login\?next=/);
  const next = new URL(page.url()).searchParams.get('next');
  expect(next).toMatch(/^\/admin\/?$/);
  await expect(page.getByRole('heading', { name: 'Log in to the admin panel' })).toBeVisible();
  await settle(page, testInfo);
  await submitCredentials(page, ADMIN.nick, ADMIN.password);
  await expectDashboard(page, testInfo);
});

test('the next parameter sends you to the page you asked for', async ({ page }, testInfo) => {
  await page.goto('/admin/users?view=remote');
  await expect(page).toHaveURL(/\/admin\/login\?next=/);
  expect(new URL(page.url()).searchParams.get('next')).toBe('/admin/users?view=remote');
  await settle(page, testInfo);
  await submitCredentials(page, ADMIN.nick, ADMIN.password);
  await expect(page).toHaveURL(/\/admin\/users\?view=remote$/);
});

test('next never leads off the site', async ({ page, baseURL }, testInfo) => {
  await openLogin(page, testInfo, `?next=${encodeURIComponent('//evil.example/admin/')}`);
  await submitCredentials(page, ADMIN.nick, ADMIN.password);
  await expectDashboard(page, testInfo);
  expect(new URL(page.url()).host).toBe(new URL(baseURL!).host);
});
