import { expect, test, ADMIN, MODERATOR, isHydrated, login, settle } from './helpers';
import { accountId, createAccounts, passwordWorks, screenshots, uniqueNick, VIEWPORTS } from './accounts';
import type { Page, TestInfo } from '@playwright/test';

/** Opens a users list URL and waits for its table (or empty state). */
async function openUsers(page: Page, testInfo: TestInfo, query = '') {
  await page.goto(`/admin/users${query}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();
  await settle(page, testInfo);
}

/** Searches by nickname: typing is enough when hydrated (debounced), Apply without JavaScript. */
async function search(page: Page, testInfo: TestInfo, text: string) {
  await page.getByLabel('Search nickname or domain').fill(text);
  if (isHydrated(testInfo)) {
    await expect(page).toHaveURL(new RegExp(`[?&]query=${text}`));
  } else {
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(new RegExp(`[?&]query=${text}`));
  }
}

async function openUser(page: Page, testInfo: TestInfo, nickname: string) {
  await page.goto(`/admin/users/${await accountId(page, nickname)}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(`@${nickname}`);
  await settle(page, testInfo);
}

const table = (page: Page) => page.getByRole('table');
const notice = (page: Page) => page.getByRole('status').filter({ hasText: /\S/ }).first();

test('views and filters live in the URL', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await settle(page, testInfo);
  const views = page.getByRole('navigation', { name: 'Views' });
  await expect(views.getByRole('link', { name: 'All local' })).toHaveAttribute('aria-current', 'page');
  // The pending tab carries its count.
  await expect(views.getByRole('link', { name: /Pending approval \(\d+\)/ })).toBeVisible();

  await views.getByRole('link', { name: 'Remote' }).click();
  await expect(page).toHaveURL(/view=remote/);
  await expect(views.getByRole('link', { name: 'Remote' })).toHaveAttribute('aria-current', 'page');
  await expect(table(page).getByRole('cell', { name: /^Remote · / }).first()).toBeVisible();
  await expect(table(page).getByRole('cell', { name: 'Local', exact: true })).toHaveCount(0);

  // A status filter from the form, then "Clear filters".
  await page.getByLabel('Status', { exact: true }).selectOption('deactivated');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/status=deactivated/);
  if (isHydrated(testInfo)) {
    // Inside the app the URL holds only what differs from the defaults.
    await expect(page).toHaveURL(/\/admin\/users\?view=remote&status=deactivated$/);
  }
  const rows = table(page).getByRole('row');
  await expect(rows.nth(1)).toContainText('Deactivated');
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/admin\/users\?view=remote$/);
  await expect(page.getByLabel('Status', { exact: true })).toHaveValue('');

  // Reload restores the view.
  await page.reload();
  await expect(views.getByRole('link', { name: 'Remote' })).toHaveAttribute('aria-current', 'page');
});

