import http from 'node:http';
import type { AddressInfo } from 'node:net';
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
	let client: SioClient | undefined;

	beforeEach(async () => {
		gateway = startCameraGateway();
		await new Promise<void>((r) => gateway.server.listen(0, '127.0.0.1', () => r()));
		base = `http://127.0.0.1:${(gateway.server.address() as AddressInfo).port}`;
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
			FEED_CHECK_ALLOW: '127.0.0.1',
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
			hang: 'offline/timeout',
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
			FEED_CHECK_ALLOW: '10.0.0.0/8,127.0.0.0/8',
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

	it('contacts nothing when the allowlist is empty', async () => {
		sitroom = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' });
		const { id, doc } = await incidentWithFeeds({ cam: `${base}/live/cam1/index.m3u8` });
		expect((await checkNow(id))[0]).toMatchObject({ state: 'unknown', detail: 'not-allowed' });
		await eventually(() => health(doc).cam?.detail === 'not-allowed', 5000, 'not-allowed in the document');
		expect(gateway.state.hits).toBe(0);
	});
});
