import { expect, test, ADMIN, isHydrated, login, settle } from './helpers';
import { screenshots, uniqueNick, VIEWPORTS } from './accounts';
import type { APIRequestContext, Page, TestInfo } from '@playwright/test';

/**
 * The statuses screen, the status page and the user page's Statuses and Reports tabs (ui.md §4.4,
 * §4.7). Content is made the way real clients make it: fresh accounts post through the client API
 * with their own tokens.
 */

async function tokenFor(request: APIRequestContext, nickname: string, password: string, scope: string) {
  const app = await request.post('/api/v1/apps', {
    form: { client_name: 'e2e-statuses', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: scope },
  });
  expect(app.ok(), await app.text()).toBeTruthy();
  const { client_id, client_secret } = await app.json();
  const token = await request.post('/oauth/token', {
    form: { grant_type: 'password', client_id, client_secret, username: nickname, password, scope },
  });
  expect(token.status(), await token.text()).toBe(200);
  return (await token.json()).access_token as string;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

interface Poster {
  nick: string;
  id: string;
  publicId: string;
  privateId: string;
  publicText: string;
  privateText: string;
  reporterToken: string;
}

/** A fresh poster with one public and one followers-only status, and a fresh would-be reporter. */
async function poster(request: APIRequestContext, testInfo: TestInfo): Promise<Poster> {
  const admin = await tokenFor(request, ADMIN.nick, ADMIN.password, 'read write admin');
  const nick = uniqueNick(testInfo, 'st');
  const reporter = uniqueNick(testInfo, 'rp');
  const password = 'e2e-password-1';
  const created = await request.post('/api/pleroma/admin/users', {
    headers: bearer(admin),
    data: { users: [nick, reporter].map((nickname) => ({ nickname, email: `${nickname}@e2e.example`, password })) },
  });
  expect(created.status(), await created.text()).toBe(200);
  const token = await tokenFor(request, nick, password, 'read write');
  const post = async (status: string, visibility: string) => {
    const posted = await request.post('/api/v1/statuses', { headers: bearer(token), form: { status, visibility } });
    expect(posted.status(), await posted.text()).toBe(200);
    return posted.json();
  };
  const publicText = `public words of ${nick}`;
  const privateText = `followers-only words of ${nick}`;
  const pub = await post(publicText, 'public');
  const priv = await post(privateText, 'private');
  return {
    nick,
    id: pub.account.id,
    publicId: pub.id,
    privateId: priv.id,
    publicText,
    privateText,
    reporterToken: await tokenFor(request, reporter, password, 'read write'),
  };
}

async function logMessages(page: Page): Promise<string[]> {
  const response = await page.request.get('/api/pleroma/admin/moderation_log?page_size=200');
  expect(response.ok(), await response.text()).toBeTruthy();
  return ((await response.json()).items ?? []).map((entry: { message: string }) => entry.message);
}

const notice = (page: Page) => page.getByRole('status').filter({ hasText: /\S/ }).first();
const card = (page: Page, text: string) => page.getByRole('article').filter({ hasText: text });

async function openStatuses(page: Page, testInfo: TestInfo, query = '') {
  await page.goto(`/admin/statuses${query}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Statuses' })).toBeVisible();
  await settle(page, testInfo);
}

/** Opens the moderation menu of status `id` and clicks `action`. */
async function moderate(page: Page, id: string, action: string) {
  await page.getByLabel(`Moderate status #${id}`, { exact: true }).click();
  const menu = page.getByRole('group', { name: `Moderation of status #${id}` });
  await expect(menu).toBeVisible();
  await menu.getByRole('button', { name: action, exact: true }).click();
}

test('filters: local only, show private and direct, instance, load more', async ({ page, request }, testInfo) => {
  const p = await poster(request, testInfo);
  await login(page, testInfo, ADMIN);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Statuses' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Statuses' })).toBeVisible();
  await settle(page, testInfo);
  await expect(page.getByRole('region', { name: /^Statuses by visibility/ })).toContainText('Public');

  const filters = page.getByRole('form', { name: 'Status filters' });
  await filters.getByRole('checkbox', { name: /^Local only/ }).check();
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/local_only=1/);
  await expect(card(page, p.publicText)).toBeVisible();
  await expect(card(page, p.privateText)).toHaveCount(0);

  // "Show private and direct" (godmode) reveals the followers-only status.
  await page.getByRole('form', { name: 'Status filters' }).getByLabel('Show private and direct').check();
  await page.getByRole('form', { name: 'Status filters' }).getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/godmode=1/);
  const priv = card(page, p.privateText);
  await expect(priv).toBeVisible();
  await expect(priv).toContainText('Followers only');
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await screenshots(page, testInfo, 'statuses', viewport.label);
  }
  await page.setViewportSize(VIEWPORTS[0]);

  // One remote instance: only its statuses, and the URL says so.
  await openStatuses(page, testInfo);
  const form = page.getByRole('form', { name: 'Status filters' });
  await form.getByLabel('Instance').fill('pleroma.example');
  // The demo gives pleroma.example only followers-only and direct statuses.
  await form.getByLabel('Show private and direct').check();
  await form.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/instance=pleroma\.example/);
  await settle(page, testInfo);
  const cards = page.getByRole('article');
  await expect(cards.first()).toBeVisible();
  await expect(cards.first()).toContainText('@pleroma.example');
  await expect(card(page, p.publicText)).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Statuses by visibility on pleroma.example' })).toBeVisible();

  // All instances, 20 at a time: more come with "Load more" (or the next-page link without JS).
  await openStatuses(page, testInfo, '?godmode=1');
  await expect(page.getByRole('article')).toHaveCount(20);
  if (isHydrated(testInfo)) {
    await page.getByRole('button', { name: 'Load more' }).click();
  } else {
    await page.getByRole('link', { name: 'Show 20 more' }).click();
  }
  await expect(page).toHaveURL(/pages=2/);
  expect(await page.getByRole('article').count()).toBeGreaterThan(20);
});

