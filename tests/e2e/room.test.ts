/**
 * The situation room end to end, in real Chromium against a real server serving the built app:
 * a commander and a field team member in one incident room, a leader's read-only views.
 * Screenshots of the room and the leaders' screen go to test-results/ for a person to look at.
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
const FIELD_TEAM = 'twp-510812100-squad';

const noChromium = skipWithoutChromium('room e2e');

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

// One server and one browser for the file: building and starting them is the slow part.
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

describe.skipIf(noChromium)('the incident room in Chromium', () => {
	it('shows a commander the demo incident after logging in through the login page', async () => {
		const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
		const page = await ctx.newPage();
		await loginThroughPage(page, server.url, 'commander');
		await page.locator('[data-testid=incident-list]').waitFor();
		await expect(page.locator('[data-testid=current-user]').innerText()).resolves.toContain('值班指挥长');
		await expect(page.locator(`a[href="/incidents/${INCIDENT}"]`).count()).resolves.toBe(1);
		await shot(page, 'incident-list');
	});
});

describe.skipIf(noChromium)('two people in one incident room', () => {
	let commander: Page;
	let field: Page;
	let commanderCsrf: string;
	const title = `转移沙洲村群众 ${Date.now() % 10_000}`;

	beforeAll(async () => {
		const cctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
		const fctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
		commanderCsrf = await loginThroughApi(cctx, server.url, 'commander');
		await loginThroughApi(fctx, server.url, 'field1');
		commander = await openRoom(cctx);
		field = await openRoom(fctx);
	}, 120_000);

	it('shows the field team a polygon the commander draws within a second', async () => {
		const before = Number(
			await field.locator('[data-testid=incident-room]').getAttribute('data-annotations')
		);
		await commander.locator('[data-testid=draw-kind]').selectOption('danger_zone');
		await commander.locator('[data-testid=draw-toggle]').click();
		const box = (await commander.locator('[data-testid=map]').boundingBox())!;
		const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
		for (const [fx, fy] of [
			[0.45, 0.4],
			[0.55, 0.4],
			[0.55, 0.5]
		] as const) {
			await commander.mouse.click(...at(fx, fy));
			await commander.waitForTimeout(120);
		}
		await commander.mouse.dblclick(...at(0.45, 0.5));
		const t0 = Date.now();
		await field
			.locator(`[data-testid=incident-room][data-annotations="${before + 1}"]`)
			.waitFor({ timeout: 1_000 });
		expect(Date.now() - t0).toBeLessThan(1_000);
		// …and the field member's map has drawn it, not only received it.
		await field
			.locator(`[data-testid=room-map][data-rendered-annotations="${before + 1}"]`)
			.waitFor({ timeout: 2_000 });
		await commander.locator('[data-testid=draw-toggle]').click();
	});

	it('shows the field team a task assigned to it within a second, and the commander its move to 执行中', async () => {
		await field.locator('[data-testid=tab-tasks]').click();
		await commander.locator('[data-testid=tab-tasks]').click();
		await commander.locator('[data-testid=new-task]').click();
		const form = commander.locator('[data-testid=task-form]');
		await form.locator('input[name=title]').fill(title);
		await form.locator('select[name=assignee]').selectOption(FIELD_TEAM);
		await form.locator('select[name=priority]').selectOption('urgent');
		await form.locator('textarea[name=description]').fill('沙洲村低洼处 23 户群众转移至朝天镇中心小学');
		await form.locator('[data-testid=pick-on-map]').click();
		const box = (await commander.locator('[data-testid=map]').boundingBox())!;
		await commander.mouse.click(box.x + box.width * 0.6, box.y + box.height * 0.6);
		await form.locator('button[type=submit]').click();

		const t0 = Date.now();
		const card = field.locator('[data-testid=task-card]', { hasText: title });
		await card.waitFor({ timeout: 1_000 });
		expect(Date.now() - t0).toBeLessThan(1_000);
		await expect(card.getAttribute('data-status')).resolves.toBe('dispatched');

		await card.click();
		const details = field.locator('[data-testid=task-details]');
		await details.locator('[data-testid=status-accepted]').click();
		await details.locator('[data-testid=status-in_progress]').click();
		await commander
			.locator('[data-testid=task-card][data-status=in_progress]', { hasText: title })
			.waitFor({ timeout: 2_000 });
		await expect(details.locator('[data-testid=task-status]').innerText()).resolves.toContain('执行中');
		// The field member is offered only their next steps, never a reassignment.
		await expect(details.locator('[data-testid=status-done]').count()).resolves.toBe(1);
		await commander.locator('[data-testid=task-card]', { hasText: title }).click();
		await commander.locator('[data-testid=save-state][data-state=saved]').waitFor();
		await shot(commander, 'room-commander');
		await shot(field, 'room-field');
	});

	it('offers a viewer no editing controls anywhere in the room', async () => {
		// The demo leader is of the command centre and reads every incident: sharing is needless.
		const grant = await commander.context().request.post(`${server.url}/api/incidents/${INCIDENT}/viewers`, {
			data: { username: 'leader' },
			headers: { 'x-csrf-token': commanderCsrf, origin: server.url }
		});
		expect(grant.status()).toBe(409);
		const lctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
		await loginThroughApi(lctx, server.url, 'leader');
		const viewer = await openRoom(lctx);
		const none = async (selector: string) => expect(viewer.locator(selector).count()).resolves.toBe(0);
		await none('[data-testid=draw-toggle]');
		await none('[data-testid=level-select]');
		await none('[data-testid=log-form]');
		await none('[data-testid=figures] input');
		await viewer.locator('[data-testid=tab-tasks]').click();
		await none('[data-testid=new-task]');
		await viewer.locator('[data-testid=task-card]', { hasText: title }).click();
		await viewer.locator('[data-testid=task-details]').waitFor();
		await none('[data-testid=task-details] button');
		await none('[data-testid=task-details] textarea');
		await viewer.locator('[data-testid=tab-feeds]').click();
		await none('[data-testid=feed-list] button[aria-pressed]');
		await none('[data-testid=feed-form]');
		await viewer.locator('[data-testid=tab-presence]').click();
		await none('[data-testid=start-presenting]');
		await shot(viewer, 'room-viewer');
	});

	it('shows new figures on the leaders’ screen', async () => {
		const lctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
		await loginThroughApi(lctx, server.url, 'leader');
		const screen = await lctx.newPage();
		await screen.goto(`${server.url}/screen/${INCIDENT}`);
		await screen.locator('[data-testid=leaders-screen][data-synced=true]').waitFor({ timeout: 15_000 });
		const before = Number(await screen.locator('[data-testid=key-relocated]').innerText());

		await commander.locator('[data-testid=tab-board]').click();
		const cell = commander.locator('[data-testid=figure-510812100-relocated]');
		const current = Number((await cell.inputValue()) || '0');
		await cell.fill(String(current + 37));
		await cell.press('Enter');
		await cell.blur();
		await screen
			.locator('[data-testid=key-relocated]', { hasText: String(before + 37) })
			.waitFor({ timeout: 2_000 });
		// Let the map and the video wall settle before the picture.
		await screen.waitForTimeout(500);
		await shot(screen, 'leaders-screen');
		await expect(screen.locator('input, textarea, [data-testid=draw-toggle]').count()).resolves.toBe(0);
	});

	it('shows a closed incident read-only to the field team and a township, and keeps a commander’s controls', async () => {
		const tctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
		await loginThroughApi(tctx, server.url, 'chaotian');
		const township = await openRoom(tctx);
		await township.locator('[data-testid=figures] input').first().waitFor();

		commander.once('dialog', (d) => void d.accept());
		await commander.getByRole('button', { name: '结束事件' }).click();
		await commander.locator('[data-testid=save-state][data-state=saved]').waitFor();

		for (const page of [field, township]) {
			await page.locator('[data-testid=closed-read-only]').waitFor({ timeout: 2_000 });
			await expect(page.locator('[data-testid=closed-read-only]').innerText()).resolves.toContain(
				'只有指挥长可以修改'
			);
		}
		const none = async (page: Page, selector: string) =>
			expect(page.locator(selector).count(), selector).resolves.toBe(0);
		await none(township, '[data-testid=figures] input');
		await none(township, '[data-testid=log-form]');
		await none(township, '[data-testid=draw-toggle]');
		await none(field, '[data-testid=task-details] [data-testid^=status-]');
		await none(field, '[data-testid=task-details] textarea');
		await shot(township, 'room-closed-township');

		await commander.locator('[data-testid=tab-board]').click();
		await none(commander, '[data-testid=closed-read-only]');
		await expect(commander.locator('[data-testid=log-form]').count()).resolves.toBe(1);
		await expect(commander.locator('[data-testid=figures] input').count()).resolves.toBeGreaterThan(0);

		await commander.getByRole('button', { name: '重新启动' }).click();
		await township.locator('[data-testid=figures] input').first().waitFor({ timeout: 2_000 });
		await none(township, '[data-testid=closed-read-only]');
	});
});
