/**
 * User administration and sharing an incident with leaders, end to end in real Chromium against a
 * real server serving the built app: an admin creates and deactivates an account through the
 * admin page, a commander is told the page is not for them, and a commander shares the demo
 * incident with a department head's leader account through the room's dialog (the command
 * centre's own leader reads every incident without sharing). Screenshots go to test-results/.
 * Skips only when there is no Chromium at CHROMIUM_PATH (/usr/bin/chromium), and says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { launchBrowser, skipWithoutChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { loginThroughApi, loginThroughPage } from './helpers/session.ts';

const INCIDENT = 'inc-demo-jialing';
const SHOTS = path.resolve('test-results');
const NEW_USER = { username: 'zhang.wei', displayName: '张伟', password: 'Shui-li-2026-ok' };

const noChromium = skipWithoutChromium('admin e2e');

let server: TestServer;
let browser: LaunchedBrowser;

async function shot(page: Page, name: string): Promise<void> {
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Logs in through the login page with any password (the helper knows only the demo one). */
async function loginAs(ctx: BrowserContext, username: string, password: string): Promise<Page> {
	const page = await ctx.newPage();
	await page.goto(`${server.url}/login`);
	await page.locator('input[name=username]').fill(username);
	await page.locator('input[name=password]').fill(password);
	await page.locator('button[type=submit]').click();
	await page.waitForURL((u) => !u.pathname.startsWith('/login'));
	return page;
}

async function sharedIncidentIds(ctx: BrowserContext): Promise<string[]> {
	const res = await ctx.request.get(`${server.url}/api/incidents`);
	return ((await res.json()) as { incidents: Array<{ id: string }> }).incidents.map((i) => i.id);
}

beforeAll(async () => {
	if (noChromium) return;
	await ensureAppBuild();
	server = await startTestServer({ SERVE_APP: '1' });
	browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await server?.dispose();
});

describe.skipIf(noChromium)('user administration in Chromium', () => {
	let admin: Page;

	beforeAll(async () => {
		const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		admin = await ctx.newPage();
		await loginThroughPage(admin, server.url, 'admin', '/admin/users');
		await admin.locator('[data-testid=user-list]').waitFor({ timeout: 15_000 });
	}, 60_000);

	it('creates a user after showing the server’s named errors at their fields, and the new user can log in', async () => {
		await expect(admin.locator('[data-testid=nav-admin]').innerText()).resolves.toBe('用户管理');
		await expect(admin.locator('[data-testid=user-row][data-username=leader]').count()).resolves.toBe(1);

		const orgs = (await (
			await admin.context().request.get(`${server.url}/api/organisations?format=flat`)
		).json()) as { organisations: Array<{ id: string; name: string; kind: string }> };
		const water = orgs.organisations.find((o) => o.kind === 'department' && o.name.includes('水利'));
		expect(water).toBeDefined();

		await admin.locator('[data-testid=new-user]').click();
		const form = admin.locator('[data-testid=create-user]');
		// A taken username and a short password: the server checks the input first.
		await form.locator('input[name=username]').fill('commander');
		await form.locator('input[name=displayName]').fill(NEW_USER.displayName);
		await form.locator('select[name=orgId]').selectOption(water!.id);
		await form.locator('select[name=role]').selectOption('agency');
		await form.locator('input[name=password]').fill('short');
		await form.locator('button[type=submit]').click();
		await form.locator('#new-password-rule.error-text', { hasText: '密码至少 10 位' }).waitFor();
		await expect(form.locator('input[name=password]').getAttribute('aria-invalid')).resolves.toBe('true');

		await form.locator('input[name=password]').fill(NEW_USER.password);
		await form.locator('button[type=submit]').click();
		await form.locator('#new-username-help', { hasText: '该用户名已被使用' }).waitFor();
		await shot(admin, 'admin-users-form-errors');

		await form.locator('input[name=username]').fill(NEW_USER.username);
		await form.locator('button[type=submit]').click();
		await admin
			.locator('[data-testid=admin-notice]', { hasText: `已创建用户 ${NEW_USER.username}` })
			.waitFor();
		const row = admin.locator(`[data-testid=user-row][data-username="${NEW_USER.username}"]`);
		await expect(row.innerText()).resolves.toMatch(/张伟[\s\S]*水利局[\s\S]*部门[\s\S]*正常/);

		// The search narrows the list to the new account.
		await admin.locator('[data-testid=user-search]').fill('张伟');
		await expect(admin.locator('[data-testid=user-row]').count()).resolves.toBe(1);
		await admin.locator('[data-testid=user-search]').fill('');
		await shot(admin, 'admin-users');

		const ctx = await browser.newContext();
		const page = await loginAs(ctx, NEW_USER.username, NEW_USER.password);
		await expect(page.locator('[data-testid=current-user]').innerText()).resolves.toContain('张伟');
		await ctx.close();
	});

	it('changes a user’s role and resets their password through keyboard-operable dialogs', async () => {
		const row = admin.locator(`[data-testid=user-row][data-username="${NEW_USER.username}"]`);
		await row.getByRole('button', { name: `修改 ${NEW_USER.displayName}` }).click();
		const edit = admin.locator('[data-testid=edit-user]');
		await edit.locator('select[name=role]').selectOption('township');
		await edit.locator('button[type=submit]').click();
		await admin
			.locator('[data-testid=admin-notice]', { hasText: `已保存 ${NEW_USER.username} 的修改` })
			.waitFor();
		await expect(row.innerText()).resolves.toContain('乡镇值班员');
		await expect(edit.count()).resolves.toBe(0);

		await row.getByRole('button', { name: `重置 ${NEW_USER.displayName} 的密码` }).click();
		const reset = admin.locator('[data-testid=reset-password]');
		await reset.locator('input[name=password]').fill('too-short');
		await reset.locator('input[name=password]').press('Enter');
		await reset.locator('#reset-rule.error-text', { hasText: '密码至少 10 位' }).waitFor();
		await shot(admin, 'admin-reset-password');
		NEW_USER.password = 'Xin-mi-ma-2026';
		await reset.locator('input[name=password]').fill(NEW_USER.password);
		await reset.locator('input[name=password]').press('Enter');
		await admin
			.locator('[data-testid=admin-notice]', { hasText: `已重置 ${NEW_USER.username} 的密码` })
			.waitFor();

		// Escape closes a dialog without saving.
		await row.getByRole('button', { name: `修改 ${NEW_USER.displayName}` }).click();
		await admin.locator('[data-testid=edit-user] select[name=role]').selectOption('field');
		await admin.keyboard.press('Escape');
		await admin.locator('[data-testid=edit-user]').waitFor({ state: 'detached' });
		await expect(row.innerText()).resolves.toContain('乡镇值班员');
	});

	it('deactivates a user after a confirmation that their connections close, and they are signed out', async () => {
		const ctx = await browser.newContext();
		const page = await loginAs(ctx, NEW_USER.username, NEW_USER.password);
		await page.locator('[data-testid=current-user]', { hasText: '张伟' }).waitFor();

		let question = '';
		admin.once('dialog', (d) => {
			question = d.message();
			void d.accept();
		});
		const row = admin.locator(`[data-testid=user-row][data-username="${NEW_USER.username}"]`);
		await row.getByRole('button', { name: `停用 ${NEW_USER.displayName}` }).click();
		await admin
			.locator(`[data-testid=user-row][data-username="${NEW_USER.username}"][data-active=false]`)
			.waitFor();
		expect(question).toContain('断开');
		await expect(row.innerText()).resolves.toContain('已停用');
		await shot(admin, 'admin-users-deactivated');

		await page.reload();
		await page.waitForURL((u) => u.pathname.startsWith('/login'));
		const again = await ctx.request.post(`${server.url}/api/session`, {
			data: { username: NEW_USER.username, password: NEW_USER.password },
			headers: { origin: server.url }
		});
		expect(again.ok()).toBe(false);
		await ctx.close();
	});

	it('tells a commander who opens the admin page that they have no permission, and shows no link to it', async () => {
		const ctx = await browser.newContext();
		const page = await ctx.newPage();
		await loginThroughPage(page, server.url, 'commander', '/admin/users');
		await expect(page.locator('[data-testid=no-permission]').innerText()).resolves.toContain('没有权限');
		await expect(page.locator('[data-testid=user-list]').count()).resolves.toBe(0);
		await expect(page.locator('[data-testid=nav-admin]').count()).resolves.toBe(0);
		await ctx.close();
	});
});

