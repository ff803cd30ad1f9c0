import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../src/lib/domain/api/incidents.ts';
import type { TestSession } from '../helpers/auth.ts';
import { connectSio, eventually, waitForSioSync } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { historyOf } from '../helpers/history.ts';
import { call, createViewer, joinAs, validIncident } from './helpers.ts';

type One = { incident: IncidentSummary };
type Many = { incidents: IncidentSummary[] };
type Issues = { error: string; issues: Array<{ path: string; message: string }> };

describe('incidents over REST', () => {
	let server: TestServer;
	let commander: TestSession;
	let township: TestSession;

	beforeAll(async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' });
		commander = await server.login('commander');
		township = await server.login('chaotian');
	});
	afterAll(async () => {
		await server?.dispose();
	});

	it('opens an incident whose document holds the meta, logged as the opener’s change', async () => {
		const res = await call<One>(
			server.url,
			township,
			'POST',
			'/api/incidents',
			validIncident({ name: '朝天镇内涝' })
		);
		expect(res.status).toBe(201);
		const inc = res.body.incident;
		expect(inc.id).toMatch(/^inc-[a-z2-9]{10}$/);
		expect(inc).toMatchObject({
			name: '朝天镇内涝',
			status: 'active',
			level: 'IV',
			townships: ['510812102']
		});
		expect(inc.createdBy).toBe((await me(township)).id);

		const room = await server.registry.open(inc.id);
		expect(room.doc.getMap('meta').toJSON()).toMatchObject({
			id: inc.id,
			name: '朝天镇内涝',
			status: 'active'
		});
		const log = await historyOf(server.store, inc.id);
		expect(log).toHaveLength(1);
		expect(log[0]).toMatchObject({ userId: inc.createdBy, orgId: 'twp-510812100' });

		const got = await call<One>(server.url, commander, 'GET', `/api/incidents/${inc.id}`);
		expect(got.status).toBe(200);
		expect(got.body.incident).toEqual(inc);
	});

	it('lists, filters by status, type, township and severity, and searches by name', async () => {
		const a = (
			await call<One>(
				server.url,
				commander,
				'POST',
				'/api/incidents',
				validIncident({
					name: '曾家镇危化品运输车泄漏',
					type: 'hazardous_chemicals',
					severity: 'major',
					townships: ['510812103'],
					location: [106.1031, 32.6213]
				})
			)
		).body.incident;
		const b = (
			await call<One>(
				server.url,
				commander,
				'POST',
				'/api/incidents',
				validIncident({
					name: 'G5 京昆高速曾家段追尾',
					type: 'road_traffic',
					severity: 'general',
					townships: ['510812103', '510812104'],
					location: [106.05, 32.65]
				})
			)
		).body.incident;
		const list = async (query: string) =>
			(await call<Many>(server.url, commander, 'GET', `/api/incidents${query}`)).body.incidents.map(
				(i) => i.id
			);

		expect(await list('')).toEqual(expect.arrayContaining([a.id, b.id]));
		expect(await list('?type=hazardous_chemicals')).toEqual([a.id]);
		expect(await list('?township=510812104')).toEqual([b.id]);
		expect(await list('?township=510812103&severity=general')).toEqual([b.id]);
		expect(await list('?q=京昆')).toEqual([b.id]);
		expect(await list('?q=g5')).toEqual([b.id]);
		expect(await list('?status=closed')).not.toContain(a.id);
		expect(await list('?status=active&q=泄漏')).toEqual([a.id]);
	});

	it('refuses a bad request to open an incident with 400 and the path of every wrong field', async () => {
		const res = await call<Issues>(server.url, commander, 'POST', '/api/incidents', {
			...validIncident(),
			type: 'volcano',
			level: 'V',
			townships: ['999999999'],
			location: [116.4, 39.9],
			occurredAt: 'yesterday',
			extra: 1
		});
		expect(res.status).toBe(400);
		expect(res.body.error).toBe('invalid-request');
		const paths = res.body.issues.map((i) => i.path);
		expect(paths).toEqual(
			expect.arrayContaining(['type', 'level', 'townships.0', 'location', 'occurredAt', ''])
		);

		const empty = await call<Issues>(server.url, commander, 'POST', '/api/incidents', { name: '' });
		expect(empty.status).toBe(400);
		expect(empty.body.issues.map((i) => i.path)).toEqual(
			expect.arrayContaining(['name', 'type', 'townships'])
		);

		const query = await call<Issues>(server.url, commander, 'GET', '/api/incidents?status=open&limit=0');
		expect(query.status).toBe(400);
		expect(query.body.issues.map((i) => i.path).sort()).toEqual(['limit', 'status']);
	});

	it('lets field members and viewers read but not open incidents, and nobody unauthenticated', async () => {
		for (const who of ['field1', 'leader', 'admin']) {
			const s = await server.login(who);
			const res = await call(server.url, s, 'POST', '/api/incidents', validIncident());
			expect(res.status, who).toBe(403);
		}
		expect((await call(server.url, null, 'GET', '/api/incidents')).status).toBe(401);
		expect((await call(server.url, null, 'POST', '/api/incidents', validIncident())).status).toBe(401);
	});

	it('answers 404 JSON for an unknown incident', async () => {
		const res = await call(server.url, commander, 'GET', '/api/incidents/inc-nosuchthing');
		expect(res.status).toBe(404);
		expect(res.body).toMatchObject({ error: 'incident-not-found' });
	});

	it('follows a commander’s level change and closing made in the document through a client', async () => {
		const inc = (
			await call<One>(server.url, commander, 'POST', '/api/incidents', validIncident({ name: '中子镇山洪' }))
		).body.incident;
		const client = connectSio(server.url, inc.id, { headers: { cookie: commander.cookie } });
		try {
			await waitForSioSync(client);
			expect(client.doc.getMap('meta').get('status')).toBe('active');
			client.doc.getMap('meta').set('level', 'II');
			await eventually(() => !client.provider.state.unsaved, 5000, 'saved');
			const raised = (await call<One>(server.url, commander, 'GET', `/api/incidents/${inc.id}`)).body
				.incident;
			expect(raised.level).toBe('II');
			expect(raised.closedAt).toBeNull();

			client.doc.getMap('meta').set('status', 'closed');
			await eventually(() => !client.provider.state.unsaved, 5000, 'saved');
			const closed = (await call<One>(server.url, commander, 'GET', `/api/incidents/${inc.id}`)).body
				.incident;
			expect(closed.status).toBe('closed');
			expect(closed.closedAt).not.toBeNull();
			const list = (await call<Many>(server.url, commander, 'GET', '/api/incidents?status=closed')).body
				.incidents;
			expect(list.map((i) => i.id)).toContain(inc.id);
		} finally {
			client.destroy();
		}
	});

	it('refuses joining a room that is not an incident when ad hoc rooms are off', async () => {
		const { socket, ack } = await joinAs(server.url, commander.cookie, 'test-adhoc');
		socket.disconnect();
		expect(ack).toMatchObject({ ok: false, reason: 'room-not-found' });
	});

	it('shows viewers outside the command centre only the incidents shared with them, and closes their screen when unshared', async () => {
		const departmentHead = await createViewer(server, 'shuili.juzhang', 'dept-water');
		const inc = (
			await call<One>(server.url, commander, 'POST', '/api/incidents', validIncident({ name: '李家镇地震' }))
		).body.incident;

		const before = await joinAs(server.url, departmentHead.cookie, inc.id);
		before.socket.disconnect();
		// As if it did not exist (incident-existence.test.ts).
		expect(before.ack).toMatchObject({ ok: false, reason: 'room-not-found' });
		expect(
			(await call<Many>(server.url, departmentHead, 'GET', '/api/incidents')).body.incidents.map((i) => i.id)
		).not.toContain(inc.id);
		expect((await call(server.url, departmentHead, 'GET', `/api/incidents/${inc.id}`)).status).toBe(404);
		// Everyone else in the district reads every incident.
		const water = await server.login('water');
		const agency = await joinAs(server.url, water.cookie, inc.id);
		agency.socket.disconnect();
		expect(agency.ack).toEqual({ ok: true });

		// Only commanders share; only viewers are shared with.
		expect(
			(
				await call(server.url, water, 'POST', `/api/incidents/${inc.id}/viewers`, {
					username: 'shuili.juzhang'
				})
			).status
		).toBe(403);
		expect(
			(await call(server.url, commander, 'POST', `/api/incidents/${inc.id}/viewers`, { username: 'water' }))
				.status
		).toBe(409);
		const grant = await call<{ viewers: Array<{ userId: string }> }>(
			server.url,
			commander,
			'POST',
			`/api/incidents/${inc.id}/viewers`,
			{
				username: 'shuili.juzhang'
			}
		);
		expect(grant.status).toBe(201);
		const headId = (await me(departmentHead)).id;
		expect(grant.body.viewers.map((v) => v.userId)).toEqual([headId]);

		const after = await joinAs(server.url, departmentHead.cookie, inc.id);
		try {
			expect(after.ack).toEqual({ ok: true });
			expect(
				(await call<Many>(server.url, departmentHead, 'GET', '/api/incidents')).body.incidents.map(
					(i) => i.id
				)
			).toEqual([inc.id]);
			const closed = new Promise<{ reason: string }>((resolve) =>
				after.socket.on('closed', (_room, c) => resolve(c))
			);
			const revoke = await call(
				server.url,
				commander,
				'DELETE',
				`/api/incidents/${inc.id}/viewers/${headId}`
			);
			expect(revoke.status).toBe(200);
			expect((await closed).reason).toBe('forbidden');
			expect((await call(server.url, departmentHead, 'GET', `/api/incidents/${inc.id}`)).status).toBe(404);
		} finally {
			after.socket.disconnect();
		}
	});

	async function me(s: TestSession): Promise<{ id: string }> {
		return (await call<{ user: { id: string } }>(server.url, s, 'GET', '/api/session')).body.user;
	}
});
