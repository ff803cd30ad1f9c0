/**
 * Teams' positions (issue 13: "at an interval the team chooses"; the room map and the leaders'
 * screen show each person's and team's latest position with its age), in real Chromium:
 *
 * - the township officer (the team's leader) sets the team's sharing interval in the room's
 *   presence tab; a field member's phone (360×640) then says it and shares at it once the member
 *   turns sharing on (their consent stays the switch);
 * - the leaders' screen, open before the member shares (the demo has the team's fix of hours ago),
 *   shows the team's new latest position with its age without a reload (live), its marker and the
 *   track; the commander's room map shows the team
 *   marker labelled with the team's name and age.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { launchBrowser, skipWithoutChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { loginThroughApi, loginThroughPage } from './helpers/session.ts';

const INCIDENT = 'inc-demo-jialing';
const HERE = { latitude: 32.6401, longitude: 105.8912 };

const noChromium = skipWithoutChromium('team positions e2e');

let server: TestServer;
let browser: LaunchedBrowser;
let phone: BrowserContext;
let wall: Page;
let teamId = '';
let teamName = '';

beforeAll(async () => {
	if (noChromium) return;
	await ensureAppBuild();
	server = await startTestServer({ SERVE_APP: '1', SITROOM_DEMO: '1' });
	const field1 = (await server.identity.users.byUsername('field1'))!;
	teamId = field1.orgId;
	teamName = (await server.identity.orgs.get(teamId))!.name;
	browser = await launchBrowser();
	phone = await browser.newContext({
		viewport: { width: 360, height: 640 },
		isMobile: true,
		hasTouch: true,
		permissions: ['geolocation'],
		geolocation: HERE
	});
}, 600_000);

afterAll(async () => {
	await browser?.close();
	await server?.dispose();
});

async function teamIntervalOnServer(): Promise<number | undefined> {
	const s = await server.login('field1');
	const res = await fetch(`${server.url}/api/teams/share-intervals`, { headers: { cookie: s.cookie } });
	const body = (await res.json()) as { intervals: Array<{ orgId: string; intervalMs: number }> };
	return body.intervals.find((i) => i.orgId === teamId)?.intervalMs;
}

describe.skipIf(noChromium)('team positions', () => {
	it('lets the team’s township officer set its sharing interval in the room', async () => {
		const desk = await browser.newContext({ viewport: { width: 1400, height: 900 } });
		await loginThroughApi(desk, server.url, 'chaotian');
		const room = await desk.newPage();
		await room.goto(`${server.url}/incidents/${INCIDENT}`);
		await room.locator('[data-testid=incident-room][data-synced=true]').waitFor({ timeout: 30_000 });
		await room.locator('[data-testid=tab-presence]').click();
		const select = room.locator(`[data-testid=team-interval][data-org="${teamId}"]`);
		await select.waitFor({ timeout: 15_000 });
		// Only the teams of their own township are offered.
		expect(await room.locator('[data-testid=team-interval]').count()).toBeGreaterThanOrEqual(1);
		await select.selectOption('10000');
		await room.locator('[data-testid=team-intervals]').getByText('已保存').waitFor({ timeout: 10_000 });
		expect(await teamIntervalOnServer()).toBe(10_000);
		await desk.close();
	}, 90_000);

	it('shows the leaders’ screen each team’s latest position with its age, live, and the commander’s map the team marker', async () => {
		const screenCtx = await browser.newContext({ viewport: { width: 1600, height: 900 } });
		await loginThroughApi(screenCtx, server.url, 'leader');
		wall = await screenCtx.newPage();
		await wall.goto(`${server.url}/screen/${INCIDENT}`);
		await wall.locator('[data-testid=leaders-screen][data-synced=true]').waitFor({ timeout: 30_000 });
		// The demo incident has the team's position of hours ago (stale, greyed).
		const team = wall.locator(`[data-testid=latest-team][data-org="${teamId}"]`);
		await team.waitFor({ timeout: 15_000 });
		const before = await team.innerText();
		expect(before).toContain(teamName);
		expect(before).not.toContain('刚刚');

		// The member's phone shares at the team's interval once they say so.
		const field = await phone.newPage();
		await loginThroughPage(field, server.url, 'field1', `/field/${INCIDENT}`);
		await field.locator('[data-testid=field-view][data-synced=true]').waitFor({ timeout: 30_000 });
		const interval = field.locator('[data-testid=position-interval][data-ms="10000"]');
		await interval.waitFor({ timeout: 10_000 });
		await expect(interval.innerText()).resolves.toContain('队伍设定');
		await field.locator('[data-testid=position-share]').tap();
		await field.locator('[data-testid=position-sharing]').getByText('最近一次').waitFor({ timeout: 20_000 });

		// The screen, not reloaded, shows the team with the age of its latest fix.
		await expect.poll(() => team.innerText(), { timeout: 20_000 }).toBe(`${teamName}（刚刚）`);
		const map = wall.locator('[data-testid=map]');
		await expect
			.poll(() => map.getAttribute('data-team-labels'), { timeout: 10_000 })
			.toContain(`${teamName} · 刚刚`);
		await expect
			.poll(() => map.getAttribute('data-tracks').then(Number), { timeout: 30_000 })
			.toBeGreaterThanOrEqual(1);

		// The commander's room map: the team marker, labelled with the team's name and age.
		const desk = await browser.newContext({ viewport: { width: 1400, height: 900 } });
		await loginThroughApi(desk, server.url, 'commander');
		const room = await desk.newPage();
		await room.goto(`${server.url}/incidents/${INCIDENT}`);
		await room.locator('[data-testid=incident-room][data-synced=true]').waitFor({ timeout: 30_000 });
		const roomMap = room.locator('[data-testid=map]');
		await expect
			.poll(() => roomMap.getAttribute('data-team-labels'), { timeout: 15_000 })
			.toContain(`${teamName} · 刚刚`);
		expect(Number(await roomMap.getAttribute('data-team-markers'))).toBeGreaterThanOrEqual(1);

		await field.locator('[data-testid=position-stop]').tap();
		await desk.close();
		await screenCtx.close();
	}, 150_000);
});