test('search finds accounts by nickname', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const nick = uniqueNick(testInfo, 'find');
  await createAccounts(page, [nick]);
  await openUsers(page, testInfo);
  await search(page, testInfo, nick);
  await expect(table(page).getByRole('row')).toHaveCount(2);
  await expect(table(page).getByRole('link', { name: nick })).toBeVisible();
  // Nothing matches: the empty state says so and offers to clear.
  await search(page, testInfo, `${nick}zzz`);
  await expect(page.getByRole('heading', { name: 'No accounts' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Clear filters' }).first()).toBeVisible();
});

test('pagination moves through numbered pages', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await openUsers(page, testInfo);
  await page.getByLabel('Per page').selectOption('20');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/page_size=20/);
  const pager = page.getByRole('navigation', { name: 'Pagination' });
  await expect(pager).toContainText(/Showing 1–20 of \d+/);
  await expect(table(page).getByRole('row')).toHaveCount(21);
  await pager.getByRole('link', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(pager).toContainText(/Showing 21–40 of \d+/);
  await expect(pager.getByRole('link', { name: 'Page 2, current' })).toHaveAttribute('aria-current', 'page');
  await pager.getByRole('link', { name: /^Last page/ }).click();
  await expect(pager.getByRole('link', { name: 'Next page' })).toHaveCount(0);
  await pager.getByRole('link', { name: 'First page' }).click();
  await expect(pager).toContainText(/Showing 1–20 of/);
});

test('bulk deactivate asks for confirmation, focused on Cancel', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const prefix = uniqueNick(testInfo, 'bulk');
  const [a, b] = [`${prefix}a`, `${prefix}b`];
  await createAccounts(page, [a, b]);
  await openUsers(page, testInfo);
  await search(page, testInfo, prefix);
  await expect(table(page).getByRole('row')).toHaveCount(3);
  await page.getByRole('checkbox', { name: `Select @${a}` }).check();
  await page.getByRole('checkbox', { name: `Select @${b}` }).check();
  const bar = page.getByRole('region', { name: 'Bulk actions' });
  if (isHydrated(testInfo)) {
    await expect(bar.getByRole('status')).toHaveText('2 selected');
  }
  await bar.getByRole('button', { name: 'Deactivate', exact: true }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Deactivate 2 users?' })).toBeVisible();
  await settle(page, testInfo);
  await expect(page.getByText('Their follows are kept')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Cancel' })).toBeFocused();
  // Cancel changes nothing.
  await page.getByRole('link', { name: 'Cancel' }).click();
  await expect(table(page).getByRole('row').filter({ hasText: a })).toContainText('Active');

  await page.getByRole('checkbox', { name: `Select @${a}` }).check();
  await page.getByRole('checkbox', { name: `Select @${b}` }).check();
  await bar.getByRole('button', { name: 'Deactivate', exact: true }).click();
  await page.getByRole('button', { name: 'Deactivate 2 users' }).click();
  await expect(notice(page)).toContainText('Deactivated 2 users.');
  await expect(page).toHaveURL(new RegExp(`query=${prefix}`));
  for (const nick of [a, b]) {
    await expect(table(page).getByRole('row').filter({ hasText: nick })).toContainText('Deactivated');
  }
});

test('select all on the page selects every row', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const prefix = uniqueNick(testInfo, 'all');
  await createAccounts(page, [`${prefix}a`, `${prefix}b`, `${prefix}c`]);
  await openUsers(page, testInfo);
  await search(page, testInfo, prefix);
  if (isHydrated(testInfo)) {
    await page.getByRole('checkbox', { name: 'Select all users on this page' }).check();
    await expect(page.getByRole('region', { name: 'Bulk actions' }).getByRole('status')).toHaveText('3 selected');
  } else {
    await page.getByRole('link', { name: 'Select all on this page' }).click();
  }
  for (const letter of ['a', 'b', 'c']) {
    await expect(page.getByRole('checkbox', { name: `Select @${prefix}${letter}` })).toBeChecked();
  }
  // The checkboxes are keyboard operable.
  const first = page.getByRole('checkbox', { name: `Select @${prefix}a` });
  await first.focus();
  await page.keyboard.press('Space');
  await expect(first).not.toBeChecked();
});

test('create users: a refused batch creates nothing, then a fixed one succeeds', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const fresh = uniqueNick(testInfo, 'new');
  await page.goto('/admin/users');
  await settle(page, testInfo);
  await page.getByRole('link', { name: 'Create users' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Create users' })).toBeVisible();
  await settle(page, testInfo);
  await page.getByLabel('Nickname 1').fill(fresh);
  await page.getByLabel('Email 1').fill(`${fresh}@e2e.example`);
  await page.getByLabel('Password 1').fill('first-password-1');
  await page.getByLabel('Nickname 2').fill('demo_mod');
  await page.getByLabel('Email 2').fill(`${fresh}-2@e2e.example`);
  await page.getByLabel('Password 2').fill('second-password-2');
  await page.getByRole('button', { name: 'Create accounts' }).click();

  await expect(page.getByRole('alert').filter({ hasText: 'Nothing was created' }).first()).toBeVisible();
  await expect(page.getByText('Row 2: nickname has already been taken')).toBeVisible();
  await expect(page.getByLabel('Nickname 2')).toHaveAttribute('aria-invalid', 'true');
  // What was typed is still there.
  await expect(page.getByLabel('Nickname 1')).toHaveValue(fresh);
  await expect(page.getByLabel('Password 1')).toHaveValue('first-password-1');
  const check = await page.request.get(`/api/pleroma/admin/users/${fresh}`);
  expect(check.status(), 'nothing created').toBe(404);

  await page.getByLabel('Nickname 2').fill(`${fresh}2`);
  await page.getByRole('button', { name: 'Create accounts' }).click();
  await expect(notice(page)).toContainText('Created 2 users.');
  const summary = page.getByRole('region', { name: 'Created accounts' });
  await expect(summary.getByRole('link', { name: `@${fresh}`, exact: true })).toBeVisible();
  await expect(summary).toContainText('first-password-1');
  await expect(summary).toContainText('second-password-2');
  expect(await passwordWorks(page, `${fresh}2`, 'second-password-2')).toBeTruthy();
});

test('pasted lines become accounts', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const nick = uniqueNick(testInfo, 'paste');
  await page.goto('/admin/users/new');
  await settle(page, testInfo);
  await page.getByLabel(/Paste accounts/).fill(`${nick},${nick}@e2e.example,pasted-password-1`);
  if (isHydrated(testInfo)) {
    await page.getByRole('button', { name: 'Turn pasted lines into rows' }).click();
    await expect(page.getByLabel('Nickname 1')).toHaveValue(nick);
  }
  await page.getByRole('button', { name: 'Create accounts' }).click();
  await expect(notice(page)).toContainText(`Created @${nick}.`);
  await expect(page.getByRole('region', { name: 'Created accounts' })).toContainText('pasted-password-1');
});

test('tags are added and removed on the user page', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const nick = uniqueNick(testInfo, 'tag');
  await createAccounts(page, [nick]);
  await openUser(page, testInfo, nick);
  const tags = page.getByRole('region', { name: 'Tags' });
  await expect(tags).toContainText('No tags.');
  await tags.getByLabel('Preset').selectOption({ label: 'Force unlisted' });
  await tags.getByRole('button', { name: 'Add tag' }).click();
  await expect(notice(page)).toContainText(`Added the tag “Force unlisted” to @${nick}.`);
  const chip = (text: string) => tags.getByRole('listitem').filter({ hasText: text });
  await expect(chip('Force unlisted')).toBeVisible();
  await tags.getByLabel('Or another tag').fill('Spam-Watch');
  await tags.getByRole('button', { name: 'Add tag' }).click();
  await expect(chip('spam-watch')).toBeVisible();
  await tags.getByRole('button', { name: 'Remove the tag Force unlisted' }).click();
  await expect(notice(page)).toContainText('Removed the tag “Force unlisted”');
  await expect(chip('Force unlisted')).toHaveCount(0);
  // The list shows the tag in words and filters by it.
  await openUsers(page, testInfo, `?tags=spam-watch&query=${nick}`);
  await expect(table(page).getByRole('row')).toHaveCount(2);
});

