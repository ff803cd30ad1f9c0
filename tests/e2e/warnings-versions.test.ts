/**
 * Warnings in Chromium, second part. The commander issues a warning whose area has a township, a
 * village and a polygon drawn on the offline map; sends an update (续发) through the form filled
 * from the current version; cancels (解除) with a reason. Every version stays on the record page
 * with its content, and the CAP export of each carries the area. Then, on a phone-sized page, a
 * township officer acknowledges while offline: the acknowledgement waits on the phone and is sent
 * when the network is back, with the device's time and the server's. Who is on duty now shows on
 * an officer's first page and, for every organisation, on the administrator's organisation page.
 * A field team that is a target sees the warning on the field view and acknowledges it there.
 * Skips only when there is no Chromium at CHROMIUM_PATH (/usr/bin/chromium), and says so.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WarningDetail } from '../../src/lib/domain/api/warnings.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call } from '../incidents/helpers.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { launchBrowser, skipWithoutChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { loginThroughApi } from './helpers/session.ts';

const CHAOTIAN = 'twp-510812100';
const DATAN = 'twp-510812101';
const VILLAGE = '510812100200'; // 朝天村
const noChromium = skipWithoutChromium('warnings versions e2e');

let server: TestServer;
let browser: LaunchedBrowser;

async function pageOf(
	username: string,
	viewport = { width: 1400, height: 1000 },
	opts: { isMobile?: boolean; hasTouch?: boolean } = {}
): Promise<{ ctx: BrowserContext; page: Page }> {
	const ctx = await browser.newContext({ viewport, ...opts });
	await loginThroughApi(ctx, server.url, username);
	const page = await ctx.newPage();
	await page.goto(`${server.url}/`);
	await page.locator('[data-testid=current-user]').waitFor();
	return { ctx, page };
}

beforeAll(async () => {
	if (noChromium) return;
	await ensureAppBuild();
	server = await startTestServer({ SERVE_APP: '1', SITROOM_STORE: 'memory' });
	browser = await launchBrowser();
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await server?.dispose();
});

describe.skipIf(noChromium)('warning versions, area and offline acknowledgement in Chromium', () => {
	it('issues with townships, a village and a drawn polygon; updates (续发) and cancels (解除) with a reason; every version is shown', async () => {
		const { page } = await pageOf('commander');
		await page.goto(`${server.url}/warnings`);
		const form = page.locator('[data-testid=issue-warning-form]');
		await form.locator('select[name=event]').selectOption('flood');
		await form.locator('select[name=level]').selectOption('orange');
		await form.locator('input[name=title]').fill('嘉陵江朝天段洪水橙色预警');
		await form.locator('select[name=targets]').selectOption([CHAOTIAN, DATAN]);
		await form.locator('select[name=townships]').selectOption(['510812100']);
		await form.locator(`[data-testid=area-villages] input[value="${VILLAGE}"]`).check();
		await form.locator('input[name=areaDescription]').fill('嘉陵江沿岸低洼地带');
		// Draw a polygon on the map: four clicks, the last a double click that ends it.
		await form.locator('[data-testid=area-draw]').click();
		const box = (await form.locator('[data-testid=area-map]').boundingBox())!;
		const at = (fx: number, fy: number) => [box.x + box.width * fx, box.y + box.height * fy] as const;
		for (const [fx, fy] of [
			[0.4, 0.4],
			[0.6, 0.4],
			[0.6, 0.6]
		] as const) {
			await page.mouse.click(...at(fx, fy));
			await page.waitForTimeout(150);
		}
		await page.mouse.dblclick(...at(0.4, 0.6));
		await expect(form.locator('[data-testid=area-status]').textContent()).resolves.toContain('4 个顶点');
		await form.locator('textarea[name=instruction]').fill('沿河低洼地带群众做好转移准备。');
		await form.locator('[data-testid=issue-submit]').click();
		await page.locator('[data-testid=ack-board]').waitFor({ timeout: 10_000 });
		const id = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
		const commander = await server.login('commander');
		const read = async () =>
			(await call<{ warning: WarningDetail }>(server.url, commander, 'GET', `/api/warnings/${id}`)).body
				.warning;
		const v1 = (await read()).versions[0]!;
		expect(v1.area.townships).toEqual(['510812100']);
		expect(v1.area.villages).toEqual([VILLAGE]);
		expect(v1.area.description).toBe('嘉陵江沿岸低洼地带');
		expect(v1.area.polygon).toHaveLength(5);
		expect(v1.area.polygon![0]).toEqual(v1.area.polygon![4]);
		for (const [lon, lat] of v1.area.polygon!) {
			expect(lon).toBeGreaterThan(104);
			expect(lon).toBeLessThan(108);
			expect(lat).toBeGreaterThan(31);
			expect(lat).toBeLessThan(34);
		}

		// 续发: the form opens with the current version's content; raise the level and send.
		await page.locator('[data-testid=start-update]').click();
		const upd = page.locator('[data-testid=update-warning-form]');
		await expect(upd.locator('input[name=title]').inputValue()).resolves.toBe('嘉陵江朝天段洪水橙色预警');
		await expect(upd.locator('[data-testid=area-status]').textContent()).resolves.toContain('4 个顶点');
		await upd.locator('select[name=level]').selectOption('red');
		await upd.locator('input[name=title]').fill('嘉陵江朝天段洪水红色预警（升级）');
		await upd.locator('[data-testid=update-submit]').click();
		await page.locator('[data-testid=versions] li[data-version="2"]').waitFor({ timeout: 10_000 });
		await expect(page.locator('[data-testid=warning-title]').textContent()).resolves.toBe(
			'嘉陵江朝天段洪水红色预警（升级）'
		);
		const afterUpdate = await read();
		expect(afterUpdate.versions.map((v) => [v.version, v.msgType, v.level, v.title])).toEqual([
			[1, 'issue', 'orange', '嘉陵江朝天段洪水橙色预警'],
			[2, 'update', 'red', '嘉陵江朝天段洪水红色预警（升级）']
		]);
		expect(afterUpdate.versions[1]!.area).toEqual(v1.area);

		// 解除 with a reason, confirmed in the dialog.
		page.once('dialog', (d) => void d.accept());
		await page.locator('[data-testid=cancel-form] input[name=reason]').fill('降雨结束，水位回落');
		await page.locator('[data-testid=cancel-submit]').click();
		await page.locator('[data-testid=versions] li[data-version="3"][data-msg-type=cancel]').waitFor();
		await expect(page.locator('[data-testid=cancel-reason]').first().textContent()).resolves.toBe(
			'降雨结束，水位回落'
		);
		await expect(page.locator('[data-testid=versions] li').count()).resolves.toBe(3);
		await expect(page.locator('[data-testid=start-update]').count()).resolves.toBe(0);
		const cancelled = await read();
		expect(cancelled.status).toBe('lifted');
		expect(cancelled.versions.map((v) => v.msgType)).toEqual(['issue', 'update', 'cancel']);

		// Every version's CAP carries the area: geocodes and the polygon (lat,lon pairs).
		for (const n of [1, 2, 3]) {
			const res = await fetch(`${server.url}/api/warnings/${id}/cap?version=${n}`, {
				headers: { cookie: commander.cookie }
			});
			const xml = await res.text();
			expect(xml).toContain(`<value>${VILLAGE}</value>`);
			expect(xml).toContain('<value>510812100</value>');
			const [lon, lat] = v1.area.polygon![0]!;
			expect(xml).toContain(`<polygon>${lat},${lon} `);
		}
	}, 180_000);

	it('a township officer on a phone acknowledges offline; it is sent when back online with both times', async () => {
		const commander = await server.login('commander');
		const issued = await call<{ id: string }>(server.url, commander, 'POST', '/api/warnings', {
			kind: 'warning',
			title: '沙河镇滑坡黄色预警',
			event: 'landslide',
			level: 'yellow',
			targets: [CHAOTIAN],
			instruction: '巡查隐患点，必要时转移受威胁群众。',
			expires: new Date(Date.now() + 6 * 3_600_000).toISOString()
		});
		expect(issued.status).toBe(201);
		const id = issued.body.id;
		const { ctx, page } = await pageOf(
			'chaotian',
			{ width: 390, height: 844 },
			{ isMobile: true, hasTouch: true }
		);
		const alert = page.locator(`[data-testid=warning-alert][data-warning="${id}"]`);
		await alert.waitFor({ timeout: 10_000 });

		await ctx.setOffline(true);
		const beforeTap = Date.now();
		await alert.locator('[data-testid=ack-button]').tap();
		await alert.locator('[data-testid=ack-queued]').waitFor({ timeout: 5_000 });
		const queuedBy = Date.now();
		const read = async () =>
			(await call<{ warning: WarningDetail }>(server.url, commander, 'GET', `/api/warnings/${id}`)).body
				.warning;
		// The server has nothing yet; the phone keeps it.
		await page.waitForTimeout(1500);
		expect((await read()).targets[0]!.acknowledgedAt).toBeNull();
		// Logging out now asks first, naming the acknowledgement that waits (staying keeps it).
		const asked = new Promise<string>((resolve) =>
			page.once('dialog', (d) => {
				resolve(d.message());
				void d.dismiss();
			})
		);
		await page.locator('header button', { hasText: '退出登录' }).tap();
		expect(await asked).toContain('1 条预警签收');

		await ctx.setOffline(false);
		await alert.waitFor({ state: 'detached', timeout: 15_000 });
		const t = (await read()).targets[0]!;
		expect(t.acknowledgedBy).not.toBeNull();
		const deviceAt = Date.parse(t.acknowledgedDeviceAt!);
		const serverAt = Date.parse(t.acknowledgedAt!);
		// The device's time is when the person tapped, not when it reached the server.
		expect(deviceAt).toBeGreaterThanOrEqual(beforeTap - 50);
		expect(deviceAt).toBeLessThanOrEqual(queuedBy + 50);
		expect(serverAt - deviceAt).toBeGreaterThanOrEqual(1400);
		await ctx.close();
	}, 120_000);
	it('who is on duty now: on the officer’s first page and in the administrator’s organisation tree', async () => {
		const chaotianApi = await server.login('chaotian');
		const shift = await call(server.url, chaotianApi, 'POST', `/api/duty/${CHAOTIAN}/shifts`, {
			startsAt: new Date(Date.now() - 3_600_000).toISOString(),
			endsAt: new Date(Date.now() + 3_600_000).toISOString(),
			officerName: '朝天当班员',
			officerPhone: '0839-8600100',
			leaderName: '朝天带班镇长',
			leaderPhone: '13900000100'
		});
		expect(shift.status).toBe(201);
		const officer = await pageOf('chaotian');
		const mine = officer.page.locator(`[data-testid=on-duty-now][data-org="${CHAOTIAN}"]`);
		await mine.locator('[data-testid=on-duty-leader]').waitFor({ timeout: 10_000 });
		await expect(mine.textContent()).resolves.toContain('朝天带班镇长');
		await expect(mine.textContent()).resolves.toContain('13900000100');
		await officer.ctx.close();

		const admin = await pageOf('admin');
		await admin.page.goto(`${server.url}/admin/organisations`);
		const row = admin.page.locator(`[data-testid=org-row][data-org="${CHAOTIAN}"]`);
		await row.locator('[data-testid=on-duty-officer]').waitFor({ timeout: 10_000 });
		await expect(row.textContent()).resolves.toContain('朝天当班员');
		await expect(row.textContent()).resolves.toContain('0839-8600100');
		await expect(
			admin.page.locator(`[data-testid=org-row][data-org="${DATAN}"] [data-testid=on-duty-now]`).textContent()
		).resolves.toContain('当前无排班');
		await admin.ctx.close();
	}, 120_000);
	it('a field team targeted sees the warning on the field view (phone) and acknowledges it there', async () => {
		const commander = await server.login('commander');
		const squad = 'twp-510812100-squad';
		const issued = await call<{ id: string }>(server.url, commander, 'POST', '/api/warnings', {
			kind: 'order',
			title: '朝天镇应急分队立即前往明月村巡查',
			event: 'landslide',
			targets: [squad],
			instruction: '携带救援装备，30 分钟内到达。',
			expires: new Date(Date.now() + 3_600_000).toISOString()
		});
		expect(issued.status).toBe(201);
		const id = issued.body.id;
		const ctx = await browser.newContext({
			viewport: { width: 390, height: 844 },
			isMobile: true,
			hasTouch: true
		});
		await loginThroughApi(ctx, server.url, 'field1');
		const page = await ctx.newPage();
		await page.goto(`${server.url}/field`);
		const alert = page.locator(`[data-testid=warning-alert][data-warning="${id}"]`);
		await alert.waitFor({ timeout: 10_000 });
		await expect(alert.textContent()).resolves.toContain('朝天镇应急分队立即前往明月村巡查');
		await alert.locator('[data-testid=ack-button]').tap();
		await alert.waitFor({ state: 'detached', timeout: 10_000 });
		const w = (await call<{ warning: WarningDetail }>(server.url, commander, 'GET', `/api/warnings/${id}`))
			.body.warning;
		expect(w.targets[0]!.acknowledgedByName).toBe('朝天镇应急分队队员');
		await ctx.close();
	}, 120_000);
});
