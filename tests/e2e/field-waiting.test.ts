/**
 * Nothing typed is lost, counted everywhere (issue 13), in real Chromium on a 360×640 phone page:
 *
 * - position fixes the server refused (a phone's faulty fix far outside the district) are named
 *   on the field view and the notice survives a reload, until the person dismisses it;
 * - with a photo, position fixes and a document change waiting offline, logging out (the field
 *   view's button and the desk's) asks first and names each kind; the device-wide registry the
 *   service worker reads before installing an app update holds the photos and fixes too; once
 *   everything is sent, logging out asks nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { loginAt, setTeamIntervalAt } from '../helpers/auth.ts';
import { jpegWithGps } from '../helpers/photos.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { waitingRegistry } from './helpers/waiting-registry.ts';
import { launchBrowser, skipWithoutChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { loginThroughPage } from './helpers/session.ts';

const INCIDENT = 'inc-demo-jialing';
const IN_DISTRICT = { latitude: 32.6401, longitude: 105.8912 };
/** Far outside the district: the server refuses it as `fix-far-from-district`. */
const FAULTY = { latitude: 10.5, longitude: 60.5 };

const noChromium = skipWithoutChromium('field waiting e2e');

let server: TestServer;
let browser: LaunchedBrowser;
let phone: BrowserContext;
let field: Page;
let photoFile = '';

beforeAll(async () => {
	if (noChromium) return;
	await ensureAppBuild();
	server = await startTestServer({ SERVE_APP: '1', SITROOM_DEMO: '1' });
	const field1 = (await server.identity.users.byUsername('field1'))!;
	await setTeamIntervalAt(server.url, await loginAt(server.url, 'commander'), field1.orgId, 10_000);
	browser = await launchBrowser();
	phone = await browser.newContext({
		viewport: { width: 360, height: 640 },
		isMobile: true,
		hasTouch: true,
		permissions: ['geolocation'],
		geolocation: FAULTY
	});
	field = await phone.newPage();
	photoFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sitroom-photo-')), 'IMG_0003.jpg');
	fs.writeFileSync(photoFile, jpegWithGps());
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await server?.dispose();
	if (photoFile) fs.rmSync(path.dirname(photoFile), { recursive: true, force: true });
});

async function synced(page: Page): Promise<void> {
	await page.locator('[data-testid=field-view][data-synced=true]').waitFor({ timeout: 30_000 });
}

/** Taps `button` and answers the confirm dialog with `accept`; the dialog's text, or null if none. */
async function confirmText(page: Page, button: string, accept: boolean): Promise<string | null> {
	let text: string | null = null;
	const onDialog = (d: import('playwright-core').Dialog) => {
		text = d.message();
		void (accept ? d.accept() : d.dismiss());
	};
	page.on('dialog', onDialog);
	try {
		await page.locator(button).click();
		await page.waitForTimeout(1500);
	} finally {
		page.off('dialog', onDialog);
	}
	return text;
}

describe.skipIf(noChromium)('field: refused fixes and what waits on the phone', () => {
	it('keeps the notice of refused position fixes across a reload until it is dismissed', async () => {
		await loginThroughPage(field, server.url, 'field1', `/field/${INCIDENT}`);
		await synced(field);
		await field.locator('[data-testid=position-interval][data-ms="10000"]').waitFor({ timeout: 10_000 });
		await field.locator('[data-testid=position-share]').tap();
		const notice = field.locator('[data-testid=track-refused][data-error=fix-far-from-district]');
		await notice.waitFor({ timeout: 30_000 });
		await field.locator('[data-testid=position-stop]').tap();
		await expect(notice.innerText()).resolves.toContain('定位偏离辖区过远');

		await field.reload();
		await synced(field);
		await notice.waitFor({ timeout: 15_000 });
		expect(Number(await notice.getAttribute('data-count'))).toBeGreaterThanOrEqual(1);

		await field.locator('[data-testid=track-refused-dismiss]').tap();
		await notice.waitFor({ state: 'detached' });
		await field.reload();
		await synced(field);
		await field.waitForTimeout(2000);
		expect(await field.locator('[data-testid=track-refused]').count()).toBe(0);
	}, 120_000);

	it('asks before logging out while a change, a photo and position fixes wait, naming each', async () => {
		await phone.setGeolocation(IN_DISTRICT);
		await phone.setOffline(true);
		await field.locator('[data-testid=position-interval][data-ms="10000"]').waitFor({ timeout: 10_000 });
		await field.locator('[data-testid=position-share]').tap();
		await expect
			.poll(
				() =>
					field
						.locator('[data-testid=track-waiting]')
						.getAttribute('data-count', { timeout: 1000 })
						.then(Number, () => 0),
				{ timeout: 30_000 }
			)
			.toBeGreaterThanOrEqual(1);
		await field.locator('[data-testid=position-stop]').tap();

		await field.locator('[data-testid=report-open]').tap();
		await field.locator('[data-testid=report-kind-hazard]').tap();
		await field.locator('[data-testid=report-note]').fill('离线拍的照片');
		await field.locator('[data-testid=quick-report] [data-testid=photo-input]').setInputFiles(photoFile);
		await field.locator('[data-testid=quick-report] [data-testid=photo-preview]').waitFor();
		await field.locator('[data-testid=report-send]').tap();
		await field.locator('[data-testid=photos-waiting]').waitFor({ timeout: 15_000 });

		// What the service worker reads before installing an app update: every kind is there.
		await expect
			.poll(async () => (await waitingRegistry(field)).map((e) => e.kind ?? 'changes').sort(), {
				timeout: 10_000
			})
			.toEqual(['changes', 'fixes', 'photos']);

		const asked = await confirmText(field, '[data-testid=field-logout]', false);
		expect(asked).toMatch(/还有 \d+ 条修改、1 张照片、\d+ 个位置点未发送/);
		// Staying: still the field view, nothing gone.
		expect(new URL(field.url()).pathname).toBe(`/field/${INCIDENT}`);
		await field.locator('[data-testid=photos-waiting]').waitFor();

		// The desk's logout asks the same (the page is served by the service worker, offline; a field
		// member's landing page sends them to the field view, a register's page does not).
		const desk = await phone.newPage();
		await desk.goto(`${server.url}/registers/teams`);
		await desk.locator('header button', { hasText: '退出登录' }).waitFor({ timeout: 20_000 });
		const deskAsked = await confirmText(desk, 'header button:has-text("退出登录")', false);
		expect(deskAsked).toContain('1 张照片');
		expect(deskAsked).toContain('个位置点');
		await desk.close();
	}, 120_000);

	it('logs out without asking once everything is on the server', async () => {
		await phone.setOffline(false);
		await expect.poll(async () => (await waitingRegistry(field)).length, { timeout: 60_000 }).toBe(0);
		const asked = await confirmText(field, '[data-testid=field-logout]', true);
		expect(asked).toBeNull();
		await field.waitForURL((u) => u.pathname.startsWith('/login'), { timeout: 15_000 });
	}, 90_000);
});
