/**
 * Positions, tracks and photos on the map, in real Chromium against a real server. A field member
 * on a phone-sized page (360×640, touch; Chromium's geolocation override as the phone's GPS) turns
 * on sharing every 10 seconds: the first fix reaches the server's track; offline, the next fixes
 * wait on the phone (the page says how many) and nothing reaches the server; back online they are
 * sent with their device times. The member then sends a quick report with a photo and their
 * position. The commander's room map draws the track and a photo marker; clicking the marker
 * shows the photo.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { jpegWithGps } from '../helpers/photos.ts';
import { loginAt, setTeamIntervalAt, type TestSession } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { launchBrowser, skipWithoutChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { loginThroughApi, loginThroughPage } from './helpers/session.ts';

const INCIDENT = 'inc-demo-jialing';
const P0 = { latitude: 32.6401, longitude: 105.8912 };
const P1 = { latitude: 32.6452, longitude: 105.8987 };
const P2 = { latitude: 32.6503, longitude: 105.9061 };
const REPORT_NOTE = '桥墩冲刷，照片见附件';

const noChromium = skipWithoutChromium('positions and photos e2e');

let server: TestServer;
let browser: LaunchedBrowser;
let phone: BrowserContext;
let field: Page;
let commander: TestSession;
let field1Id = '';
let photoFile = '';

interface Track {
	userId: string;
	fixes: Array<{ at: string; lonLat: [number, number] }>;
}
async function trackOfField1(): Promise<Track['fixes']> {
	const res = await fetch(`${server.url}/api/incidents/${INCIDENT}/tracks?hours=1`, {
		headers: { cookie: commander.cookie }
	});
	const body = (await res.json()) as { tracks: Track[] };
	return body.tracks.find((t) => t.userId === field1Id)?.fixes ?? [];
}

beforeAll(async () => {
	if (noChromium) return;
	await ensureAppBuild();
	server = await startTestServer({ SERVE_APP: '1', SITROOM_DEMO: '1' });
	commander = await loginAt(server.url, 'commander');
	const field1User = (await server.identity.users.byUsername('field1'))!;
	field1Id = field1User.id;
	// The team's interval, as its commander chose it: a fix every 10 seconds.
	await setTeamIntervalAt(server.url, commander, field1User.orgId, 10_000);
	browser = await launchBrowser();
	phone = await browser.newContext({
		viewport: { width: 360, height: 640 },
		isMobile: true,
		hasTouch: true,
		deviceScaleFactor: 2,
		permissions: ['geolocation'],
		geolocation: P0
	});
	field = await phone.newPage();
	photoFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sitroom-photo-')), 'IMG_0002.jpg');
	fs.writeFileSync(photoFile, jpegWithGps());
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await server?.dispose();
	if (photoFile) fs.rmSync(path.dirname(photoFile), { recursive: true, force: true });
});

describe.skipIf(noChromium)('positions and photos', () => {
	const waiting = () =>
		field
			.locator('[data-testid=track-waiting]')
			.getAttribute('data-count', { timeout: 1000 })
			.then(Number, () => 0);

	it('sends the first fix once the member turns sharing on, at the interval their team’s commander chose', async () => {
		await loginThroughPage(field, server.url, 'field1', `/field/${INCIDENT}`);
		await field.locator('[data-testid=field-view][data-synced=true]').waitFor({ timeout: 30_000 });
		expect(await trackOfField1()).toEqual([]);
		// The team's interval (chosen by the commander), said beside the switch.
		await field.locator('[data-testid=position-interval][data-ms="10000"]').waitFor({ timeout: 10_000 });
		await expect(field.locator('[data-testid=position-interval]').innerText()).resolves.toContain('10 秒');
		await field.locator('[data-testid=position-share]').tap();
		await field.locator('[data-testid=position-sharing]').getByText('最近一次').waitFor({ timeout: 20_000 });
		await expect.poll(trackOfField1, { timeout: 20_000 }).toHaveLength(1);
		expect((await trackOfField1())[0]!.lonLat).toEqual([P0.longitude, P0.latitude]);
	}, 60_000);

	it('keeps the fixes taken offline on the phone, says how many, and sends them with their times once online', async () => {
		await phone.setOffline(true);
		await phone.setGeolocation(P1);
		await expect.poll(waiting, { timeout: 30_000 }).toBeGreaterThanOrEqual(1);
		await phone.setGeolocation(P2);
		await expect.poll(waiting, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
		await expect(field.locator('[data-testid=track-waiting]').innerText()).resolves.toContain('保存在本机');
		// Nothing of it reached the server.
		expect(await trackOfField1()).toHaveLength(1);
		const backOnline = Date.now();
		await phone.setOffline(false);
		await expect.poll(waiting, { timeout: 45_000 }).toBe(0);
		const fixes = await trackOfField1();
		const offline = fixes.filter(
			(f) =>
				(f.lonLat[0] === P1.longitude && f.lonLat[1] === P1.latitude) ||
				(f.lonLat[0] === P2.longitude && f.lonLat[1] === P2.latitude)
		);
		expect(offline.length).toBeGreaterThanOrEqual(2);
		// Their times are the phone's, from before it was back online.
		for (const f of offline) expect(Date.parse(f.at)).toBeLessThan(backOnline);
		await field.locator('[data-testid=position-stop]').tap();
		await field.locator('[data-testid=position-share]').waitFor();
	}, 120_000);

	it('sends a quick report with a photo and the place it was taken', async () => {
		await field.locator('[data-testid=report-open]').tap();
		await field.locator('[data-testid=report-kind-hazard]').tap();
		await field.locator('[data-testid=report-note]').fill(REPORT_NOTE);
		await field.locator('[data-testid=quick-report] [data-testid=photo-input]').setInputFiles(photoFile);
		await field.locator('[data-testid=quick-report] [data-testid=photo-preview]').waitFor();
		await field.locator('[data-testid=report-send]').tap();
		await field.locator('[data-testid=my-reports]').getByText(REPORT_NOTE).waitFor({ timeout: 20_000 });
		await expect
			.poll(() => field.locator('[data-testid=photos-waiting]').count(), { timeout: 30_000 })
			.toBe(0);
	}, 60_000);

	it('shows the commander the track and the photo on the room’s map; a click on the marker shows the photo', async () => {
		const desk = await browser.newContext({ viewport: { width: 1400, height: 900 } });
		await loginThroughApi(desk, server.url, 'commander');
		const room = await desk.newPage();
		await room.goto(`${server.url}/incidents/${INCIDENT}`);
		await room.locator('[data-testid=incident-room][data-synced=true]').waitFor({ timeout: 30_000 });
		const map = room.locator('[data-testid=map]');
		await expect
			.poll(() => map.getAttribute('data-tracks').then(Number), { timeout: 20_000 })
			.toBeGreaterThanOrEqual(1);
		await expect
			.poll(() => map.getAttribute('data-photo-markers').then(Number), { timeout: 20_000 })
			.toBeGreaterThanOrEqual(1);

		// The marker's colour (#d9480f) on the map's canvas: where to click.
		const marker = async () =>
			room.evaluate(() => {
				for (const canvas of document.querySelectorAll<HTMLCanvasElement>('[data-testid="map"] canvas')) {
					const c = canvas.getContext('2d');
					if (!c || !canvas.width) continue;
					const d = c.getImageData(0, 0, canvas.width, canvas.height).data;
					const r = canvas.getBoundingClientRect();
					for (let i = 0; i < d.length; i += 4) {
						if (d[i] === 217 && d[i + 1] === 72 && d[i + 2] === 15) {
							const px = (i / 4) % canvas.width;
							const py = Math.floor(i / 4 / canvas.width);
							return {
								x: r.left + (px * r.width) / canvas.width,
								y: r.top + (py * r.height) / canvas.height
							};
						}
					}
				}
				return null;
			});
		await expect.poll(marker, { timeout: 20_000 }).not.toBeNull();
		const at = (await marker())!;
		await room.mouse.click(at.x + 1, at.y + 1);
		const card = room.locator('[data-testid=map-photo]');
		await card.waitFor({ timeout: 10_000 });
		await expect(card.innerText()).resolves.toContain('险情');
		await expect(card.innerText()).resolves.toContain(REPORT_NOTE);
		const img = card.locator('[data-testid=photo]');
		await expect
			.poll(
				() =>
					img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth),
				{
					timeout: 20_000
				}
			)
			.toBeGreaterThan(0);
		await desk.close();
	}, 90_000);
});
