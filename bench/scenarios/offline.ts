/**
 * Scenario (offline): what a field phone costs and waits for when it comes back (issue 13).
 *
 * - Catch-up: a field client (the app's SyncProvider over Socket.IO, in this process) syncs the
 *   incident, goes offline, and the commander makes `updates` changes, each its own update; then
 *   the field client reconnects. Measured: the bytes it sends and receives on reconnecting (the
 *   payloads of every Engine.IO packet, text and binary, both ways: WebSocket framing, a few bytes
 *   a frame, is not counted), against the summed size of the updates it missed (goal: at most
 *   1.2×), and the time from reconnecting to holding the commander's whole state with nothing of
 *   its own unsaved.
 * - Page load on a slow connection: the room page opened by a field member on a phone-sized page
 *   (390×844) with Chromium's network emulation at DevTools' classic "Slow 3G" (400 ms latency,
 *   500 kbit/s each way), first with nothing cached, then reloaded once the service worker holds
 *   the app shell (goal: under 1 s from the worker). The time is from navigation to the room being
 *   on screen (not synced: its data comes over the same slow link).
 *
 * Only our server has either, so the reference columns stay empty; the scenario starts its own
 * in-process server with the app and ignores the one it is handed.
 */
import { io as ioClient } from 'socket.io-client';
import * as Y from 'yjs';
import { IncidentDoc } from '#domain/incident-doc';
import { SyncProvider, type AppSocket } from '../../src/lib/realtime/sync-provider.ts';
import { loadConfig } from '../../server/config.ts';
import { silentLogger } from '../../server/log.ts';
import { startSitroom, type Sitroom } from '../../server/main.ts';
import { ensureAppBuild } from '../../tests/e2e/helpers/app-build.ts';
import { chromiumAvailable, launchBrowser, type LaunchedBrowser } from '../../tests/e2e/helpers/browser.ts';
import { makeTempDir, removeTempDir } from '../processes.ts';
import type { Measures, Scenario } from './scenario.ts';

const PASSWORD = 'bench-offline-password';
const INCIDENT = 'inc-demo-jialing';
const SLOW_3G = { offline: false, latency: 400, downloadThroughput: 62_500, uploadThroughput: 62_500 };

interface SignedIn {
	cookie: string;
	userId: string;
	orgId: string;
}

