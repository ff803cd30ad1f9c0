/**
 * An app update on a field phone, in real Chromium, with the service worker's own install handler
 * (src/service-worker/index.ts): while a change waits on the phone the new version does not
 * install, and once the change is on the server it does (and waits for the open page to close).
 *
 * The update is real to the browser: a worker script that differs from the registered one by a
 * byte. The first fetch of the worker is served with a comment appended (a Playwright route);
 * every later fetch gets the server's file unchanged (routed or not), so `registration.update()`
 * finds a new version. The change waits because the phone cannot reach the realtime server (its
 * Socket.IO traffic is cut, WebSocket and polling) while the rest of the site answers, as behind
 * a proxy that drops long connections. Skips only without Chromium, and says so.
 */
import fs from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { waitingRegistry } from './helpers/waiting-registry.ts';
import { launchBrowser, skipWithoutChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { loginThroughApi } from './helpers/session.ts';

const INCIDENT = 'inc-demo-jialing';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

const noChromium = skipWithoutChromium('app update e2e');

let server: TestServer;
let browser: LaunchedBrowser;
const dataDir = tempDataDir('sitroom-update-e2e-');

beforeAll(async () => {
	if (noChromium) return;
	await ensureAppBuild();
	server = await startTestServer({ SERVE_APP: '1' }, { dataDir, keepData: true });
	browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await server?.dispose();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Asks the browser for an update; how its install ended: 'installed', 'redundant' or 'none'. */
function askForUpdate(page: Page): Promise<string> {
	return page.evaluate(async () => {
		const reg = (await navigator.serviceWorker.getRegistration())!;
		await reg.update();
		const worker = reg.installing ?? reg.waiting;
		if (!worker) return 'none';
		if (worker.state === 'installed' || worker.state === 'redundant') return worker.state;
		return new Promise<string>((resolve) => {
			const settled = () => {
				if (worker.state === 'installed' || worker.state === 'redundant') resolve(worker.state);
			};
			worker.addEventListener('statechange', settled);
			settled();
		});
	});
}

/** How much waits on this device, as the registry the service worker reads says. */
async function waitingInRegistry(page: Page): Promise<number> {
	return (await waitingRegistry(page)).reduce((n, e) => n + e.count, 0);
}

/**
 * A switch for the page's way to the realtime server (its Socket.IO traffic, WebSocket and
 * polling); the rest of the site answers either way. Playwright routes WebSockets from a script it
 * puts in the page, so this is installed before the page opens.
 */
async function realtimeSwitch(ctx: BrowserContext): Promise<{ cut: boolean }> {
	const state = { cut: false };
	await ctx.routeWebSocket(/\/socket\.io\//, (ws) => {
		if (state.cut) void ws.close({ code: 1011, reason: 'cut by the test' });
		else ws.connectToServer();
	});
	await ctx.route(/\/socket\.io\//, (route) =>
		state.cut ? route.abort('connectionrefused') : route.continue()
	);
	return state;
}

describe.skipIf(noChromium)('an app update on a field phone', () => {
	it('does not install while a change waits on the phone, and installs once it is on the server', async () => {
		const ctx = await browser.newContext(PHONE);
		let workerFetches = 0;
		const servedFirst = async (route: import('playwright-core').Route) => {
			workerFetches++;
			const res = await route.fetch();
			const body = (await res.text()) + (workerFetches === 1 ? '\n// the version installed first\n' : '');
			await route.fulfill({ response: res, body });
		};
		await ctx.route('**/service-worker.js', servedFirst);
		const realtime = await realtimeSwitch(ctx);
		await loginThroughApi(ctx, server.url, 'field1');
		const page = await ctx.newPage();
		await page.goto(`${server.url}/field/${INCIDENT}`);
		await page.locator('[data-testid=field-view][data-synced=true]').waitFor({ timeout: 30_000 });
		await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
		expect(workerFetches).toBeGreaterThanOrEqual(1);

		// The realtime server out of reach; a one-tap status change waits on the phone. Going offline
		// for a moment ends the open connection; the next ones are cut.
		realtime.cut = true;
		await ctx.setOffline(true);
		await page
			.locator('[data-testid=connection-state] [data-state=disconnected]')
			.waitFor({ timeout: 20_000 });
		await ctx.setOffline(false);
		const action = page.locator(
			'[data-testid=field-task] [data-testid^=field-action-]:not([data-testid=field-action-blocked])'
		);
		await action.first().tap();
		await page.locator('[data-testid=save-state][data-stored-locally=true]').waitFor({ timeout: 10_000 });
		expect(
			Number(await page.locator('[data-testid=save-state]').getAttribute('data-waiting'))
		).toBeGreaterThanOrEqual(1);

		// The registry the worker reads is written shortly after the outbox (100 ms).
		await expect.poll(() => waitingInRegistry(page), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
		// Refused by the install's own check (with the realtime server cut, nothing else stops it:
		// the same install succeeds below), and again when asked again.
		expect(await askForUpdate(page)).toBe('redundant');
		expect(await askForUpdate(page)).toBe('redundant');

		// Back in reach: the change reaches the server, and the same update now installs. It waits
		// (as service workers do) until this page is closed.
		realtime.cut = false;
		await page.locator('[data-testid=save-state][data-state=saved]').waitFor({ timeout: 30_000 });
		await expect.poll(() => waitingInRegistry(page), { timeout: 10_000 }).toBe(0);
		expect(await askForUpdate(page)).toBe('installed');
		const reg = await page.evaluate(async () => {
			const r = (await navigator.serviceWorker.getRegistration())!;
			return { waiting: r.waiting !== null, active: r.active !== null };
		});
		expect(reg).toEqual({ waiting: true, active: true });
		await ctx.close();
	}, 120_000);
});