describe.skipIf(noChromium)('sharing an incident with leaders in Chromium', () => {
	it('lets a commander share the demo incident with a department head’s leader account from the room, and they then see it', async () => {
		const actx = await browser.newContext();
		const adminCsrf = await loginThroughApi(actx, server.url, 'admin');
		const made = await actx.request.post(`${server.url}/api/users`, {
			data: {
				username: 'zhu.ju',
				displayName: '水利局局长',
				orgId: 'dept-water',
				role: 'viewer',
				password: 'Ju-zhang-2026-ok'
			},
			headers: { 'x-csrf-token': adminCsrf, origin: server.url }
		});
		expect(made.status()).toBe(201);
		await actx.close();
		const lctx = await browser.newContext();
		await loginAs(lctx, 'zhu.ju', 'Ju-zhang-2026-ok');
		expect(await sharedIncidentIds(lctx)).not.toContain(INCIDENT);

		const cctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		await loginThroughApi(cctx, server.url, 'commander');
		const room = await cctx.newPage();
		await room.goto(`${server.url}/incidents/${INCIDENT}`);
		await room.locator('[data-testid=incident-room][data-synced=true]').waitFor({ timeout: 15_000 });

		// By keyboard: the dialog opens with the username field focused (nothing shared yet).
		await room.locator('[data-testid=share-open]').focus();
		await room.keyboard.press('Enter');
		const dialog = room.locator('[data-testid=share-dialog]');
		await dialog.waitFor();
		await dialog.getByText('尚未共享给任何领导').waitFor();
		await room.keyboard.type('water');
		await room.keyboard.press('Enter');
		await dialog.locator('[data-testid=share-notice]', { hasText: '不是领导' }).waitFor();
		// The command centre's leader needs no sharing, and is told so.
		await dialog.locator('input[name=username]').fill('leader');
		await dialog.locator('input[name=username]').press('Enter');
		await dialog.locator('[data-testid=share-notice]', { hasText: '无需共享' }).waitFor();

		await dialog.locator('input[name=username]').fill('zhu.ju');
		await dialog.locator('input[name=username]').press('Enter');
		await dialog.locator('[data-testid=share-list] li[data-username="zhu.ju"]').waitFor();
		await expect(dialog.locator('[data-testid=share-notice]').innerText()).resolves.toContain(
			'已共享给 zhu.ju'
		);
		await shot(room, 'share-dialog');
		await room.keyboard.press('Escape');
		await dialog.waitFor({ state: 'hidden' });

		const head = lctx.pages()[0]!;
		await head.goto(`${server.url}/`);
		await head.locator(`[data-testid=incident-list] a[href="/incidents/${INCIDENT}"]`).waitFor();
		await cctx.close();
		await lctx.close();
	});
});