async function signIn(url: string, username: string): Promise<SignedIn> {
	const res = await fetch(`${url}/api/session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', origin: url },
		body: JSON.stringify({ username, password: PASSWORD })
	});
	if (!res.ok) throw new Error(`bench sign-in of ${username} failed: ${res.status}`);
	const { user } = (await res.json()) as { user: { id: string; orgId: string } };
	return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!, userId: user.id, orgId: user.orgId };
}

interface Client {
	socket: AppSocket;
	doc: Y.Doc;
	provider: SyncProvider;
	/** Engine.IO payload bytes since the last reset. */
	bytes: { sent: number; received: number };
	close(): void;
}

function payloadSize(data: unknown): number {
	if (typeof data === 'string') return Buffer.byteLength(data);
	if (data instanceof ArrayBuffer) return data.byteLength;
	if (ArrayBuffer.isView(data)) return data.byteLength;
	return 0;
}

function connect(url: string, { cookie }: SignedIn): Client {
	const socket: AppSocket = ioClient(url, {
		transports: ['websocket'],
		extraHeaders: { cookie, origin: url },
		forceNew: true
	});
	const bytes = { sent: 0, received: 0 };
	socket.io.on('open', () => {
		const engine = socket.io.engine;
		engine.on('packetCreate', (p: { data?: unknown }) => (bytes.sent += payloadSize(p.data)));
		engine.on('packet', (p: { data?: unknown }) => (bytes.received += payloadSize(p.data)));
	});
	const doc = new Y.Doc();
	const provider = new SyncProvider(socket, INCIDENT, doc);
	return {
		socket,
		doc,
		provider,
		bytes,
		close() {
			provider.destroy();
			socket.disconnect();
			doc.destroy();
		}
	};
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const t0 = Date.now();
	while (!check()) {
		if (Date.now() - t0 > timeoutMs) throw new Error(`timed out: ${what}`);
		await new Promise((r) => setTimeout(r, 5));
	}
}

const sameState = (a: Y.Doc, b: Y.Doc) =>
	Buffer.from(Y.encodeStateVector(a)).equals(Buffer.from(Y.encodeStateVector(b)));

async function catchUp(url: string, updates: number): Promise<Measures> {
	const field = connect(url, await signIn(url, 'field1'));
	const boss = await signIn(url, 'commander');
	const commander = connect(url, boss);
	try {
		await until(() => field.provider.state.synced && commander.provider.state.synced, 30_000, 'first sync');
		field.socket.disconnect();
		await until(() => field.provider.state.status === 'disconnected', 5_000, 'field offline');

		let missed = 0;
		commander.doc.on('update', (u: Uint8Array) => (missed += u.byteLength));
		const idoc = new IncidentDoc(commander.doc);
		for (let i = 0; i < updates; i++) {
			// Figures and log entries, as a commander's hour of work: each its own update.
			if (i % 2 === 0) idoc.setFigure('510812100', 'relocated', 100 + i);
			else
				idoc.addLogEntry(`bench-log-${i}`, {
					kind: 'follow_up',
					text: `续报 ${i}：沿江低洼区转移进展`,
					createdBy: boss.userId,
					ownerOrgId: boss.orgId,
					createdAt: new Date().toISOString()
				});
		}
		let refused = false;
		commander.socket.on('refused', () => (refused = true));
		await until(() => !commander.provider.state.unsaved, 60_000, 'commander saved');
		if (refused) throw new Error('the server refused a commander update');

		field.bytes.sent = field.bytes.received = 0;
		const t0 = performance.now();
		field.socket.connect();
		await until(
			() =>
				field.provider.state.synced && !field.provider.state.unsaved && sameState(field.doc, commander.doc),
			60_000,
			'field caught up'
		);
		const catchUpMs = performance.now() - t0;
		const ratio = (field.bytes.sent + field.bytes.received) / missed;
		return {
			missedBytes: missed,
			sentBytes: field.bytes.sent,
			receivedBytes: field.bytes.received,
			wireRatio: ratio,
			catchUpMs,
			ratioOverGoal: ratio > 1.2 ? 1 : 0
		};
	} finally {
		field.close();
		commander.close();
	}
}

async function slowLoad(url: string, browser: LaunchedBrowser): Promise<Measures> {
	const ctx = await browser.newContext({
		viewport: { width: 390, height: 844 },
		isMobile: true,
		hasTouch: true
	});
	const login = await ctx.request.post(`${url}/api/session`, {
		data: { username: 'field1', password: PASSWORD },
		headers: { origin: url }
	});
	if (!login.ok()) throw new Error(`browser sign-in failed: ${login.status()}`);
	const page = await ctx.newPage();
	const cdp = await ctx.newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
	const room = `${url}/incidents/${INCIDENT}`;
	const shown = async () => {
		await page.locator('[data-testid=incident-room]').waitFor({ timeout: 120_000 });
		return page.evaluate(() => performance.now());
	};
	await page.goto(room, { waitUntil: 'commit', timeout: 120_000 });
	const firstMs = await shown();
	await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
		timeout: 120_000
	});
	await page.goto(room, { waitUntil: 'commit', timeout: 120_000 });
	const workerMs = await shown();
	const fromWorker = await page.evaluate(() => {
		const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
		return (nav?.workerStart ?? 0) > 0;
	});
	if (!fromWorker) throw new Error('the second load did not go through the service worker');
	// The same with no throttling: what the page itself costs on this machine (CPU), for comparison.
	await cdp.send('Network.emulateNetworkConditions', {
		...SLOW_3G,
		latency: 0,
		downloadThroughput: -1,
		uploadThroughput: -1
	});
	await page.goto(room, { waitUntil: 'commit', timeout: 120_000 });
	const unthrottledMs = await shown();
	await ctx.close();
	return {
		firstLoadMs: firstMs,
		workerLoadMs: workerMs,
		workerUnthrottledMs: unthrottledMs,
		workerLoadOverGoal: workerMs >= 1_000 ? 1 : 0
	};
}

export function offline(updates: number): Scenario {
	return {
		id: `offline-${updates}`,
		title: `Field phone back online after ${updates.toLocaleString('en')} updates; page load on slow 3G`,
		detail:
			'a field client offline while the commander makes each change its own update, then reconnects; the room page on emulated slow 3G without and with the service worker',
		note: 'only our server has either: the reference column is empty',
		clientProcesses: 0,
		targets: ['ours'],
		metrics: [
			{ key: 'missedBytes', label: 'updates missed while offline (bytes)', digits: 0 },
			{ key: 'sentBytes', label: 'sent on reconnecting (bytes)', digits: 0 },
			{ key: 'receivedBytes', label: 'received on reconnecting (bytes)', digits: 0 },
			{ key: 'wireRatio', label: 'sent + received / missed', digits: 2 },
			{ key: 'catchUpMs', label: 'reconnect → fully synced (ms)', digits: 0 },
			{
				key: 'ratioOverGoal',
				label: 'wire over 1.2× what was missed (1 = yes)',
				digits: 0,
				goal: { kind: 'zero' }
			},
			{ key: 'firstLoadMs', label: 'slow 3G: first load → room shown (ms)', digits: 0 },
			{ key: 'workerLoadMs', label: 'slow 3G: load from the service worker → room shown (ms)', digits: 0 },
			{ key: 'workerUnthrottledMs', label: 'no throttling: load from the service worker (ms)', digits: 0 },
			{
				key: 'workerLoadOverGoal',
				label: 'load from the worker 1 s or more (1 = yes)',
				digits: 0,
				goal: { kind: 'zero' }
			}
		],
		async run(ctx): Promise<Measures> {
			if (ctx.server.target !== 'ours') return {};
			const dataDir = makeTempDir('sitroom-bench-offline-');
			let app: Sitroom | null = null;
			let browser: LaunchedBrowser | null = null;
			try {
				const withApp = chromiumAvailable();
				if (withApp) {
					ctx.log('checking the app build');
					await ensureAppBuild();
				}
				app = await startSitroom(
					loadConfig({
						PORT: '0',
						HOST: '127.0.0.1',
						DATA_DIR: dataDir,
						SERVE_APP: withApp ? '1' : '0',
						LOG_LEVEL: 'silent',
						SITROOM_DEMO: '1',
						SITROOM_DEMO_PASSWORD: PASSWORD
					}),
					silentLogger()
				);
				ctx.log(`field client offline while ${updates} updates are made`);
				const wire = await catchUp(app.url, updates);
				if (!withApp) {
					ctx.log('no Chromium at /usr/bin/chromium: page load skipped');
					return wire;
				}
				ctx.log('room page on slow 3G, before and after the service worker');
				browser = await launchBrowser({ block: 'proxy' });
				return { ...wire, ...(await slowLoad(app.url, browser)) };
			} finally {
				await browser?.close();
				await app?.stop();
				removeTempDir(dataDir);
			}
		}
	};
}
