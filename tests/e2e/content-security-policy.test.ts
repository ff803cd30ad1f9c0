/**
 * The built app runs under its Content-Security-Policy in real Chromium: a commander logs in
 * through the login page, opens the demo incident room (every tab, and an online map layer from
 * a tile server named in MAP_LAYERS) and the leaders' screen (OpenLayers map, the video wall's
 * players), and the browser reports no policy violation while the map draws. Skips only when
 * there is no Chromium at CHROMIUM_PATH (/usr/bin/chromium), and says so.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { launchBrowser, skipWithoutChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { loginThroughPage } from './helpers/session.ts';

const INCIDENT = 'inc-demo-jialing';

const noChromium = skipWithoutChromium('content security policy e2e');

/** Runs before any script of each page: keeps every violation the page is told about. */
const RECORD_VIOLATIONS = `(() => {
	window.__cspViolations = [];
	document.addEventListener('securitypolicyviolation', (e) => {
		window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
	});
})()`;

/** A 1×1 PNG: what a tile server answers is irrelevant, only that the browser may load it. */
const TILE = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
	'base64'
);
const tiles = { requests: 0 };
const tileServer = http.createServer((_req, res) => {
	tiles.requests++;
	// OpenLayers loads tiles with crossOrigin: 'anonymous' (a tainted canvas could not be exported).
	res.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' }).end(TILE);
});

let server: TestServer;
let browser: LaunchedBrowser;
let ctx: BrowserContext;
/** Console messages about the policy, from every page of the context. */
const consoleErrors: string[] = [];

beforeAll(async () => {
	if (noChromium) return;
	await ensureAppBuild();
	await new Promise<void>((r) => tileServer.listen(0, '127.0.0.1', () => r()));
	const tileOrigin = `http://127.0.0.1:${(tileServer.address() as AddressInfo).port}`;
	server = await startTestServer({
		SERVE_APP: '1',
		MAP_LAYERS: JSON.stringify([
			{
				type: 'xyz',
				id: 'local-tiles',
				name: { 'zh-CN': '本地瓦片', en: 'Local tiles' },
				url: `${tileOrigin}/tiles/{z}/{x}/{y}.png`
			}
		])
	});
	browser = await launchBrowser();
	ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
	await ctx.addInitScript(RECORD_VIOLATIONS);
	ctx.on('console', (m) => {
		if (/content security policy/i.test(m.text())) consoleErrors.push(m.text());
	});
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await server?.dispose();
	tileServer.closeAllConnections();
	await new Promise((r) => tileServer.close(r));
});

async function violations(page: Page): Promise<string[]> {
	return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
}

/** Pixels the map's canvases have drawn (sampled): an empty or blocked map draws none. */
async function paintedMapPixels(page: Page): Promise<number> {
	return page.evaluate(() => {
		let painted = 0;
		for (const canvas of document.querySelectorAll<HTMLCanvasElement>('[data-testid="map"] canvas')) {
			const c = canvas.getContext('2d');
			if (!c || !canvas.width) continue;
			const data = c.getImageData(0, 0, canvas.width, canvas.height).data;
			for (let i = 3; i < data.length; i += 4 * 7) if (data[i]! > 0) painted++;
		}
		return painted;
	});
}

describe.skipIf(noChromium)('the app under its Content-Security-Policy in Chromium', () => {
	it('serves its pages with a policy that forbids framing and inline scripts without the nonce', async () => {
		const res = await fetch(`${server.url}/login`);
		await res.body?.cancel();
		const policy = res.headers.get('content-security-policy') ?? '';
		expect(policy).toContain("frame-ancestors 'none'");
		expect(policy).toMatch(/script-src 'self' 'nonce-[^']+'/);
		expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
	});

	it('logs a commander in and shows the incident room with its map drawn, with no violation', async () => {
		const page = await ctx.newPage();
		await loginThroughPage(page, server.url, 'commander');
		await page.locator('[data-testid=incident-list]').waitFor();
		expect(await violations(page)).toEqual([]);

		await page.goto(`${server.url}/incidents/${INCIDENT}`);
		await page.locator('[data-testid=incident-room][data-synced=true]').waitFor({ timeout: 15_000 });
		await expect.poll(() => paintedMapPixels(page), { timeout: 10_000 }).toBeGreaterThan(10_000);
		for (const tab of ['board', 'tasks', 'presence']) {
			await page.locator(`[data-testid=tab-${tab}]`).click();
		}
		// The feeds tab starts the video players of the pinned feeds.
		await page.locator('[data-testid=tab-feeds]').click();
		await page.locator('video').first().waitFor({ timeout: 10_000 });
		// The operator's online layer: its tile server is allowed by the policy the server adds to.
		await page.getByRole('button', { name: /图层|Layers/ }).click();
		await page.getByLabel('本地瓦片').check();
		await expect.poll(() => tiles.requests, { timeout: 10_000 }).toBeGreaterThan(0);
		await page.waitForTimeout(1_000);
		expect(await violations(page)).toEqual([]);

		await page.goto(`${server.url}/incidents/${INCIDENT}/audit`);
		await page.waitForLoadState('networkidle');
		expect(await violations(page)).toEqual([]);
	});

	it('shows the leaders’ screen with its map and video wall, with no violation', async () => {
		const page = await ctx.newPage();
		await page.goto(`${server.url}/screen/${INCIDENT}`);
		await page.locator('[data-testid=leaders-screen][data-synced=true]').waitFor({ timeout: 15_000 });
		await expect.poll(() => paintedMapPixels(page), { timeout: 10_000 }).toBeGreaterThan(10_000);
		// The players have their source: the playlist itself where the browser plays HLS natively (as
		// recent Chromium does), or hls.js's Media Source (a blob: URL) where it does not.
		const video = page.locator('[data-testid=video-wall] video').first();
		await expect
			.poll(() => video.getAttribute('src'), { timeout: 10_000 })
			.toMatch(/^(blob:|http:\/\/127\.0\.0\.1:8088\/)/);
		await page.waitForTimeout(1_000);
		expect(await violations(page)).toEqual([]);
		expect(consoleErrors).toEqual([]);
	});
});
