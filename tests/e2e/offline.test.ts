/**
 * Offline first, end to end in real Chromium on a phone-sized page (390×844): a field member opens
 * the incident room once, loses the network, writes progress notes, reloads with no network (the
 * service worker serves the page; the room and the waiting changes come back from IndexedDB),
 * and once back online the commander sees every note. The same with the server restarted while
 * the phone was offline, and with the session expired while it was offline (the page asks for the
 * password, then sends). Skips only without Chromium, and says so.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { DEFAULT_DEMO_PASSWORD } from '../../server/config.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { ensureAppBuild } from './helpers/app-build.ts';
import { launchBrowser, skipWithoutChromium, type LaunchedBrowser } from './helpers/browser.ts';
import { loginThroughApi } from './helpers/session.ts';

const INCIDENT = 'inc-demo-jialing';
const TASK = '明月村、双河村沿江低洼区群众转移';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

const noChromium = skipWithoutChromium('offline e2e');

let server: TestServer;
let browser: LaunchedBrowser;
const dataDir = tempDataDir('sitroom-offline-e2e-');

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

async function openRoom(ctx: BrowserContext): Promise<Page> {
	const page = await ctx.newPage();
	await page.goto(`${server.url}/incidents/${INCIDENT}`);
	await page.locator('[data-testid=incident-room][data-synced=true]').waitFor({ timeout: 20_000 });
	return page;
}

/** The page is controlled by the service worker, which has the app cached. */
async function controlledByServiceWorker(page: Page): Promise<void> {
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
		timeout: 20_000
	});
}

async function openTask(page: Page): Promise<void> {
	await page.locator('[data-testid=tab-tasks]').click();
	await page.locator('[data-testid=task-card]', { hasText: TASK }).first().click();
	await page.locator('[data-testid=task-details]').waitFor();
}

async function writeNote(page: Page, text: string): Promise<void> {
	const form = page.locator('[data-testid=task-details] form.progress');
	await form.locator('textarea').fill(text);
	await form.locator('button[type=submit]').click();
	await page.locator('[data-testid=task-thread]', { hasText: text }).waitFor();
	// As the page says 已保存在本机 only then: a reload before the outbox's write commits aborts it
	// (Chromium lost a write issued just before a reload in 1 of 50 tries here).
	await page.locator('[data-testid=save-state][data-stored-locally=true]').waitFor({ timeout: 10_000 });
}

function saveState(page: Page) {
	return page.locator('[data-testid=save-state]');
}

async function waitingCount(page: Page): Promise<number> {
	return Number(await saveState(page).getAttribute('data-waiting'));
}

async function reloadOffline(page: Page): Promise<void> {
	await page.reload();
	await page.locator('[data-testid=incident-room]').waitFor({ timeout: 20_000 });
	// The room is back from this device before any network: its outbox is counted again.
	await page.locator('[data-testid=save-state][data-stored-locally=true]').waitFor({ timeout: 10_000 });
}

