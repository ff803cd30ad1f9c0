/**
 * The registers end to end in real Chromium against a real server serving the built app: a
 * township officer changes a shelter's occupancy in their own township (the change is kept with
 * their name) and is refused another township's shelter by name, also when trying to move a row
 * there; a commander adds a camera of the register to the demo incident's wall with one click,
 * lists what is free around a task's place or a point on the map and assigns a team to the task in
 * one step; the cameras page shows each camera's health and since when.
 * Screenshots go to test-results/. Skips only when there is no Chromium at CHROMIUM_PATH.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { launchBrowser, skipWithoutChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { loginThroughPage } from './helpers/session.ts';

const INCIDENT = 'inc-demo-jialing';
const SHOTS = path.resolve('test-results');
const noChromium = skipWithoutChromium('registers e2e');

let server: TestServer;
let browser: LaunchedBrowser;

async function shot(page: Page, name: string): Promise<void> {
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
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

describe.skipIf(noChromium)('registers in Chromium', () => {
	it('lets a township officer change a shelter’s occupancy in their township and refuses another township', async () => {
		const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await ctx.newPage();
		await loginThroughPage(page, server.url, 'chaotian', '/registers/shelters');
		const own = page.locator('[data-testid=register-row][data-code=SHL-510812100]');
		await own.waitFor({ timeout: 15_000 });
		await expect(page.locator('[data-testid=nav-registers]').innerText()).resolves.toBe('资源库');

		// Another township's shelter: no edit, the reason instead.
		const other = page.locator('[data-testid=register-row][data-code=SHL-510812101]');
		await expect(other.locator('[data-testid=edit-row]').count()).resolves.toBe(0);
		await expect(other.locator('[data-testid=edit-refusal]').innerText()).resolves.toContain('其他乡镇');

		await own.locator('[data-testid=edit-row]').click();
		const editor = page.locator('[data-testid=register-editor]');
		await editor.locator('[data-testid=field-occupancy]').fill('321');
		await editor.locator('button[type=submit]').click();
		await page.locator('[data-testid=register-editor]').waitFor({ state: 'detached' });
		await expect(own.locator('td[data-field=occupancy]').innerText()).resolves.toBe('321');

		// The server refuses moving the row into another township, and the page says why.
		await own.locator('[data-testid=edit-row]').click();
		await editor.locator('[data-testid=field-township]').selectOption('510812101');
		await editor.locator('button[type=submit]').click();
		await expect(editor.locator('[data-testid=register-error]').innerText()).resolves.toContain('其他乡镇');
		await shot(page, 'registers-township-refused');
		await editor.locator('button[type=button]').last().click();

		await own.locator('button', { hasText: '变更记录' }).click();
		await expect
			.poll(() => page.locator('[data-testid=row-history]').innerText(), { timeout: 10_000 })
			.toContain('朝天镇值班员');

		const stored = (await (
			await ctx.request.get(`${server.url}/api/registers/shelters?q=SHL-5108121`)
		).json()) as {
			rows: Array<{ code: string; township: string; data: { occupancy: number } }>;
		};
		expect(stored.rows.find((r) => r.code === 'SHL-510812100')?.data.occupancy).toBe(321);
		expect(stored.rows.find((r) => r.code === 'SHL-510812101')).toMatchObject({
			township: '510812101',
			data: { occupancy: 0 }
		});
		await ctx.close();
	}, 90_000);

	it('lets a commander add a register camera to an incident’s wall with one click', async () => {
		const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await ctx.newPage();
		await loginThroughPage(page, server.url, 'commander', `/incidents/${INCIDENT}`);
		await page.locator('[data-testid=tab-feeds]').click();
		await page.locator('button', { hasText: '从监控点库添加' }).click();
		const picker = page.locator('[data-testid=register-cameras]');
		await picker.locator('[data-testid=register-cameras-q]').fill('CAM-FF-07');
		const item = picker.locator('li', { hasText: '森林防火监测点07' });
		await item.waitFor({ timeout: 15_000 });
		await item.locator('[data-testid=add-register-camera]').click();
		await expect(page.locator('[data-testid=video-wall]').innerText()).resolves.toContain('森林防火监测点07');
		await item.locator('text=已在视频墙').waitFor();
		await shot(page, 'registers-camera-on-wall');

		// It is the incident's feed, written through the room like any other: the server holds it.
		const room = await server.registry.open(INCIDENT);
		const incident = new IncidentDoc(room.doc);
		const feed = incident
			.list<{ url: unknown }>('feeds')
			.find((f) => f.url === 'rtsp://cams.demo.invalid/forest/07');
		expect(feed).toBeDefined();
		expect(incident.wall.toArray()).toContain(feed?.id);
		await ctx.close();
	}, 90_000);

	it('draws the shelters register on the room’s map when its layer is turned on, and on the leaders’ screen', async () => {
		const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await ctx.newPage();
		await loginThroughPage(page, server.url, 'commander', `/incidents/${INCIDENT}`);
		await page.locator('[data-testid=map] canvas').first().waitFor({ timeout: 15_000 });
		/** Pixels of the shelters' colour (#1a9641) on the map's canvases. */
		const green = () =>
			page.evaluate(() => {
				let n = 0;
				for (const canvas of document.querySelectorAll<HTMLCanvasElement>('[data-testid="map"] canvas')) {
					const c = canvas.getContext('2d');
					if (!c || !canvas.width) continue;
					const d = c.getImageData(0, 0, canvas.width, canvas.height).data;
					for (let i = 0; i < d.length; i += 4) if (d[i] === 26 && d[i + 1] === 150 && d[i + 2] === 65) n++;
				}
				return n;
			});
		await page.waitForTimeout(1000);
		const before = await green();
		await page.locator('button[aria-controls^="layers-"]').click();
		await page.locator('label', { hasText: '避难场所' }).locator('input').check();
		await expect.poll(green, { timeout: 10_000 }).toBeGreaterThan(before + 200);
		await shot(page, 'registers-room-shelter-layer');

		await page.goto(`${server.url}/screen/${INCIDENT}`);
		await page.locator('[data-testid=map] canvas').first().waitFor({ timeout: 15_000 });
		await page.waitForTimeout(1000);
		const screenBefore = await green();
		await page.locator('button[aria-controls^="layers-"]').click();
		await page.locator('label', { hasText: '避难场所' }).locator('input').check();
		await expect.poll(green, { timeout: 10_000 }).toBeGreaterThan(screenBefore + 200);
		await shot(page, 'registers-screen-shelter-layer');
		await ctx.close();
	}, 90_000);

	it('lists what is free around a task’s place and assigns a team to it in one step, and around a point picked on the map', async () => {
		const room = await server.registry.open(INCIDENT);
		const squad = (await (
			await fetch(`${server.url}/api/registers/teams?q=TEAM-510812105`, {
				headers: (await server.login('commander')).headers
			})
		).json()) as { rows: Array<{ lon: number; lat: number; ownerOrgId: string }> };
		const at = squad.rows[0]!;
		await room.change((doc) =>
			new IncidentDoc(doc).addTask('task-e2e-dispatch', {
				title: '沙河镇转移群众（调派测试）',
				description: '',
				assigneeOrgId: 'command-centre',
				township: '510812105',
				priority: 'high',
				dueAt: null,
				location: [at.lon + 0.002, at.lat + 0.002],
				status: 'dispatched',
				statusReason: '',
				createdBy: 'system',
				ownerOrgId: 'command-centre',
				createdAt: new Date().toISOString(),
				updates: []
			} as never)
		);
		const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await ctx.newPage();
		await loginThroughPage(page, server.url, 'commander', `/incidents/${INCIDENT}`);
		await page.locator('[data-testid=tab-resources]').click();
		const panel = page.locator('[data-testid=resource-panel]');
		await expect(page.locator('[data-testid=tab-resources]').innerText()).resolves.toBe('资源调派');
		await panel.locator('[data-testid=nearby-task]').selectOption({ label: '沙河镇转移群众（调派测试）' });
		const team = panel.locator('[data-testid=nearby-teams] li[data-code=TEAM-510812105]');
		await team.waitFor({ timeout: 15_000 });
		// The nearest first: the squad is about 300 m from the task's place.
		await expect(
			panel.locator('[data-testid=nearby-teams] li').first().getAttribute('data-code')
		).resolves.toBe('TEAM-510812105');
		await expect(team.innerText()).resolves.toContain('公里');
		await shot(page, 'registers-room-free-nearby');
		await team.locator('[data-testid=dispatch-assign]').click();
		await expect(panel.locator('[data-testid=dispatch-notice]').innerText()).resolves.toContain(
			'沙河镇应急分队'
		);
		await expect
			.poll(() => panel.locator('[data-testid=committed-list]').innerText(), { timeout: 10_000 })
			.toContain('沙河镇转移群众（调派测试）');
		await expect(
			panel.locator('[data-testid=nearby-teams] li[data-code=TEAM-510812105]').count()
		).resolves.toBe(0);
		// One step: the task is the squad's now, in the room's document on the server.
		const task = new IncidentDoc(room.doc).read<{ assigneeOrgId: string }>('tasks', 'task-e2e-dispatch');
		expect(task?.assigneeOrgId).toBe(at.ownerOrgId);
		await shot(page, 'registers-room-team-assigned');

		// A point picked on the map.
		await panel.locator('[data-testid=nearby-pick]').click();
		const map = page.locator('[data-testid=room-map]');
		const box = (await map.boundingBox())!;
		await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
		await expect
			.poll(() => panel.locator('[data-testid=nearby-point]').innerText(), { timeout: 10_000 })
			.toMatch(/中心点 10[56]\.\d{4}, 3[23]\.\d{4}/);
		await ctx.close();
	}, 90_000);

	it('shows each camera’s health and since when on the cameras page', async () => {
		const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
		const page = await ctx.newPage();
		await loginThroughPage(page, server.url, 'leader', '/registers/cameras');
		const row = page.locator('[data-testid=register-row][data-code=CAM-FF-01]');
		await row.waitFor({ timeout: 15_000 });
		await expect
			.poll(() => row.locator('[data-testid=row-status]').innerText(), { timeout: 15_000 })
			.toBe('未知');
		await expect.poll(() => row.innerText(), { timeout: 15_000 }).toContain('自');
		await ctx.close();
	}, 60_000);
});
