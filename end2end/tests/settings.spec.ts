import { expect, test, ADMIN, isHydrated, login, settle } from './helpers';
import type { Page, TestInfo } from '@playwright/test';

// The settings screen (ui.md §4.11), hydrated and without JavaScript. Every test puts back what it
// changed with "Reset to default", because the other specs share this server and expect the demo's
// settings (open registrations, the instance called steward).

async function openTab(page: Page, testInfo: TestInfo, slug: string) {
  await page.goto(`/admin/settings/${slug}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await settle(page, testInfo);
}


async function save(page: Page, tab: string) {
  await page.getByRole('button', { name: `Save ${tab}` }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Saved / })).toBeVisible();
}

async function resetToDefault(page: Page, label: string) {
  await page.getByRole('link', { name: `Reset ${label} to default` }).click();
  const confirm = page.getByRole('region', { name: `Reset ${label} to default?` });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: `Reset ${label}` }).click();
  await expect(page.getByRole('status').filter({ hasText: 'to its default' })).toBeVisible();
}

test('the instance name is saved, shown in the header and reset to default', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page).toHaveURL(/\/admin\/settings\/instance$/);
  await settle(page, testInfo);
  await expect(page.getByRole('link', { name: 'Instance', exact: true })).toHaveAttribute('aria-current', 'page');

  const name = page.getByLabel('Name', { exact: true }).first();
  await expect(name).toHaveValue('steward');
  const newName = `E2E Town ${testInfo.project.name}`;
  await name.fill(newName);
  if (isHydrated(testInfo)) {
    await expect(page.getByText('1 unsaved change')).toBeVisible();
    await page.getByText('Review changes (1)').click();
    await expect(page.getByRole('listitem').filter({ hasText: newName })).toContainText('steward');
  }
  try {
    await save(page, 'Instance');
    await expect(page.getByLabel('Name', { exact: true }).first()).toHaveValue(newName);
    // The header follows at once (hydrated: without a reload).
    await expect(page.getByRole('banner').getByRole('link', { name: newName })).toBeVisible();
    await page.goto('/admin/');
    await expect(page.getByRole('banner').getByRole('link', { name: newName })).toBeVisible();
    await openTab(page, testInfo, 'instance');
  } finally {
    await resetToDefault(page, 'Name');
  }
  await expect(page.getByLabel('Name', { exact: true }).first()).toHaveValue('steward');
  await page.goto('/admin/');
  await expect(page.getByRole('banner').getByRole('link', { name: 'steward', exact: true })).toBeVisible();
});

test('closing registrations with invites on makes email invites available', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await openTab(page, testInfo, 'registrations');
  const open = page.getByRole('switch', { name: 'Registrations open' });
  const invites = page.getByRole('switch', { name: 'Invites enabled' });
  await expect(open).toBeChecked();
  await open.uncheck();
  await invites.check();
  try {
    await save(page, 'Registrations & invites');
    await expect(page.getByRole('switch', { name: 'Registrations open' })).not.toBeChecked();
    await page.goto('/admin/invites');
    await settle(page, testInfo);
    const email = page.getByRole('form', { name: 'Invite by email' });
    await expect(email.getByRole('button', { name: 'Send invitation' })).toBeEnabled();
    await openTab(page, testInfo, 'registrations');
  } finally {
    await resetToDefault(page, 'Registrations open');
    await resetToDefault(page, 'Invites enabled');
  }
  await expect(page.getByRole('switch', { name: 'Registrations open' })).toBeChecked();
  await page.goto('/admin/invites');
  await expect(
    page.getByRole('form', { name: 'Invite by email' }).getByRole('button', { name: 'Send invitation' }),
  ).toBeDisabled();
});

test('a bad number is refused and nothing is stored', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await openTab(page, testInfo, 'instance');
  const limit = page.getByLabel('Limit', { exact: true });
  await expect(limit).toHaveValue('5000');
  if (isHydrated(testInfo)) {
    await limit.fill('-3');
    await page.getByRole('button', { name: 'Save Instance' }).click();
    await expect(page.getByText("The value can't be negative", { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await expect(limit).toHaveValue('5000');
  } else {
    await limit.fill('-3');
    await page.getByRole('button', { name: 'Save Instance' }).click();
    await expect(page.getByRole('alert').filter({ hasText: "Nothing was saved. Limit: The value can't be negative" })).toBeVisible();
  }
  await openTab(page, testInfo, 'instance');
  await expect(page.getByLabel('Limit', { exact: true })).toHaveValue('5000');
  await expect(page.getByRole('link', { name: 'Reset Limit to default' })).toHaveCount(0);
});

test('search filters the settings of a tab', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await openTab(page, testInfo, 'instance');
  const search = page.getByRole('searchbox', { name: 'Search settings' });
  await search.fill('report comment');
  if (!isHydrated(testInfo)) await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByLabel('Max report comment size', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true }).first()).toBeHidden();
});

test('moderators get a privilege through the matrix and lose it again', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await openTab(page, testInfo, 'roles');
  const table = page.getByRole('table', { name: 'Privileges by role' });
  await expect(table.getByRole('columnheader', { name: 'Moderator' })).toBeVisible();
  // What only admins may do is shown, fixed.
  const always = table.getByRole('checkbox', { name: 'Admin: Server settings and restart (always)' });
  await expect(always).toBeChecked();
  await expect(always).toBeDisabled();
  const box = table.getByRole('checkbox', { name: 'Moderator: users_delete', exact: true });
  await expect(box).not.toBeChecked();
  await expect(table.getByRole('checkbox', { name: 'Admin: users_delete', exact: true })).toBeChecked();
  await box.check();
  if (isHydrated(testInfo)) {
    await expect(page.getByText('1 unsaved change')).toBeVisible();
    await box.uncheck();
    await expect(page.getByText('1 unsaved change')).toHaveCount(0);
    await box.check();
  }
  try {
    await save(page, 'Roles & privileges');
    await openTab(page, testInfo, 'roles');
    await expect(page.getByRole('checkbox', { name: 'Moderator: users_delete', exact: true })).toBeChecked();
    await expect(page.getByText('Moderator list: Database')).toBeVisible();
  } finally {
    await resetToDefault(page, 'Moderator privileges');
  }
  await expect(page.getByRole('checkbox', { name: 'Moderator: users_delete', exact: true })).not.toBeChecked();
});

test('a setting is edited as JSON, and bad JSON is refused', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await openTab(page, testInfo, 'instance');
  const limit = page.getByLabel('Limit', { exact: true });
  await expect(limit).toHaveValue('5000');
  const openJson = async () => {
    if (isHydrated(testInfo)) {
      const toggle = page.getByRole('button', { name: 'Edit Limit as JSON' });
      await toggle.click();
      await expect(toggle).toHaveAttribute('aria-pressed', 'true');
    } else {
      await page.getByText('Edit Limit as JSON', { exact: true }).click();
    }
    return page.getByLabel('Limit as JSON', { exact: true });
  };
  let json = await openJson();
  await expect(json).toHaveValue('5000');
  await json.fill('{"oops": ');
  if (isHydrated(testInfo)) {
    await expect(page.getByText(/^not valid JSON/)).toBeVisible();
  }
  await page.getByRole('button', { name: 'Save Instance' }).click();
  if (isHydrated(testInfo)) {
    await expect(page.getByRole('alert').filter({ hasText: 'Nothing was saved: 1 field needs fixing.' })).toBeVisible();
  } else {
    // The refusal says what is wrong, and again beside the field.
    await expect(page.getByRole('alert').filter({ hasText: /^Nothing was saved\. Limit: not valid JSON/ }).first()).toBeVisible();
    await expect(page.getByRole('alert').filter({ hasText: /^not valid JSON/ })).toBeVisible();
  }
  await openTab(page, testInfo, 'instance');
  await expect(page.getByLabel('Limit', { exact: true })).toHaveValue('5000');
  await expect(page.getByRole('link', { name: 'Reset Limit to default' })).toHaveCount(0);

  json = await openJson();
  await json.fill('6000');
  try {
    await save(page, 'Instance');
    await expect(page.getByLabel('Limit', { exact: true })).toHaveValue('6000');
  } finally {
    await resetToDefault(page, 'Limit');
  }
  await expect(page.getByLabel('Limit', { exact: true })).toHaveValue('5000');
});

async function restartFromBanner(page: Page) {
  const banner = page.getByRole('region', { name: 'Some changes need a restart' });
  await expect(banner).toBeVisible();
  await banner.getByRole('link', { name: 'Restart now' }).click();
  const confirm = page.getByRole('region', { name: 'Restart now?' });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('link', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Restart', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Restarted' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Some changes need a restart' })).toHaveCount(0);
}

test('the restart banner shows on every page until "Restart now"', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await expect(page.getByRole('region', { name: 'Some changes need a restart' })).toHaveCount(0);
  await openTab(page, testInfo, 'uploads');
  const upload = page.getByLabel('Upload limit', { exact: true });
  await expect(upload).toHaveValue('16000000');
  await upload.fill('20000000');
  try {
    await save(page, 'Uploads');
    await expect(page.getByRole('region', { name: 'Some changes need a restart' })).toBeVisible();
    await page.goto('/admin/users');
    await settle(page, testInfo);
    await restartFromBanner(page);
    await page.goto('/admin/users');
    await expect(page.getByRole('region', { name: 'Some changes need a restart' })).toHaveCount(0);
  } finally {
    await openTab(page, testInfo, 'uploads');
    await resetToDefault(page, 'Upload limit');
  }
  // Putting the limit back needs a restart too.
  await page.goto('/admin/');
  await settle(page, testInfo);
  await restartFromBanner(page);
  await openTab(page, testInfo, 'uploads');
  await expect(page.getByLabel('Upload limit', { exact: true })).toHaveValue('16000000');
});