test('moderate a status: sensitive, visibility, delete with confirmation, log', async ({ page, request }, testInfo) => {
  const p = await poster(request, testInfo);
  await login(page, testInfo, ADMIN);
  await openStatuses(page, testInfo, '?local_only=1');
  const target = card(page, p.publicText);
  await expect(target).toBeVisible();

  await moderate(page, p.publicId, 'Mark sensitive');
  await expect(notice(page)).toContainText(`Marked status #${p.publicId} as sensitive.`);
  await settle(page, testInfo);
  await expect(card(page, p.nick).filter({ has: page.getByText('Sensitive', { exact: true }) }).first()).toBeVisible();

  await moderate(page, p.publicId, 'Make unlisted');
  await expect(notice(page)).toContainText(`Status #${p.publicId} is now unlisted.`);
  await settle(page, testInfo);

  // The status page: the card, its menu, and the sensitive content collapsed.
  await page.goto(`/admin/statuses/${p.publicId}`);
  await expect(page.getByRole('heading', { level: 1, name: `Status #${p.publicId} by @${p.nick}` })).toBeVisible();
  await settle(page, testInfo);
  const article = page.getByRole('article');
  await expect(article).toContainText('Unlisted');
  await expect(article.getByText(p.publicText)).toBeHidden();
  await article.getByText('Sensitive content').click();
  await expect(article.getByText(p.publicText)).toBeVisible();
  await screenshots(page, testInfo, 'status', 'desktop');

  // Deleting asks first, with Cancel focused; then the status is gone.
  await moderate(page, p.publicId, 'Delete…');
  const confirm = page.getByRole('alertdialog', { name: `Delete status #${p.publicId} by @${p.nick}?` });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('link', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Delete status' }).click();
  await expect(notice(page)).toContainText(`Deleted status #${p.publicId}.`);
  await expect(page).toHaveURL(/\/admin\/statuses\?/);
  await settle(page, testInfo);
  await expect(card(page, p.publicText)).toHaveCount(0);
  const gone = await page.request.get(`/api/pleroma/admin/statuses/${p.publicId}`);
  expect(gone.status()).toBe(404);

  const messages = await logMessages(page);
  expect(messages).toContain(`@${ADMIN.nick} deleted status #${p.publicId}`);
  expect(messages).toContain(`@${ADMIN.nick} updated status #${p.publicId}, set sensitive: 'true'`);
  expect(messages).toContain(`@${ADMIN.nick} updated status #${p.publicId}, set visibility: 'unlisted'`);
});

test('user page: statuses and reports tabs', async ({ page, request }, testInfo) => {
  const p = await poster(request, testInfo);
  const filed = await request.post('/api/v1/reports', {
    headers: bearer(p.reporterToken),
    data: { account_id: p.id, status_ids: [p.publicId], comment: `about ${p.nick}` },
  });
  expect(filed.status(), await filed.text()).toBe(200);
  const reportId = (await filed.json()).id;

  await login(page, testInfo, ADMIN);
  await page.goto(`/admin/users/${p.id}`);
  await settle(page, testInfo);
  await page.getByRole('navigation', { name: 'User sections' }).getByRole('link', { name: 'Statuses' }).click();
  await expect(page.getByRole('heading', { level: 2, name: `Statuses of @${p.nick}` })).toBeVisible();
  await settle(page, testInfo);
  await expect(card(page, p.publicText)).toBeVisible();
  await expect(card(page, p.privateText)).toHaveCount(0);
  const filters = page.getByRole('form', { name: 'Status filters' });
  await filters.getByLabel('Show private and direct').check();
  await filters.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/tab=statuses/);
  await expect(page).toHaveURL(/godmode=1/);
  await expect(card(page, p.privateText)).toBeVisible();
  await settle(page, testInfo);
  await moderate(page, p.privateId, 'Mark sensitive');
  await expect(notice(page)).toContainText(`Marked status #${p.privateId} as sensitive.`);
  await expect(page).toHaveURL(/tab=statuses/);
  await screenshots(page, testInfo, 'user-statuses', 'desktop');

  await settle(page, testInfo);
  await page.getByRole('navigation', { name: 'User sections' }).getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByRole('heading', { level: 2, name: `Reports about @${p.nick} (1)` })).toBeVisible();
  await settle(page, testInfo);
  await page.getByRole('link', { name: `Report #${reportId}` }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/reports/${reportId}$`));
});

/** A fresh account with `count` public statuses (newest last in the returned ids). */
async function bulkPoster(request: APIRequestContext, testInfo: TestInfo, count: number) {
  const admin = await tokenFor(request, ADMIN.nick, ADMIN.password, 'read write admin');
  const nick = uniqueNick(testInfo, 'bk');
  const password = 'e2e-password-1';
  const created = await request.post('/api/pleroma/admin/users', {
    headers: bearer(admin),
    data: { users: [{ nickname: nick, email: `${nick}@e2e.example`, password }] },
  });
  expect(created.status(), await created.text()).toBe(200);
  const token = await tokenFor(request, nick, password, 'read write');
  const ids: string[] = [];
  const texts: string[] = [];
  for (let n = 1; n <= count; n++) {
    const text = `bulk words ${n} of ${nick}`;
    const posted = await request.post('/api/v1/statuses', {
      headers: bearer(token),
      form: { status: text, visibility: 'public' },
    });
    expect(posted.status(), await posted.text()).toBe(200);
    ids.push((await posted.json()).id);
    texts.push(text);
  }
  return { nick, ids, texts, admin };
}

const bulkBar = (page: Page) => page.getByRole('region', { name: 'Bulk actions' });
const tick = (page: Page, id: string, nick: string) =>
  page.getByRole('checkbox', { name: `Select status #${id} by @${nick}`, exact: true });

test('bulk: mark two statuses sensitive, then delete them after confirming', async ({ page, request }, testInfo) => {
  const b = await bulkPoster(request, testInfo, 2);
  const [first, second] = b.ids;
  await login(page, testInfo, ADMIN);
  await openStatuses(page, testInfo, '?local_only=1');
  await expect(card(page, b.texts[0])).toBeVisible();

  await tick(page, first, b.nick).check();
  await tick(page, second, b.nick).check();
  if (isHydrated(testInfo)) {
    await expect(bulkBar(page).getByRole('status')).toHaveText('2 selected');
  }
  await bulkBar(page).getByRole('button', { name: 'Mark sensitive', exact: true }).click();
  await expect(notice(page)).toContainText('Marked 2 statuses as sensitive.');
  await settle(page, testInfo);
  for (const text of b.texts) {
    await expect(card(page, text).getByText('Sensitive content')).toBeVisible();
    await expect(card(page, text).getByText(text)).toBeHidden();
  }
  for (const id of b.ids) {
    const shown = await page.request.get(`/api/pleroma/admin/statuses/${id}`);
    expect((await shown.json()).sensitive).toBe(true);
  }
  // The result cleared the selection.
  await expect(tick(page, first, b.nick)).not.toBeChecked();

  // Deleting asks first: how many, that it can't be undone, Cancel focused.
  await tick(page, first, b.nick).check();
  await tick(page, second, b.nick).check();
  await bulkBar(page).getByRole('button', { name: 'Delete…' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete 2 statuses?' });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText("This can't be undone.");
  const cancel = isHydrated(testInfo)
    ? confirm.getByRole('button', { name: 'Cancel' })
    : confirm.getByRole('link', { name: 'Cancel' });
  await expect(cancel).toBeFocused();
  await screenshots(page, testInfo, 'statuses-bulk-delete', 'desktop');
  if (isHydrated(testInfo)) {
    // Escape closes the dialog and deletes nothing.
    await page.keyboard.press('Escape');
    await expect(confirm).toHaveCount(0);
    await bulkBar(page).getByRole('button', { name: 'Delete…' }).click();
    await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  }
  await confirm.getByRole('button', { name: 'Delete 2 statuses' }).click();
  await expect(notice(page)).toContainText('Deleted 2 statuses.');
  await settle(page, testInfo);
  await expect(card(page, b.nick)).toHaveCount(0);
  for (const id of b.ids) {
    expect((await page.request.get(`/api/pleroma/admin/statuses/${id}`)).status()).toBe(404);
  }
  const messages = await logMessages(page);
  for (const id of b.ids) {
    expect(messages).toContain(`@${ADMIN.nick} updated status #${id}, set sensitive: 'true'`);
    expect(messages).toContain(`@${ADMIN.nick} deleted status #${id}`);
  }
});

test('bulk: visibility, and a status gone meanwhile stops the run', async ({ page, request }, testInfo) => {
  const b = await bulkPoster(request, testInfo, 2);
  const [older, newer] = b.ids;
  await login(page, testInfo, ADMIN);
  await openStatuses(page, testInfo, '?local_only=1');
  await tick(page, older, b.nick).check();
  await tick(page, newer, b.nick).check();
  const bar = bulkBar(page);
  await bar.getByLabel('New visibility').selectOption({ label: 'Unlisted' });
  await bar.getByRole('button', { name: 'Set visibility' }).click();
  await expect(notice(page)).toContainText('2 statuses are now unlisted.');
  await settle(page, testInfo);

  // The older status is deleted elsewhere while the page still shows it.
  await tick(page, older, b.nick).check();
  await tick(page, newer, b.nick).check();
  const gone = await request.delete(`/api/pleroma/admin/statuses/${older}`, { headers: bearer(b.admin) });
  expect(gone.status(), await gone.text()).toBe(200);
  await bar.getByRole('button', { name: 'Mark sensitive', exact: true }).click();
  const alert = page.getByRole('alert').filter({ hasText: /\S/ }).first();
  if (isHydrated(testInfo)) {
    // One status at a time, newest first: the newer one changes, the run stops at the older one.
    await expect(alert).toContainText(
      `Couldn't mark status #${older} as sensitive: Not found. Stopped at 2 of 2; the status before it was changed, the rest were not.`,
    );
    const shown = await page.request.get(`/api/pleroma/admin/statuses/${newer}`);
    expect((await shown.json()).sensitive).toBe(true);
  } else {
    // The form checks the whole list first and changes nothing.
    await expect(alert).toContainText(`Nothing changed: no status has the id #${older}.`);
    const shown = await page.request.get(`/api/pleroma/admin/statuses/${newer}`);
    expect((await shown.json()).sensitive).toBe(false);
  }
});

test('bulk: select all loaded statuses', async ({ page }, testInfo) => {
  test.skip(!isHydrated(testInfo), 'without JavaScript "Select all on this page" is a link, checked below');
  await login(page, testInfo, ADMIN);
  await openStatuses(page, testInfo, '?local_only=1');
  const count = await page.getByRole('article').count();
  await page.getByRole('checkbox', { name: 'Select all loaded statuses' }).check();
  await expect(bulkBar(page).getByRole('status')).toHaveText(`${count} selected`);
  await page.getByRole('checkbox', { name: 'Select all loaded statuses' }).uncheck();
  await expect(bulkBar(page)).toBeHidden();
});

test('bulk: select all on this page without JavaScript', async ({ page }, testInfo) => {
  test.skip(isHydrated(testInfo), 'hydrated, a checkbox selects everything loaded (above)');
  await login(page, testInfo, ADMIN);
  await openStatuses(page, testInfo, '?local_only=1');
  await page.getByRole('link', { name: 'Select all on this page' }).click();
  await expect(page).toHaveURL(/select=all/);
  const boxes = page.getByRole('checkbox', { name: /^Select status #/ });
  const count = await boxes.count();
  expect(count).toBeGreaterThan(0);
  for (let n = 0; n < count; n++) {
    await expect(boxes.nth(n)).toBeChecked();
  }
  await page.getByRole('link', { name: 'Clear selection' }).click();
  await expect(boxes.first()).not.toBeChecked();
});
