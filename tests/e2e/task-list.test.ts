/**
 * The room's task list is windowed: with many tasks it shows the first rows and more as the
 * reader scrolls towards its end (a thousand cards at once took the room seconds to render).
 * Real Chromium against a real server serving the built app; skips only without Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seedIncident } from '../../bench/scenarios/render.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { launchBrowser, skipWithoutChromium, type LaunchedBrowser } from './helpers/browser.ts';

/** The password seedIncident signs in with. */
const PASSWORD = 'bench-render-password';
const TASKS = 130;

const noChromium = skipWithoutChromium('task list e2e');

let server: TestServer;
let browser: LaunchedBrowser;
let page: Page;

beforeAll(async () => {
	if (noChromium) return;
	await ensureAppBuild();
	server = await startTestServer({ SERVE_APP: '1', SITROOM_DEMO: '1', SITROOM_DEMO_PASSWORD: PASSWORD });
	const incident = await seedIncident(server.url, 0, TASKS);
	browser = await launchBrowser();
	const ctx = await browser.newContext({ viewport: { width: 1600, height: 900 } });
	const login = await ctx.request.post(`${server.url}/api/session`, {
		data: { username: 'commander', password: PASSWORD },
		headers: { origin: server.url }
	});
	expect(login.ok()).toBe(true);
	page = await ctx.newPage();
	await page.goto(`${server.url}/incidents/${incident}#tasks`);
	await page.locator(`[data-testid=task-list][data-total="${TASKS}"]`).waitFor({ timeout: 30_000 });
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await server?.dispose();
});

describe.skipIf(noChromium)('a long task list', () => {
	const cards = () => page.locator('[data-testid=task-list] [data-testid=task-card]');

	it('shows the first rows, then more as the end of the list comes into view', async () => {
		await expect(cards().count()).resolves.toBe(50);
		await expect(page.locator('[data-testid=task-list] button.more').innerText()).resolves.toContain('80');
		await cards().last().scrollIntoViewIfNeeded();
		await expect.poll(() => cards().count()).toBe(100);
		await cards().last().scrollIntoViewIfNeeded();
		await expect.poll(() => cards().count()).toBe(TASKS);
		await expect(page.locator('[data-testid=task-list] button.more').count()).resolves.toBe(0);
	});

	it('windows the board columns the same way', async () => {
		await page.reload();
		await page.locator(`[data-testid=task-list][data-total="${TASKS}"]`).waitFor({ timeout: 30_000 });
		await page.getByRole('button', { name: '看板' }).click();
		// Every seeded task is dispatched: one column holds them all.
		const board = page.locator('[data-testid=task-board]');
		await expect(board.locator('[data-testid=task-card]').count()).resolves.toBe(50);
		await board.locator('button.more').scrollIntoViewIfNeeded();
		await expect.poll(() => board.locator('[data-testid=task-card]').count()).toBeGreaterThanOrEqual(100);
	});
});
