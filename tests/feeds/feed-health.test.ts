import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedHealthState } from '../../src/lib/domain/incident-doc.ts';
import type { FeedCheck } from '../../server/feeds/feed-health-monitor.ts';
import { connectSio, eventually, waitForSioSync, type SioClient } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, validIncident } from '../incidents/helpers.ts';
import * as Y from 'yjs';

/** A stand-in camera gateway: serves one playlist whose answer the test switches. */
function startCameraGateway() {
	const state = { mode: 'ok' as 'ok' | 'down' | 'garbage', hits: 0 };
	const server = http.createServer((req, res) => {
		state.hits++;
		if (req.url === '/live/hang.m3u8') return; // never answers: the checker must time out
		if (req.url === '/live/drop.m3u8') return void req.socket.destroy(); // accepts, then hangs up
		if (req.url !== '/live/cam1/index.m3u8') {
			res.writeHead(404).end();
			return;
		}
		if (state.mode === 'down') res.writeHead(503).end('gateway restarting');
		else if (state.mode === 'garbage')
			res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
		else
			res
				.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' })
				.end('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n');
	});
	return { server, state };
}

describe('video feed health', () => {
	let sitroom: TestServer | undefined;
	let gateway: ReturnType<typeof startCameraGateway>;
	let base: string;
	/** The gateway's address as FEED_CHECK_ALLOW names it: host and port. */
	let gatewayEntry: string;
	let client: SioClient | undefined;

	beforeEach(async () => {
		gateway = startCameraGateway();
		await new Promise<void>((r) => gateway.server.listen(0, '127.0.0.1', () => r()));
		base = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
		gatewayEntry = new URL(base).host;
	});
	afterEach(async () => {
		client?.destroy();
		client = undefined;
		await sitroom?.dispose();
		sitroom = undefined;
		gateway.server.closeAllConnections();
		await new Promise((r) => gateway.server.close(r));
	});

	/** Opens an incident as the commander and registers feeds in its document through a client. */
	async function incidentWithFeeds(feeds: Record<string, string>): Promise<{ id: string; doc: Y.Doc }> {
		const commander = await sitroom!.login('commander');
		const me = (
			await call<{ user: { id: string; orgId: string } }>(sitroom!.url, commander, 'GET', '/api/session')
		).body.user;
		const id = (
			await call<{ incident: { id: string } }>(
				sitroom!.url,
				commander,
				'POST',
				'/api/incidents',
				validIncident()
			)
		).body.incident.id;
		client = connectSio(sitroom!.url, id, { headers: { cookie: commander.cookie } });
		await waitForSioSync(client);
		client.doc.transact(() => {
			for (const [feedId, url] of Object.entries(feeds)) {
				const f = new Y.Map<unknown>();
				for (const [k, v] of Object.entries({
					name: feedId,
					kind: 'fixed_camera',
					url,
					position: null,
					createdBy: me.id,
					ownerOrgId: me.orgId,
					createdAt: new Date().toISOString()
				})) {
					f.set(k, v);
				}
				client!.doc.getMap('feeds').set(feedId, f);
			}
		});
		await eventually(() => !client!.provider.state.unsaved, 5000, 'feeds saved');
		expect(client.provider.state.synced).toBe(true);
		return { id, doc: client.doc };
	}

	const health = (doc: Y.Doc) =>
		doc.getMap<FeedHealthState>('feedHealth').toJSON() as Record<string, FeedHealthState>;

	async function checkNow(id: string): Promise<FeedCheck[]> {
		const s = await sitroom!.login('commander');
		const res = await call<{ checks: FeedCheck[] }>(
			sitroom!.url,
			s,
			'POST',
			`/api/incidents/${id}/feeds/check`
		);
		expect(res.status).toBe(200);
		return res.body.checks;
	}

	it('marks an HLS feed online or offline from its playlist, and leaves the rest unknown with a reason', async () => {
		sitroom = await startTestServer({
			ALLOW_ADHOC_ROOMS: '0',
			FEED_CHECK_ALLOW: gatewayEntry,
			FEED_CHECK_TIMEOUT_MS: '300'
		});
		const { id, doc } = await incidentWithFeeds({
			cam: `${base}/live/cam1/index.m3u8`,
			missing: `${base}/live/nope.m3u8`,
			hang: `${base}/live/hang.m3u8`,
			other: `http://localhost:${new URL(base).port}/live/cam1/index.m3u8`,
			body: 'rtsp://127.0.0.1:8554/bodycam-03',
			page: `${base}/player.html`
		});
		const checks = await checkNow(id);
		const byId = Object.fromEntries(checks.map((c) => [c.feedId, `${c.state}/${c.detail}`]));
		expect(byId).toEqual({
			cam: 'online/ok',
			missing: 'offline/http-404',
			hang: 'offline/unreachable',
			other: 'unknown/not-allowed',
			body: 'unknown/needs-gateway',
			page: 'unknown/not-hls'
		});
		// The results reach the people in the room through the document.
		await eventually(() => Object.keys(health(doc)).length === 6, 5000, 'feed health in the document');
		expect(health(doc).cam).toMatchObject({ state: 'online', detail: 'ok' });
		expect(Date.parse(health(doc).cam!.checkedAt)).toBeGreaterThan(Date.now() - 10_000);
	});

	it('follows a feed going down and coming back on the periodic check, logging only changes', async () => {
		sitroom = await startTestServer({
			ALLOW_ADHOC_ROOMS: '0',
			FEED_CHECK_ALLOW: `10.0.0.0/8:8080,127.0.0.0/8:${new URL(base).port}`,
			FEED_CHECK_INTERVAL_MS: '1000',
			FEED_CHECK_TIMEOUT_MS: '500'
		});
		const { id, doc } = await incidentWithFeeds({ cam: `${base}/live/cam1/index.m3u8` });
		await eventually(() => health(doc).cam?.state === 'online', 5000, 'online');

		const room = sitroom!.registry.get(id)!;
		// Clients see a write before it is on disk, and the check that wrote it is done only then:
		// a request meanwhile shares that check's result (written). Wait for it to finish.
		await checkNow(id);
		const seq = room.lastSeq;
		expect((await checkNow(id))[0]).toMatchObject({ state: 'online', written: false });
		expect(room.lastSeq).toBe(seq);

		gateway.state.mode = 'down';
		await eventually(() => health(doc).cam?.state === 'offline', 5000, 'offline after the gateway went down');
		expect(health(doc).cam!.detail).toBe('http-503');

		gateway.state.mode = 'garbage';
		await eventually(() => health(doc).cam?.detail === 'not-a-playlist', 5000, 'a non-playlist answer');

		gateway.state.mode = 'ok';
		await eventually(() => health(doc).cam?.state === 'online', 5000, 'online again');
		// online → offline → offline (other detail) → online: three writes after the first.
		expect(room.lastSeq - seq).toBe(3);
	});

	it('reports a refused, a hung and a dropped connection alike as unreachable; the cause goes only to the server log', async () => {
		const closedPort = await portWithNothingListening();
		const logs: Array<Record<string, unknown>> = [];
		const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
		sitroom = await startTestServer(
			{
				ALLOW_ADHOC_ROOMS: '0',
				FEED_CHECK_ALLOW: `${gatewayEntry},127.0.0.1:${closedPort}`,
				FEED_CHECK_TIMEOUT_MS: '300'
			},
			{ log }
		);
		const { id, doc } = await incidentWithFeeds({
			refused: `http://127.0.0.1:${closedPort}/live/a.m3u8`,
			hang: `${base}/live/hang.m3u8`,
			drop: `${base}/live/drop.m3u8`
		});
		const checks = await checkNow(id);
		for (const c of checks) {
			// Nothing beyond the coarse outcome reaches the client.
			expect(Object.keys(c).sort(), c.feedId).toEqual(['checkedAt', 'detail', 'feedId', 'state', 'written']);
			expect(`${c.state}/${c.detail}`, c.feedId).toBe('offline/unreachable');
		}
		await eventually(() => Object.keys(health(doc)).length === 3, 5000, 'feed health in the document');
		for (const h of Object.values(health(doc)))
			expect(Object.keys(h).sort()).toEqual(['checkedAt', 'detail', 'state']);
		expect(new Set(Object.values(health(doc)).map((h) => h.detail))).toEqual(new Set(['unreachable']));
		// The operator still learns why, from the log.
		const changed = logs.find((l) => l.msg === 'feed health changed');
		expect(JSON.stringify(changed)).toMatch(/refused.*econnrefused/i);
		expect(JSON.stringify(changed)).toMatch(/hang.*timeout/i);
	});

	it('does not contact a port of an allowed host that the allowlist does not name', async () => {
		const other = http.createServer((_req, res) => {
			otherHits++;
			res.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' }).end('#EXTM3U\n');
		});
		let otherHits = 0;
		await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
		try {
			sitroom = await startTestServer({ ALLOW_ADHOC_ROOMS: '0', FEED_CHECK_ALLOW: gatewayEntry });
			const otherPort = (other.address() as AddressInfo).port;
			const { id } = await incidentWithFeeds({
				cam: `${base}/live/cam1/index.m3u8`,
				ssh: `http://127.0.0.1:${otherPort}/live/a.m3u8`,
				web: 'http://127.0.0.1/live/a.m3u8'
			});
			const byId = Object.fromEntries((await checkNow(id)).map((c) => [c.feedId, `${c.state}/${c.detail}`]));
			expect(byId).toEqual({ cam: 'online/ok', ssh: 'unknown/not-allowed', web: 'unknown/not-allowed' });
			expect(otherHits).toBe(0);
		} finally {
			other.closeAllConnections();
			await new Promise((r) => other.close(r));
		}
	});

	it('contacts nothing when the allowlist is empty', async () => {
		sitroom = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' });
		const { id, doc } = await incidentWithFeeds({ cam: `${base}/live/cam1/index.m3u8` });
		expect((await checkNow(id))[0]).toMatchObject({ state: 'unknown', detail: 'not-allowed' });
		await eventually(() => health(doc).cam?.detail === 'not-allowed', 5000, 'not-allowed in the document');
		expect(gateway.state.hits).toBe(0);
	});
});

/** A local port that refuses connections: one the system just gave out and took back. */
async function portWithNothingListening(): Promise<number> {
	const s = http.createServer();
	await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
	const { port } = s.address() as AddressInfo;
	await new Promise((r) => s.close(r));
	return port;
}
