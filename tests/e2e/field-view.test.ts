/**
 * The field view on a phone-sized page (360×640, touch), as a field team member, in real
 * Chromium against a real server: the field member lands on the field view of the active
 * incident, moves their team's task with one tap, writes a note with a photo (a camera JPEG with
 * a GPS block: the stored file has none), and sends a quick report (现场报告) in three taps; the
 * commander's room then shows the new status, the note, the photo and the report.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { Position } from '../../src/lib/domain/incident-doc.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { hasLocationMetadata, jpegWithGps } from '../helpers/photos.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { launchBrowser, skipWithoutChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { loginThroughApi, loginThroughPage } from './helpers/session.ts';

const INCIDENT = 'inc-demo-jialing';
/** field1's team's task, accepted in the demo scenario. */
const TASK = 'task-road-g108';
const TASK_TITLE = 'G108 沙河—朝天段交通管制';
const NOTE = 'K1563 管制点已设置，车辆改走 G5';
const OFFLINE_NOTE = '山谷无信号，照片稍后上传';
const REPORT_NOTE = '沙河镇后山裂缝扩大约 2 米';

const noChromium = skipWithoutChromium('field view e2e');

let server: TestServer;
let browser: LaunchedBrowser;
let phone: BrowserContext;
let field: Page;
let photoFile = '';

beforeAll(async () => {
	if (noChromium) return;
	await ensureAppBuild();
	server = await startTestServer({ SERVE_APP: '1', SITROOM_DEMO: '1' });
	browser = await launchBrowser();
	phone = await browser.newContext({
		viewport: { width: 360, height: 640 },
		isMobile: true,
		hasTouch: true,
		deviceScaleFactor: 2,
		permissions: ['geolocation'],
		geolocation: { latitude: 32.5775, longitude: 105.8665 }
	});
	field = await phone.newPage();
	photoFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sitroom-photo-')), 'IMG_0001.jpg');
	fs.writeFileSync(photoFile, jpegWithGps());
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await server?.dispose();
	if (photoFile) fs.rmSync(path.dirname(photoFile), { recursive: true, force: true });
});

