import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDemoScenario } from '../../server/incidents/demo-scenario.ts';
import type { Jurisdiction } from '../../src/lib/domain/api/jurisdiction.ts';
import { connectSio, waitForSioSync } from '../helpers/clients.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { historyOf } from '../helpers/history.ts';
import { call } from './helpers.ts';

type Entity = Record<string, unknown> & { createdBy: string; ownerOrgId: string };

const CHAOTIAN = path.resolve('jurisdiction/chaotian');
const DEMO_INCIDENT_ID = readDemoScenario(CHAOTIAN)!.id;

/** A copy of Chaotian's jurisdiction folder with another demo scenario, or none (null). */
function jurisdictionWithDemo(scenario: unknown): string {
	const dir = tempDataDir('sitroom-jurisdiction-');
	fs.cpSync(CHAOTIAN, dir, { recursive: true });
	const file = path.join(dir, 'demo-incident.json');
	if (scenario === null) fs.rmSync(file);
	else fs.writeFileSync(file, JSON.stringify(scenario));
	return dir;
}

describe('the demo incident', () => {
	let server: TestServer | undefined;
	afterEach(async () => {
		await server?.dispose();
		server = undefined;
	});

	it('is created on the first demo run with content attributed to the demo users', async () => {
		server = await startTestServer();
		const commander = await server.login('commander');
		const list = (
			await call<{ incidents: Array<{ id: string; status: string }> }>(
				server.url,
				commander,
				'GET',
				'/api/incidents'
			)
		).body.incidents;
		expect(list).toEqual([expect.objectContaining({ id: DEMO_INCIDENT_ID, status: 'active' })]);

		const client = connectSio(server.url, DEMO_INCIDENT_ID, { headers: { cookie: commander.cookie } });
		try {
			await waitForSioSync(client);
			const doc = client.doc;
			expect(doc.getMap('meta').toJSON()).toMatchObject({ type: 'flood', level: 'III', status: 'active' });
			expect(Object.keys(doc.getMap('figures').toJSON()).sort()).toEqual([
				'510812100',
				'510812101',
				'510812105'
			]);
			const log = Object.values(doc.getMap('log').toJSON()) as Entity[];
			expect(new Set(log.map((e) => e.kind))).toEqual(
				new Set(['initial_report', 'follow_up', 'order', 'decision', 'notice'])
			);
			const annotations = Object.values(doc.getMap('annotations').toJSON()) as Entity[];
			expect(new Set(annotations.map((a) => a.kind))).toEqual(
				new Set([
					'danger_zone',
					'road_blocked',
					'command_post',
					'staging_area',
					'shelter',
					'evacuation_route',
					'water_gauge'
				])
			);
			const tasks = Object.values(doc.getMap('tasks').toJSON()) as Entity[];
			expect(new Set(tasks.map((t) => t.status)).size).toBeGreaterThanOrEqual(5);
			const feeds = Object.values(doc.getMap('feeds').toJSON()) as Array<Entity & { url: string }>;
			expect(feeds.some((f) => f.url.startsWith('rtsp://'))).toBe(true);
			for (const f of feeds) expect(new URL(f.url).hostname).toMatch(/^127\.0\.0\.1$|\.invalid$/);

			// Attribution: each entity is by a demo user and owned by that user's organisation.
			const users = new Map(
				await Promise.all(
					['commander', 'water', 'chaotian', 'datan'].map(async (u) => {
						const x = (await server!.identity.users.byUsername(u))!;
						return [x.id, x.orgId] as const;
					})
				)
			);
			for (const e of [...log, ...annotations, ...tasks, ...feeds]) {
				expect(users.get(e.createdBy), JSON.stringify(e)).toBe(e.ownerOrgId);
			}
			// Every change of the seeding is logged with its author.
			const history = await historyOf(server.store, DEMO_INCIDENT_ID);
			expect(history.length).toBeGreaterThanOrEqual(6);
			for (const u of history) expect(u.userId).not.toBeNull();

			// Positions are inside the district (with its margin).
			const j = (await call<Jurisdiction>(server.url, commander, 'GET', '/api/jurisdiction')).body;
			const coords = JSON.stringify(annotations.map((a) => a.geometry))
				.match(/-?\d+\.\d+/g)!
				.map(Number);
			for (let i = 0; i < coords.length; i += 2) {
				expect(coords[i]).toBeGreaterThan(j.bbox[0]);
				expect(coords[i]).toBeLessThan(j.bbox[2]);
				expect(coords[i + 1]).toBeGreaterThan(j.bbox[1]);
				expect(coords[i + 1]).toBeLessThan(j.bbox[3]);
			}
		} finally {
			client.destroy();
		}
	});

	it('comes from the jurisdiction folder, so another county seeds its own scenario', async () => {
		const dir = jurisdictionWithDemo({
			id: 'inc-demo-other',
			startedMinutesAgo: 90,
			incident: {
				openedBy: 'commander',
				name: '大滩镇山洪演练',
				type: 'flood',
				severity: 'general',
				level: 'IV',
				townships: ['510812101'],
				location: [105.915, 32.77],
				occurredAt: 0
			},
			changes: [
				{
					by: 'datan',
					log: { 'log-1': { kind: 'initial_report', text: '演练开始', createdAt: 5 } },
					figures: { '510812101': { relocated: 12 } }
				}
			]
		});
		try {
			server = await startTestServer({ JURISDICTION_DIR: dir });
			const commander = await server.login('commander');
			const list = (
				await call<{ incidents: Array<{ id: string; name: string }> }>(
					server.url,
					commander,
					'GET',
					'/api/incidents'
				)
			).body.incidents;
			expect(list).toEqual([expect.objectContaining({ id: 'inc-demo-other', name: '大滩镇山洪演练' })]);
			const history = await historyOf(server.store, 'inc-demo-other');
			const datan = (await server.identity.users.byUsername('datan'))!;
			expect(history.map((u) => u.userId)).toEqual([
				(await server.identity.users.byUsername('commander'))!.id,
				datan.id
			]);
		} finally {
			await server?.dispose();
			server = undefined;
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('is not created when the jurisdiction ships no scenario', async () => {
		const dir = jurisdictionWithDemo(null);
		try {
			server = await startTestServer({ JURISDICTION_DIR: dir });
			expect(server.db!.prepare('SELECT count(*) AS n FROM incidents').get()).toEqual({ n: 0 });
		} finally {
			await server?.dispose();
			server = undefined;
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	it('stops the server when the scenario is invalid, naming the file and the field', async () => {
		const scenario = readDemoScenario(CHAOTIAN)!;
		const broken = structuredClone(scenario) as unknown as {
			changes: Array<{ log?: Record<string, object> }>;
		};
		broken.changes[0]!.log!['log-001'] = { kind: 'rumour', text: '?', createdAt: 10 };
		const dir = jurisdictionWithDemo(broken);
		const dataDir = tempDataDir();
		try {
			await expect(startTestServer({ JURISDICTION_DIR: dir }, { dataDir })).rejects.toThrow(
				/demo-incident\.json .*\[changes\.0\.log\.log-001\.kind\]/s
			);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	});

	it('is not created again after a restart, nor in production mode', async () => {
		server = await startTestServer({}, { keepData: true });
		const dataDir = server.dataDir;
		await server.dispose();
		server = await startTestServer({}, { dataDir });
		expect(server.db!.prepare('SELECT count(*) AS n FROM incidents').get()).toEqual({ n: 1 });
		await server.dispose();

		server = await startTestServer({ SITROOM_DEMO: '0' });
		expect(server.db!.prepare('SELECT count(*) AS n FROM incidents').get()).toEqual({ n: 0 });
	});
});

describe('map and jurisdiction configuration', () => {
	let server: TestServer | undefined;
	afterEach(async () => {
		await server?.dispose();
		server = undefined;
	});

	it('serves the townships with their seats and villages, and no online layers by default', async () => {
		server = await startTestServer();
		const s = await server.login('field1');
		const j = (await call<Jurisdiction & { name: string }>(server.url, s, 'GET', '/api/jurisdiction')).body;
		expect(j.name).toBe('朝天区');
		expect(j.townships).toHaveLength(12);
		expect(j.townships.find((t) => t.code === '510812105')).toMatchObject({
			name: '沙河镇',
			seat: [105.849754, 32.565642]
		});
		expect(j.townships.find((t) => t.code === '510812110')?.seat).toBeNull();
		expect(j.townships.reduce((n, t) => n + t.villages.length, 0)).toBe(139);
		expect((await call(server.url, s, 'GET', '/api/config/map')).body).toEqual({ layers: [] });
		expect((await call(server.url, null, 'GET', '/api/config/map')).status).toBe(401);
	});

	it('serves the operator’s online layers from MAP_LAYERS, validated with the shared schema', async () => {
		const layers = [
			{
				type: 'xyz',
				id: 'osm',
				name: { 'zh-CN': '开放街道地图', en: 'OpenStreetMap' },
				url: 'https://tile.example.invalid/{z}/{x}/{y}.png'
			},
			{
				type: 'tianditu',
				id: 'tdt-img',
				name: { 'zh-CN': '天地图影像', en: 'Tianditu imagery' },
				kind: 'img',
				key: 'k'
			}
		];
		server = await startTestServer({ MAP_LAYERS: JSON.stringify(layers) });
		const s = await server.login('commander');
		const body = (
			await call<{ layers: Array<Record<string, unknown>> }>(server.url, s, 'GET', '/api/config/map')
		).body;
		expect(body.layers.map((l) => l.id)).toEqual(['osm', 'tdt-img']);
		expect(body.layers[0]).toMatchObject({ crs: 'wgs84', maxZoom: 18 });
	});

	it('refuses to start with an invalid MAP_LAYERS and names the wrong field', async () => {
		const dataDir = tempDataDir();
		try {
			const bad = [{ type: 'xyz', id: 'x', name: { 'zh-CN': 'x', en: 'x' }, url: 'ftp://a/{z}' }];
			await expect(startTestServer({ MAP_LAYERS: JSON.stringify(bad) }, { dataDir })).rejects.toThrow(
				/MAP_LAYERS .*\[0\.url\]/s
			);
		} finally {
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	});
});