describe('a field member offline on a phone', () => {
	let commander: Page;
	let field: Page;
	let fieldCtx: BrowserContext;

	beforeAll(async () => {
		const cctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
		fieldCtx = await browser.newContext(PHONE);
		await loginThroughApi(cctx, server.url, 'commander');
		await loginThroughApi(fieldCtx, server.url, 'field1');
		commander = await openRoom(cctx);
		field = await openRoom(fieldCtx);
		await controlledByServiceWorker(field);
		await openTask(commander);
		await openTask(field);
	}, 120_000);

	it('keeps notes written offline across a reload with no network, then the commander sees them', async () => {
		await fieldCtx.setOffline(true);
		await field
			.locator('[data-testid=connection-state] [data-state=disconnected]')
			.waitFor({ timeout: 10_000 });
		const notes = [`离线记录一 ${Date.now() % 10_000}`, `离线记录二 ${Date.now() % 10_000}`];
		for (const n of notes) await writeNote(field, n);
		await field.locator('[data-testid=save-state][data-stored-locally=true]').waitFor();
		const waiting = await waitingCount(field);
		expect(waiting).toBeGreaterThanOrEqual(2);
		await expect(field.locator('[data-testid=waiting-count]').innerText()).resolves.toContain('项修改待上传');
		await expect(saveState(field).innerText()).resolves.toContain('已保存在本机');

		await reloadOffline(field);
		await expect(waitingCount(field)).resolves.toBe(waiting);
		await openTask(field);
		for (const n of notes) await field.locator('[data-testid=task-thread]', { hasText: n }).waitFor();

		await fieldCtx.setOffline(false);
		await field.locator('[data-testid=save-state][data-state=saved]').waitFor({ timeout: 30_000 });
		await expect(waitingCount(field)).resolves.toBe(0);
		await expect(saveState(field).innerText()).resolves.toContain('已保存到服务器');
		for (const n of notes) await commander.locator('[data-testid=task-thread]', { hasText: n }).waitFor();
	}, 90_000);

	it('sends what waited after the server restarted while the phone was offline', async () => {
		await fieldCtx.setOffline(true);
		await field
			.locator('[data-testid=connection-state] [data-state=disconnected]')
			.waitFor({ timeout: 10_000 });
		const port = new URL(server.url).port;
		await server.stop();
		const note = `重启期间的记录 ${Date.now() % 10_000}`;
		await writeNote(field, note);
		await reloadOffline(field);
		await expect(waitingCount(field)).resolves.toBeGreaterThanOrEqual(1);

		server = await startTestServer({ SERVE_APP: '1', PORT: port }, { dataDir, keepData: true });
		await fieldCtx.setOffline(false);
		await field.locator('[data-testid=save-state][data-state=saved]').waitFor({ timeout: 30_000 });
		// The commander's page came back by itself, the task still open.
		await commander.locator('[data-testid=incident-room][data-synced=true]').waitFor({ timeout: 30_000 });
		await commander.locator('[data-testid=task-thread]', { hasText: note }).waitFor({ timeout: 10_000 });
	}, 120_000);

	it('asks for the password when the session expired while offline, then sends what waited', async () => {
		await fieldCtx.setOffline(true);
		await field
			.locator('[data-testid=connection-state] [data-state=disconnected]')
			.waitFor({ timeout: 10_000 });
		const note = `登录过期期间的记录 ${Date.now() % 10_000}`;
		await openTask(field);
		await writeNote(field, note);
		await field.locator('[data-testid=save-state][data-stored-locally=true]').waitFor();

		// Every session of field1 runs out while the phone is away (the server down meanwhile, so
		// the change is to its stored sessions only).
		const port = new URL(server.url).port;
		await server.stop();
		const db = new Database(path.join(dataDir, 'sitroom.db'));
		const expired = db
			.prepare(
				`UPDATE sessions SET expires_at = ? WHERE user_id = (SELECT id FROM users WHERE username = 'field1')`
			)
			.run(Date.now() - 1_000);
		db.close();
		expect(expired.changes).toBeGreaterThan(0);
		server = await startTestServer({ SERVE_APP: '1', PORT: port }, { dataDir, keepData: true });

		await fieldCtx.setOffline(false);
		const dialog = field.locator('[data-testid=session-renew]');
		await dialog.waitFor({ timeout: 30_000 });
		// Nothing was sent or dropped: the change still waits, on the phone.
		await expect(waitingCount(field)).resolves.toBeGreaterThanOrEqual(1);
		await expect(commander.locator('[data-testid=task-thread]', { hasText: note }).count()).resolves.toBe(0);
		await dialog.locator('input[name=password]').fill(DEFAULT_DEMO_PASSWORD);
		await dialog.locator('button[type=submit]').click();
		await field.locator('[data-testid=save-state][data-state=saved]').waitFor({ timeout: 30_000 });
		await commander.locator('[data-testid=task-thread]', { hasText: note }).waitFor({ timeout: 10_000 });
	}, 120_000);

	it('lists a refused change kept on the phone across reloads until it is dismissed', async () => {
		// What the accept-and-compensate server hands over (RefusedChange), as the room keeps it.
		const me = (await (await fieldCtx.request.get(`${server.url}/api/session`)).json()) as {
			user: { id: string };
		};
		const change = {
			id: `refusal-${Date.now()}`,
			collection: 'tasks',
			entityId: 'task-chaotian-transfer',
			field: 'status',
			op: 'update',
			attempted: 'done',
			reason: 'only the assigned team may move this task'
		};
		await field.evaluate(
			async ({ db, record }) => {
				const open = indexedDB.open(db);
				const conn = await new Promise<IDBDatabase>((ok, fail) => {
					open.onsuccess = () => ok(open.result);
					open.onerror = () => fail(open.error);
				});
				const tx = conn.transaction('refused', 'readwrite');
				tx.objectStore('refused').put(record);
				await new Promise((ok) => (tx.oncomplete = ok));
				conn.close();
			},
			{
				db: `sitroom-room:${me.user.id}:${INCIDENT}`,
				record: { id: change.id, room: INCIDENT, change, at: Date.now() }
			}
		);
		await field.reload();
		const panel = field.locator('[data-testid=refused-changes]');
		await panel.waitFor({ timeout: 20_000 });
		await expect(panel.innerText()).resolves.toContain('done');
		await expect(panel.innerText()).resolves.toContain('您没有修改这一项的权限');
		await panel.locator('[data-testid=refused-dismiss]').click();
		await panel.waitFor({ state: 'detached' });
		await field.reload();
		await field.locator('[data-testid=incident-room][data-synced=true]').waitFor({ timeout: 20_000 });
		await expect(field.locator('[data-testid=refused-changes]').count()).resolves.toBe(0);
	}, 90_000);
});

