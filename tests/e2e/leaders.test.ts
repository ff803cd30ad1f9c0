/**
 * Leaders, newcomers and the organisation tree, end to end in real Chromium against a real server
 * serving the built app, as a new user meets them with the demo accounts: the district leader sees
 * the demo incident and its live screen without anyone sharing it; a leader elsewhere is told an
 * incident is not shared and what to do; a commander renames the incident and adds a township,
 * whose row appears on the board and on the leaders' screen; an administrator adds a team and
 * renames a department, and the commander gives the new team a task in a room opened before it
 * existed; a township duty officer starts from their township. Screenshots go to test-results/.
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
const YANGMU = '510812102';
const RENAMED = '嘉陵江朝天段洪水及沙河镇、羊木镇滑坡';

const noChromium = skipWithoutChromium('leaders e2e');

let server: TestServer;
let browser: LaunchedBrowser;

async function shot(page: Page, name: string): Promise<void> {
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

async function openRoom(ctx: BrowserContext): Promise<Page> {
	const page = await ctx.newPage();
	await page.goto(`${server.url}/incidents/${INCIDENT}`);
	await page.locator('[data-testid=incident-room][data-synced=true]').waitFor({ timeout: 15_000 });
	return page;
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

describe.skipIf(noChromium)('the district leader and a commander in Chromium', () => {
	let leaderScreen: Page;
	let commander: Page;

	beforeAll(async () => {
		const cctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
		await loginThroughApi(cctx, server.url, 'commander');
		commander = await openRoom(cctx);
	}, 60_000);

	it('shows the demo leader the demo incident in the list, with nobody sharing it, and opens its screen', async () => {
		const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
		const page = await ctx.newPage();
		await loginThroughPage(page, server.url, 'leader');
		await page.locator(`[data-testid=incident-list] a[href="/incidents/${INCIDENT}"]`).waitFor();
		await expect(page.locator('[data-testid=shared-only]').count()).resolves.toBe(0);
		await page.locator(`[data-testid=incident-list] a[href="/screen/${INCIDENT}"]`).click();
		await page.locator('[data-testid=leaders-screen][data-synced=true]').waitFor({ timeout: 15_000 });
		await expect(page.locator('[data-testid=connection-state] [data-state=connected]').count()).resolves.toBe(
			1
		);
		await expect(page.locator('[data-testid=not-readable]').count()).resolves.toBe(0);
		leaderScreen = page;
	});

	it('lets a commander rename the incident and add a township, whose row appears on the board and on the leader’s screen', async () => {
		await commander.locator('[data-testid=tab-board]').click();
		await expect(commander.locator(`[data-testid=figures-row-${YANGMU}]`).count()).resolves.toBe(0);
		await commander.locator('[data-testid=edit-incident-open]').click();
		const dialog = commander.locator('[data-testid=edit-incident]');
		await dialog.waitFor();
		// The form keeps the guard's rules: no name, no save.
		await dialog.locator('input[name=name]').fill('  ');
		await dialog.locator('button[type=submit]').click();
		await dialog.getByText('请填写事件名称').waitFor();
		await dialog.locator('input[name=name]').fill(RENAMED);
		await dialog.locator('select[name=severity]').selectOption('major');
		await dialog.getByLabel('羊木镇').check();
		await shot(commander, 'edit-incident');
		await dialog.locator('button[type=submit]').click();
		await dialog.waitFor({ state: 'detached' });

		await commander.locator('[data-testid=incident-name]', { hasText: RENAMED }).waitFor();
		await commander.locator(`[data-testid=figures-row-${YANGMU}][data-affected=true]`).waitFor();
		await commander.locator('[data-testid=save-state][data-state=saved]').waitFor();

		await leaderScreen.locator('h1', { hasText: RENAMED }).waitFor({ timeout: 2_000 });
		await leaderScreen
			.locator(`[data-testid=screen-figures-${YANGMU}][data-affected=true]`)
			.waitFor({ timeout: 2_000 });
		await leaderScreen.waitForTimeout(500);
		await shot(leaderScreen, 'leaders-screen-township-added');

		// The index follows: the list shows the new name; the audit names the commander.
		const row = await commander.context().request.get(`${server.url}/api/incidents/${INCIDENT}`);
		const incident = (
			(await row.json()) as { incident: { name: string; severity: string; townships: string[] } }
		).incident;
		expect(incident).toMatchObject({ name: RENAMED, severity: 'major' });
		expect(incident.townships).toContain(YANGMU);
	});

	it('keeps a township taken off the list with its figures, marked as no longer affected', async () => {
		await commander.locator(`[data-testid=figure-${YANGMU}-relocated]`).fill('15');
		await commander.locator(`[data-testid=figure-${YANGMU}-relocated]`).press('Enter');
		await commander.locator('[data-testid=save-state][data-state=saved]').waitFor();
		await commander.locator('[data-testid=edit-incident-open]').click();
		const dialog = commander.locator('[data-testid=edit-incident]');
		await dialog.getByLabel('羊木镇').uncheck();
		await dialog.locator('button[type=submit]').click();
		await commander.locator(`[data-testid=figures-row-${YANGMU}][data-affected=false]`).waitFor();
		await expect(commander.locator(`[data-testid=figures-row-${YANGMU}]`).innerText()).resolves.toContain(
			'未列为受影响乡镇'
		);
		await leaderScreen
			.locator(`[data-testid=screen-figures-${YANGMU}][data-affected=false]`)
			.waitFor({ timeout: 2_000 });
	});
});

describe.skipIf(noChromium)('a leader outside the command centre in Chromium', () => {
	it('tells a department head’s leader account the incident is not shared and what to do, instead of connecting forever', async () => {
		const actx = await browser.newContext();
		const csrf = await loginThroughApi(actx, server.url, 'admin');
		const made = await actx.request.post(`${server.url}/api/users`, {
			data: {
				username: 'ju.zhang',
				displayName: '交通局局长',
				orgId: 'dept-transport',
				role: 'viewer',
				password: 'Ju-zhang-2026-ok'
			},
			headers: { 'x-csrf-token': csrf, origin: server.url }
		});
		expect(made.status()).toBe(201);
		await actx.close();

		const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await ctx.newPage();
		await page.goto(`${server.url}/login`);
		await page.locator('input[name=username]').fill('ju.zhang');
		await page.locator('input[name=password]').fill('Ju-zhang-2026-ok');
		await page.locator('button[type=submit]').click();
		await page.locator('[data-testid=shared-only]', { hasText: 'ju.zhang' }).waitFor();
		await expect(page.locator(`a[href="/incidents/${INCIDENT}"]`).count()).resolves.toBe(0);

		await page.goto(`${server.url}/screen/${INCIDENT}`);
		const note = page.locator('[data-testid=not-readable]');
		await note.waitFor({ timeout: 10_000 });
		await expect(note.innerText()).resolves.toMatch(/尚未与您的账号共享[\s\S]*共享给领导[\s\S]*ju\.zhang/);
		await expect(page.getByText('正在连接').count()).resolves.toBe(0);
		await expect(page.getByText('您没有此项操作权限').count()).resolves.toBe(0);
		await shot(page, 'screen-not-shared');

		// The room says the same.
		await page.goto(`${server.url}/incidents/${INCIDENT}`);
		await page.locator('[data-testid=not-readable]').waitFor({ timeout: 10_000 });
		await ctx.close();
	});
});

describe.skipIf(noChromium)('the organisation tree in Chromium', () => {
	it('lets an administrator add a team under a township and rename a department, and the commander give the new team a task in a room opened before it existed', async () => {
		const cctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
		await loginThroughApi(cctx, server.url, 'commander');
		const room = await openRoom(cctx);

		const actx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const admin = await actx.newPage();
		await loginThroughPage(admin, server.url, 'admin', '/admin/users');
		await admin.locator('[data-testid=nav-orgs]').click();
		await admin.locator('[data-testid=org-tree]').waitFor();

		await admin.locator('[data-testid=new-org]').click();
		const form = admin.locator('[data-testid=create-org]');
		// A name its parent already has is refused at the name, in Chinese.
		await form.locator('input[name=name]').fill('朝天镇应急分队');
		await form.locator('select[name=kind]').selectOption('team');
		await form.locator('select[name=parentId]').selectOption('twp-510812100');
		await form.locator('button[type=submit]').click();
		await form.getByText('同一上级单位下已有同名单位').waitFor();
		await form.locator('input[name=name]').fill('朝天镇第二应急分队');
		await form.locator('button[type=submit]').click();
		await admin.locator('[data-testid=org-notice]', { hasText: '已新增 朝天镇第二应急分队' }).waitFor();
		const team = admin.locator('[data-testid=org-row][data-name="朝天镇第二应急分队"]');
		await expect(team.innerText()).resolves.toMatch(/队伍[\s\S]*朝天镇/);
		const teamId = (await team.getAttribute('data-org'))!;

		await admin
			.locator('[data-testid=org-row][data-org=dept-water]')
			.getByRole('button', { name: '修改 区水利局' })
			.click();
		const edit = admin.locator('[data-testid=edit-org]');
		await edit.locator('input[name=name]').fill('区水利局（区河长制办公室）');
		await edit.locator('button[type=submit]').click();
		await admin
			.locator('[data-testid=org-notice]', { hasText: '已保存 区水利局（区河长制办公室） 的修改' })
			.waitFor();
		await admin
			.locator('[data-testid=org-history]', { hasText: '“区水利局”改名为“区水利局（区河长制办公室）”' })
			.waitFor();
		await shot(admin, 'admin-organisations');

		await room.locator('[data-testid=tab-tasks]').click();
		await room.locator('[data-testid=new-task]').click();
		const task = room.locator('[data-testid=task-form]');
		await task.locator(`select[name=assignee] option[value="${teamId}"]`).waitFor({ state: 'attached' });
		await task.locator('input[name=title]').fill('双河村沿江低洼区巡查');
		await task.locator('select[name=assignee]').selectOption(teamId);
		await task.locator('button[type=submit]').click();
		await room.locator('[data-testid=task-card]', { hasText: '双河村沿江低洼区巡查' }).waitFor();
		await room.locator('[data-testid=save-state][data-state=saved]').waitFor();
		const tasks = server.registry.get(INCIDENT)!.doc.getMap('tasks').toJSON() as Record<
			string,
			{ title: string; assigneeOrgId: string }
		>;
		expect(Object.values(tasks).find((t) => t.title === '双河村沿江低洼区巡查')?.assigneeOrgId).toBe(teamId);
		await actx.close();
		await cctx.close();
	});
});

describe.skipIf(noChromium)('a township duty officer in Chromium', () => {
	it('starts from their township: its incidents with the figures to report, its teams’ open tasks, each linking into the room', async () => {
		const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await ctx.newPage();
		await loginThroughPage(page, server.url, 'chaotian');
		const overview = page.locator('[data-testid=township-overview]');
		await overview.locator(`[data-testid=township-incidents] li[data-incident=${INCIDENT}]`).waitFor();
		await expect(overview.locator('[data-testid=missing-figures]').first().innerText()).resolves.toContain(
			'死亡'
		);
		await overview.locator('[data-testid=township-tasks] li[data-task=task-road-g108]').waitFor();
		await shot(page, 'township-first-page');
		await overview.locator(`[data-testid=township-incidents] li[data-incident=${INCIDENT}] a`).click();
		await page.locator('[data-testid=incident-room][data-synced=true]').waitFor({ timeout: 15_000 });
		await ctx.close();
	});
});
