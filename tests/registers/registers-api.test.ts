/**
 * The registers over REST on a real server with its demo rows: who may change which row (the
 * command centre all, a township its own township's, an agency its own, field and viewers none),
 * each refusal named; each change kept in the row's history with who made it; team availability
 * from task assignments; the seed only adds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RegisterChangeEntry, RegisterList, RegisterRow } from '../../src/lib/domain/api/registers.ts';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import type { TestSession } from '../helpers/auth.ts';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.ts';
import { call } from '../incidents/helpers.ts';

type Answer = { row: RegisterRow; error?: string; issues?: Array<{ path: string; message: string }> };
const DEMO = 'inc-demo-jialing';

describe('registers over REST', () => {
	let server: TestServer;
	const as: Record<string, TestSession> = {};

	beforeAll(async () => {
		server = await startTestServer(
			{ ALLOW_ADHOC_ROOMS: '0' },
			{ dataDir: tempDataDir('sitroom-registers-') }
		);
		for (const u of ['commander', 'chaotian', 'datan', 'water', 'field1', 'leader', 'admin'])
			as[u] = await server.login(u);
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const list = async (register: string, query = '') =>
		(
			await call<RegisterList>(
				server.url,
				as.commander!,
				'GET',
				`/api/registers/${register}?limit=1000${query}`
			)
		).body;
	const byCode = async (register: string, code: string) => {
		const row = (await list(register, `&q=${encodeURIComponent(code)}`)).rows.find((r) => r.code === code);
		if (!row) throw new Error(`no ${register} ${code}`);
		return row;
	};
	const patch = (who: string, row: RegisterRow, changes: Record<string, unknown>) => {
		const { code, name, township, ownerOrgId, lon, lat, demo, data } = row;
		return call<Answer>(server.url, as[who]!, 'PATCH', `/api/registers/${row.register}/${row.id}`, {
			row: {
				code,
				name,
				township,
				ownerOrgId,
				lon,
				lat,
				demo,
				...changes,
				data: { ...data, ...(changes.data as object) }
			},
			version: row.version
		});
	};

	it('seeds demo rows from the district: 1+12 shelters for 20,000 people, 13 depots, 53 forest-fire points, all marked demo', async () => {
		const shelters = await list('shelters');
		expect(shelters.total).toBe(13);
		expect(shelters.rows.reduce((n, r) => n + (r.data.capacity as number), 0)).toBe(20000);
		expect(shelters.rows.every((r) => r.demo)).toBe(true);
		expect((await list('depots')).total).toBe(13);
		expect((await list('cameras', '&q=CAM-FF')).total).toBe(53);
		expect((await list('teams', '&q=TEAM-PRO')).rows[0]?.data.size).toBe(32);
	});

	it('lets a township officer change a shelter of their township, recorded with who, and refuses another township by name', async () => {
		const own = await byCode('shelters', 'SHL-510812100');
		const ok = await patch('chaotian', own, { data: { occupancy: 120 } });
		expect(ok.status).toBe(200);
		expect(ok.body.row.data.occupancy).toBe(120);
		expect(ok.body.row.version).toBe(own.version + 1);
		const history = await call<{ changes: RegisterChangeEntry[] }>(
			server.url,
			as.leader!,
			'GET',
			`/api/registers/shelters/${own.id}/history`
		);
		expect(history.body.changes[0]).toMatchObject({
			action: 'update',
			byName: '朝天镇值班员',
			fields: ['data.occupancy']
		});
		expect(history.body.changes.at(-1)?.action).toBe('seed');

		const other = await byCode('shelters', 'SHL-510812101');
		const refused = await patch('chaotian', other, { data: { occupancy: 5 } });
		expect(refused.status).toBe(403);
		expect(refused.body.error).toBe('not-your-township');
		// Nor may a row be moved into someone else's township.
		const moved = await patch('chaotian', ok.body.row, { township: '510812101' });
		expect(moved.body.error).toBe('not-your-township');
		expect((await byCode('shelters', 'SHL-510812101')).data.occupancy).toBe(0);
	});

	it('refuses field members, viewers and administrators any change (register-read-only)', async () => {
		const shelter = await byCode('shelters', 'SHL-510812100');
		for (const who of ['field1', 'leader', 'admin']) {
			const r = await patch(who, shelter, { data: { occupancy: 1 } });
			expect([who, r.status, r.body.error]).toEqual([who, 403, 'register-read-only']);
		}
		const del = await call<Answer>(server.url, as.field1!, 'DELETE', `/api/registers/shelters/${shelter.id}`);
		expect(del.body.error).toBe('register-read-only');
	});

	it('lets an agency change its own rows and its teams, not another agency', async () => {
		const water = await byCode('cameras', 'CAM-WL-01');
		expect((await patch('water', water, { name: '水位监控（改）' })).status).toBe(200);
		const forest = await byCode('cameras', 'CAM-FF-01');
		expect((await patch('water', forest, { name: 'x' })).body.error).toBe('not-your-organisation');
		const team = await call<Answer>(server.url, as.water!, 'POST', '/api/registers/teams', {
			row: {
				code: 'TEAM-FLOOD',
				name: '水利防汛抢险队',
				township: null,
				ownerOrgId: 'team-flood-emergency',
				lon: null,
				lat: null,
				data: { teamType: 'department', size: 25 }
			}
		});
		expect(team.status).toBe(201);
		// The demo incident has an open task for this team: its new row says so at once.
		expect(team.body.row.availability).toBe('deployed');
	});

	it('names what is wrong with a row: unknown township, outside the district, duplicate code, a bad stream address, a stale version', async () => {
		const base = {
			code: 'SHL-NEW',
			name: '新避难场所',
			township: '510812100',
			ownerOrgId: null,
			lon: null,
			lat: null,
			data: { capacity: 100 }
		};
		const post = (row: Record<string, unknown>, register = 'shelters') =>
			call<Answer>(server.url, as.commander!, 'POST', `/api/registers/${register}`, { row });
		expect((await post({ ...base, township: '510812999' })).body.error).toBe('unknown-township');
		expect((await post({ ...base, lon: 116.4, lat: 39.9 })).body.error).toBe('outside-district');
		expect((await post({ ...base, code: 'SHL-510812100' })).body.error).toBe('duplicate-register-code');
		const cam = await post(
			{ ...base, code: 'CAM-X', data: { cameraKind: 'traffic', url: 'javascript:alert(1)' } },
			'cameras'
		);
		expect(cam.status).toBe(400);
		expect(cam.body.issues).toContainEqual({ path: 'data.url', message: 'feed-url:scheme-not-allowed' });
		const created = await post(base);
		expect(created.status).toBe(201);
		await patch('commander', created.body.row, { name: '改一次' });
		const stale = await patch('commander', created.body.row, { name: '改两次' });
		expect([stale.status, stale.body.error]).toEqual([409, 'register-row-changed']);
		const missing = await call<Answer>(server.url, as.commander!, 'GET', '/api/registers/shelters/nope');
		expect([missing.status, missing.body.error]).toEqual([404, 'register-row-not-found']);
	});

	it('shows a team 出动中 while it has an open task in an active incident, and back to 待命 when the task is done', async () => {
		const team = await byCode('teams', 'TEAM-510812109');
		expect(team.availability).toBe('standby');
		const room = await server.registry.open(DEMO);
		await room.change((doc) =>
			new IncidentDoc(doc).addTask('task-register-team', {
				title: '转移群众',
				description: '',
				assigneeOrgId: 'twp-510812109-squad',
				township: '510812109',
				priority: 'high',
				dueAt: null,
				location: null,
				status: 'dispatched',
				statusReason: '',
				createdBy: 'system',
				ownerOrgId: 'command-centre',
				createdAt: new Date().toISOString(),
				updates: []
			} as never)
		);
		expect((await byCode('teams', 'TEAM-510812109')).availability).toBe('deployed');
		await room.change((doc) => new IncidentDoc(doc).patch('tasks', 'task-register-team', { status: 'done' }));
		expect((await byCode('teams', 'TEAM-510812109')).availability).toBe('standby');
	});

	it('keeps every edit across a restart: the seed only adds to empty registers', async () => {
		const dir = server.dataDir;
		const before = await byCode('shelters', 'SHL-510812100');
		await server.stop();
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' }, { dataDir: dir });
		as.commander = await server.login('commander');
		const after = await byCode('shelters', 'SHL-510812100');
		expect(after.data.occupancy).toBe(before.data.occupancy);
		expect((await list('shelters')).total).toBe(14);
	});
});