test('grant and revoke moderator', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const nick = uniqueNick(testInfo, 'mod');
  await createAccounts(page, [nick]);
  await openUser(page, testInfo, nick);
  const roles = page.getByRole('region', { name: 'Roles' });
  await roles.getByRole('button', { name: 'Grant moderator' }).click();
  await expect(notice(page)).toContainText(`Made @${nick} moderator.`);
  await expect(roles).toContainText('Moderator.');
  await roles.getByRole('button', { name: 'Revoke moderator' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Revoke moderator from @${nick}?` })).toBeVisible();
  await settle(page, testInfo);
  await expect(page.getByRole('link', { name: 'Cancel' })).toBeFocused();
  await page.getByRole('button', { name: `Revoke moderator @${nick}` }).click();
  await expect(notice(page)).toContainText(`Revoked moderator from @${nick}.`);
  await expect(roles).toContainText('No staff role.');
});

test('your own account cannot be deactivated, deleted or stripped of admin', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await openUser(page, testInfo, ADMIN.nick);
  const actions = page.getByRole('region', { name: 'Account actions' });
  await expect(actions).toContainText("This is your own account");
  await expect(actions.getByRole('button', { name: 'Deactivate' })).toHaveCount(0);
  await expect(actions.getByRole('button', { name: 'Delete' })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Roles' }).getByRole('button', { name: 'Revoke admin' })).toHaveCount(0);
});

test('a password reset link is shown once and changes the password', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const nick = uniqueNick(testInfo, 'reset');
  await createAccounts(page, [nick]);
  await openUser(page, testInfo, nick);
  await page.getByRole('button', { name: 'Get password reset link' }).click();
  await expect(notice(page)).toContainText(`Created a password reset link for @${nick}.`);
  const box = page.getByRole('region', { name: 'Password reset link' });
  await expect(box).toContainText('It works once');
  const link = (await box.getByLabel('Password reset link', { exact: true }).innerText()).trim();
  expect(link).toContain('/api/pleroma/password_reset/');
  if (isHydrated(testInfo)) {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const copy = box.getByRole('button', { name: 'Copy the password reset link' });
    await copy.click();
    await expect(copy).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  }
  // Shown once: a reload no longer has it.
  await page.reload();
  await expect(page.getByRole('region', { name: 'Password reset link' })).toHaveCount(0);

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill('brand-new-password-1');
  await page.getByLabel('Repeat the new password').fill('brand-new-password-1');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('heading', { name: 'Password changed' })).toBeVisible();
  expect(await passwordWorks(page, nick, 'brand-new-password-1')).toBeTruthy();
});

test('credentials are edited with field errors beside the fields', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const nick = uniqueNick(testInfo, 'cred');
  await createAccounts(page, [nick]);
  await openUser(page, testInfo, nick);
  await page.getByRole('link', { name: 'Credentials' }).click();
  await expect(page.getByRole('heading', { name: 'Profile and credentials' })).toBeVisible();
  await settle(page, testInfo);
  await expect(page.getByText('signs the user out everywhere and makes them choose a new password')).toBeVisible();
  // The browser accepts this address; the server wants a dot in the domain.
  await page.getByLabel('Email', { exact: true }).fill('someone@nowhere');
  await page.getByLabel('Display name', { exact: true }).fill('Renamed Person');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Email has invalid format.')).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Display name', { exact: true })).toHaveValue('Renamed Person');

  await page.getByLabel('Email', { exact: true }).fill(`${nick}-new@e2e.example`);
  await page.getByLabel('Bio', { exact: true }).fill('Line one\nLine two');
  await page.getByLabel('Field 1 label').fill('Site');
  await page.getByLabel('Field 1 content').fill('https://e2e.example');
  await page.getByRole('checkbox', { name: /^Locked/ }).check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(notice(page)).toContainText(`Saved the profile and credentials of @${nick}.`);
  await expect(page.getByLabel('Display name', { exact: true })).toHaveValue('Renamed Person');
  await expect(page.getByLabel('Bio', { exact: true })).toHaveValue('Line one\nLine two');
  await expect(page.getByRole('checkbox', { name: /^Locked/ })).toBeChecked();
  await expect(page.getByLabel('Field 1 content')).toHaveValue('https://e2e.example');
});

test('deleting more than five users asks to type the number', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const prefix = uniqueNick(testInfo, 'del');
  const nicks = ['a', 'b', 'c', 'd', 'e', 'f'].map((l) => `${prefix}${l}`);
  await createAccounts(page, nicks);
  await openUsers(page, testInfo);
  await search(page, testInfo, prefix);
  for (const nick of nicks) {
    await page.getByRole('checkbox', { name: `Select @${nick}` }).check();
  }
  await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Delete 6 users?' })).toBeVisible();
  await expect(page.getByText("This can't be undone.")).toBeVisible();
  await page.getByLabel('Type 6 to confirm').fill('6');
  await page.getByRole('button', { name: 'Delete 6 users' }).click();
  await expect(notice(page)).toContainText('Deleted 6 users.');
});

test('a moderator sees the list but only the actions their privileges allow', async ({ page }, testInfo) => {
  await login(page, testInfo, MODERATOR);
  const nav = page.getByRole('navigation', { name: 'Sections' });
  await expect(nav.getByRole('link', { name: /^Users/ })).toBeVisible();
  // The demo moderator lacks users_manage_invites.
  await expect(nav.getByRole('link', { name: 'Invites' })).toHaveCount(0);
  await openUsers(page, testInfo);
  await expect(table(page).getByRole('row').nth(1)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Create users' })).toHaveCount(0);
  await expect(page.getByRole('checkbox', { name: /^Select @/ })).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Bulk actions' })).toHaveCount(0);
  await openUser(page, testInfo, ADMIN.nick);
  await expect(page.getByRole('region', { name: 'Account actions' })).toContainText("Your role can't change this account.");
  await expect(page.getByRole('region', { name: 'Roles' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Credentials' })).toHaveCount(0);
});

for (const { label, width, height } of VIEWPORTS) {
  test(`users screens screenshots, ${label}`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width, height });
    await login(page, testInfo, ADMIN);
    await openUsers(page, testInfo, '?view=pending');
    await screenshots(page, testInfo, 'users-pending', label);
    await openUsers(page, testInfo, '?page_size=20');
    if (isHydrated(testInfo)) {
      // On phones the table header is folded away and a separate box selects the page.
      const name = label === 'phone' ? 'Select all on this page' : 'Select all users on this page';
      await page.getByRole('checkbox', { name, exact: true }).check();
    }
    await screenshots(page, testInfo, 'users', label);
    await openUser(page, testInfo, 'demo_mod');
    await screenshots(page, testInfo, 'user', label);
    await page.getByRole('link', { name: 'Credentials' }).click();
    await expect(page.getByRole('heading', { name: 'Profile and credentials' })).toBeVisible();
    await screenshots(page, testInfo, 'user-credentials', label);
    await page.goto('/admin/users/confirm?action=deactivate&nicknames=demo_mod&back=/admin/users');
    await settle(page, testInfo);
    await screenshots(page, testInfo, 'user-confirm', label);
    await page.goto('/admin/users/new');
    await settle(page, testInfo);
    await screenshots(page, testInfo, 'users-new', label);
  });
}