describe.skipIf(noChromium)('the field view on a phone', () => {
	const card = () => field.locator(`[data-testid=field-task][data-task="${TASK}"]`);

	it('is where a field member lands, with their team’s tasks first, readable and one thumb wide', async () => {
		await loginThroughPage(field, server.url, 'field1', '/');
		await field.waitForURL(`**/field/${INCIDENT}`, { timeout: 30_000 });
		await field.locator('[data-testid=field-view][data-synced=true]').waitFor({ timeout: 30_000 });
		await expect(card().locator('h3').innerText()).resolves.toBe(TASK_TITLE);
		// Another township's task is not listed.
		await expect(field.locator('[data-task="task-datan-inspect"]').count()).resolves.toBe(0);
		// Nothing wider than the phone, text at least 16 px, actions big enough for a thumb.
		const layout = await field.evaluate(() => {
			const px = (el: Element) => parseFloat(getComputedStyle(el).fontSize);
			const texts = [
				...document.querySelectorAll('[data-testid=field-view] :is(p, span, button, label, h3, a)')
			];
			const buttons = [...document.querySelectorAll('[data-testid=field-task] .act')];
			return {
				scrollWidth: document.documentElement.scrollWidth,
				smallest: Math.min(...texts.filter((e) => e.textContent?.trim()).map(px)),
				small: texts
					.filter((e) => e.textContent?.trim() && px(e) < 16)
					.map((e) => `${e.tagName}.${e.className} ${px(e)} ${e.textContent?.trim().slice(0, 20)}`),
				lowestButton: Math.min(...buttons.map((b) => b.getBoundingClientRect().height))
			};
		});
		expect(layout.scrollWidth).toBeLessThanOrEqual(360);
		expect(layout.small).toEqual([]);
		expect(layout.smallest).toBeGreaterThanOrEqual(16);
		expect(layout.lowestButton).toBeGreaterThanOrEqual(48);
	});

	it('moves the task with one tap, following the workflow', async () => {
		await expect(card().locator('[data-testid=field-action-done]').count()).resolves.toBe(0);
		await card().locator('[data-testid=field-action-in_progress]').tap();
		await expect.poll(() => card().locator('[data-testid=field-task-status]').innerText()).toBe('执行中');
		// The next step is now offered.
		await card().locator('[data-testid=field-action-done]').waitFor();
	});

	it('sends a progress note with a photo, and shows where the task is with a hand-off to navigation', async () => {
		await card().locator('[data-testid=field-task-open]').tap();
		const nav = card().locator('[data-testid=navigate]');
		await expect(nav.getAttribute('href')).resolves.toMatch(/^geo:32\.5775,105\.8665/);
		await card().locator('[data-testid=field-note]').fill(NOTE);
		await card().locator('[data-testid=photo-input]').setInputFiles(photoFile);
		await card().locator('[data-testid=photo-preview]').waitFor();
		await card().locator('[data-testid=field-send]').tap();
		await card().locator('[data-testid=field-sent]').waitFor();
		await expect(card().locator('[data-testid=field-thread]').innerText()).resolves.toContain(NOTE);
		// The photo leaves the phone once the server has it.
		await card().locator('[data-testid=field-thread] [data-testid=photo]').waitFor({ timeout: 30_000 });
		await expect(field.locator('[data-testid=photos-waiting]').count()).resolves.toBe(0);
	});

	it('keeps a photo taken with no signal on the phone, says so, and uploads it once online', async () => {
		await phone.setOffline(true);
		await card().locator('[data-testid=field-note]').fill(OFFLINE_NOTE);
		await card().locator('[data-testid=photo-input]').setInputFiles(photoFile);
		await card().locator('[data-testid=photo-preview]').waitFor();
		await card().locator('[data-testid=field-send]').tap();
		await field.locator('[data-testid=photos-waiting][data-count="1"]').waitFor();
		const entry = card().locator('[data-testid=field-thread] li').filter({ hasText: OFFLINE_NOTE });
		await expect(entry.innerText()).resolves.toContain('照片尚未上传');
		await phone.setOffline(false);
		await entry.locator('[data-testid=photo]').waitFor({ timeout: 30_000 });
		await expect(field.locator('[data-testid=photos-waiting]').count()).resolves.toBe(0);
	});

	it('sends a quick report in three taps: 现场报告, the kind, 发送', async () => {
		await field.locator('[data-testid=report-open]').tap();
		await field.locator('[data-testid=report-kind-hazard]').tap();
		await field.locator('[data-testid=report-note]').fill(REPORT_NOTE);
		await field.locator('[data-testid=report-send]').tap();
		await field.locator('[data-testid=my-reports]').getByText(REPORT_NOTE).waitFor();
	});

	it('shares the position only once the person turns it on, and stops when asked', async () => {
		const userId = (await server.identity.users.byUsername('field1'))!.id;
		const room = await server.registry.open(INCIDENT);
		const position = () => room.doc.getMap<Position>('positions').get(userId);
		// The demo scenario placed field1 elsewhere; nothing moves it before they consent.
		const before = position();
		expect(before?.lonLat).not.toEqual([105.8665, 32.5775]);
		await field.locator('[data-testid=position-share]').tap();
		await field.locator('[data-testid=position-sharing]').getByText('最近一次').waitFor();
		await expect.poll(position, { timeout: 20_000 }).toMatchObject({
			lonLat: [105.8665, 32.5775],
			orgId: 'twp-510812100-squad'
		});
		await field.locator('[data-testid=position-stop]').tap();
		await field.locator('[data-testid=position-share]').waitFor();
	});

	it('shows the commander the new status, the note, the photo and the report', async () => {
		const desk = await browser.newContext({ viewport: { width: 1400, height: 900 } });
		await loginThroughApi(desk, server.url, 'commander');
		const room = await desk.newPage();
		await room.goto(`${server.url}/incidents/${INCIDENT}`);
		await room.locator('[data-testid=incident-room][data-synced=true]').waitFor({ timeout: 30_000 });
		// The board lists the report.
		const report = room
			.locator('[data-testid=report-list] [data-testid=report]')
			.filter({ hasText: REPORT_NOTE });
		await expect(report.innerText()).resolves.toContain('险情');
		// The task, its status and its thread with the photo.
		await room.locator('[data-testid=tab-tasks]').click();
		const taskCard = room.locator(`[data-testid=task-card][data-task-id="${TASK}"]`);
		await expect(taskCard.getAttribute('data-status')).resolves.toBe('in_progress');
		await taskCard.click();
		const thread = room.locator('[data-testid=task-details] [data-testid=task-thread]');
		await expect(thread.innerText()).resolves.toContain(NOTE);
		await expect(thread.innerText()).resolves.toContain(OFFLINE_NOTE);
		await expect.poll(() => thread.locator('[data-testid=photo]').count()).toBe(2);
		const img = thread.locator('[data-testid=photo]').first();
		await expect
			.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth), { timeout: 20_000 })
			.toBeGreaterThan(0);
		// The stored photo carries no location metadata.
		const src = await img.getAttribute('src');
		const stored = await desk.request.get(`${server.url}${src}`);
		expect(stored.headers()['content-type']).toBe('image/jpeg');
		expect(hasLocationMetadata(new Uint8Array(await stored.body()))).toBe(false);
	});
});