describe('the field view kept on the phone from the first visit', () => {
	/** field1's team's task in the demo scenario, listed first on the field view. */
	const FIELD_TASK = 'task-road-g108';

	it('is on the phone as soon as it synced, and opens with no network right after', async () => {
		const ctx = await browser.newContext(PHONE);
		await loginThroughApi(ctx, server.url, 'field1');
		const page = await ctx.newPage();
		await page.goto(`${server.url}/field/${INCIDENT}`);
		await page.locator('[data-testid=field-view][data-synced=true]').waitFor({ timeout: 20_000 });
		// The document is written the moment the first sync lands, not seconds later: a phone that
		// loses the signal (or is reloaded) right after opening still has the room.
		const me = (await (await ctx.request.get(`${server.url}/api/session`)).json()) as {
			user: { id: string };
		};
		const kept = await page.evaluate(async (db) => {
			const deadline = Date.now() + 1_000;
			for (;;) {
				const open = indexedDB.open(db);
				const conn = await new Promise<IDBDatabase>((ok, fail) => {
					open.onsuccess = () => ok(open.result);
					open.onerror = () => fail(open.error);
				});
				const req = conn.transaction('doc').objectStore('doc').count();
				const n = await new Promise<number>((ok) => (req.onsuccess = () => ok(req.result)));
				conn.close();
				if (n > 0 || Date.now() > deadline) return n;
				await new Promise((r) => setTimeout(r, 50));
			}
		}, `sitroom-room:${me.user.id}:${INCIDENT}`);
		expect(kept).toBe(1);

		await controlledByServiceWorker(page);
		await ctx.setOffline(true);
		await page.reload();
		await page.locator('[data-testid=field-view]').waitFor({ timeout: 20_000 });
		await page.locator(`[data-testid=field-task][data-task="${FIELD_TASK}"]`).waitFor({ timeout: 10_000 });
		await expect(page.locator('[data-testid=field-view] h1').innerText()).resolves.not.toBe('');
		await page.locator('[data-testid=save-state][data-stored-locally=true]').waitFor({ timeout: 10_000 });
		await ctx.close();
	}, 90_000);
});
