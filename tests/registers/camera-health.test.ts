/**
 * The standing camera network is checked periodically, with the incident feeds' own probe and
 * allow-list: a camera whose HLS playlist answers is online, one whose gateway fails is offline
 * (and back), RTSP placeholders need a gateway and stay unknown; each change is written to the
 * row with its time and kept in its history (by the server), and an unchanged result writes nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisterChangeEntry, RegisterList, RegisterRow } from '../../src/lib/domain/api/registers.ts';
import type { TestSession } from '../helpers/auth.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { call } from '../incidents/helpers.ts';

describe('periodic camera health checks', () => {
	let server: TestServer;
	let commander: TestSession;
	let gateway: http.Server;
	let mode: 'ok' | 'down' = 'ok';
	let base: string;

	beforeAll(async () => {
		gateway = http.createServer((req, res) => {
			if (req.url !== '/live/cam1/index.m3u8') return void res.writeHead(404).end();
			if (mode === 'down') return void res.writeHead(503).end('restarting');
			res
				.writeHead(200, { 'content-type': 'application/vnd.apple.mpegurl' })
				.end('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n');
		});
		await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
		base = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
		server = await startTestServer(
			{ ALLOW_ADHOC_ROOMS: '0', FEED_CHECK_ALLOW: new URL(base).host, CAMERA_CHECK_INTERVAL_MS: '1000' },
			{ dataDir: tempDataDir('sitroom-cameras-') }
		);
		commander = await server.login('commander');
	});
	afterAll(async () => {
		await server?.dispose();
		gateway.closeAllConnections();
		await new Promise((r) => gateway.close(r));
	});

	const get = async (id: string) =>
		(await call<{ row: RegisterRow }>(server.url, commander, 'GET', `/api/registers/cameras/${id}`)).body.row;
	const until = async (
		id: string,
		state: string,
		detail?: string,
		timeoutMs = 15_000
	): Promise<RegisterRow> => {
		const t0 = Date.now();
		for (;;) {
			const row = await get(id);
			if (row.status === state && (detail === undefined || row.statusDetail === detail)) return row;
			if (Date.now() - t0 > timeoutMs)
				throw new Error(`camera ${id} still ${row.status} (${row.statusDetail})`);
			await new Promise((r) => setTimeout(r, 100));
		}
	};
	const checks = async (id: string) =>
		(
			await call<{ changes: RegisterChangeEntry[] }>(
				server.url,
				commander,
				'GET',
				`/api/registers/cameras/${id}/history`
			)
		).body.changes.filter((c) => c.action === 'check');

	it('marks a camera online, then offline when its gateway fails, and online again, each change in its history by the server', async () => {
		const created = await call<{ row: RegisterRow }>(
			server.url,
			commander,
			'POST',
			'/api/registers/cameras',
			{
				row: {
					code: 'CAM-TEST-1',
					name: '测试水位监控点',
					township: null,
					ownerOrgId: null,
					lon: null,
					lat: null,
					data: { cameraKind: 'water_level', url: `${base}/live/cam1/index.m3u8` }
				}
			}
		);
		expect(created.status).toBe(201);
		const id = created.body.row.id;
		expect(created.body.row.status).toBe('unknown');
		const online = await until(id, 'online');
		expect(online.statusDetail).toBe('ok');
		expect(Date.parse(online.statusAt!)).toBeGreaterThan(Date.parse(created.body.row.createdAt) - 1);
		mode = 'down';
		const offline = await until(id, 'offline');
		expect(offline.statusDetail).toBe('http-503');
		mode = 'ok';
		await until(id, 'online');
		const history = await checks(id);
		expect(history.map((c) => [c.after?.status, c.byUserId])).toEqual([
			['online', null],
			['offline', null],
			['online', null]
		]);
		// Further sweeps find it unchanged and write nothing.
		await new Promise((r) => setTimeout(r, 2500));
		expect(await checks(id)).toHaveLength(3);
		expect((await get(id)).version).toBe(online.version + 2);
	});

	it('leaves the demo network’s RTSP placeholders unknown, saying they need a gateway', async () => {
		const list = await call<RegisterList>(server.url, commander, 'GET', '/api/registers/cameras?q=CAM-FF-01');
		const cam = list.body.rows[0]!;
		const checked = await until(cam.id, 'unknown', 'needs-gateway');
		expect(checked.statusAt).not.toBeNull();
	});
});
