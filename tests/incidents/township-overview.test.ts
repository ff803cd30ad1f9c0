/**
 * A township duty officer's overview: the active incidents touching their township with the board
 * figures they have not reported yet, and the open tasks of their teams, read from the incident
 * documents as they stand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TownshipOverview } from '../../src/lib/domain/api/townships.ts';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import type { TestSession } from '../helpers/auth.ts';
import { connectSio, eventually, waitForSioSync } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, validIncident } from './helpers.ts';

const DEMO = 'inc-demo-jialing';
const CHAOTIAN = '510812100';

describe('a township’s overview', () => {
	let server: TestServer;
	let chaotian: TestSession;
	let commander: TestSession;

	beforeAll(async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' });
		chaotian = await server.login('chaotian');
		commander = await server.login('commander');
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const overview = async (as: TestSession = chaotian, code = CHAOTIAN) =>
		call<TownshipOverview & { error: string }>(server.url, as, 'GET', `/api/townships/${code}/overview`);

	it('lists the demo incident with the figures the township has not reported, and its teams’ open tasks only', async () => {
		const res = await overview();
		expect(res.status).toBe(200);
		const demo = res.body.incidents.find((i) => i.incident.id === DEMO);
		// The demo's officer reported injured, relocated, houses, roads and power; 0 counts as reported.
		expect(demo?.missingFigures).toEqual(['dead', 'missing', 'comms_out']);
		// The transfer task is done; the road closure is still being worked on by the township's squad.
		expect(res.body.openTasks.map((t) => [t.incidentId, t.taskId, t.status])).toEqual([
			[DEMO, 'task-road-g108', 'accepted']
		]);
	});

	it('counts a figure reported as 0 as reported', async () => {
		const officer = connectSio(server.url, DEMO, { headers: { cookie: chaotian.cookie } });
		try {
			await waitForSioSync(officer);
			new IncidentDoc(officer.doc).setFigure(CHAOTIAN, 'dead', 0);
			await eventually(() => !officer.provider.state.unsaved, 5000, 'saved');
		} finally {
			officer.destroy();
		}
		const demo = (await overview()).body.incidents.find((i) => i.incident.id === DEMO);
		expect(demo?.missingFigures).toEqual(['missing', 'comms_out']);
	});

	it('lists a task given to the township’s team in an incident elsewhere, but not that incident', async () => {
		const elsewhere = (
			await call<{ incident: { id: string } }>(
				server.url,
				commander,
				'POST',
				'/api/incidents',
				validIncident({ name: '羊木镇山火', townships: ['510812102'] })
			)
		).body.incident.id;
		const me = (await call<{ user: { id: string } }>(server.url, commander, 'GET', '/api/session')).body.user;
		const c = connectSio(server.url, elsewhere, { headers: { cookie: commander.cookie } });
		try {
			await waitForSioSync(c);
			new IncidentDoc(c.doc).addTask('task-help-yangmu', {
				title: '支援羊木镇扑火',
				description: '',
				assigneeOrgId: 'twp-510812100-squad',
				township: '510812102',
				priority: 'urgent',
				dueAt: null,
				location: null,
				status: 'dispatched',
				statusReason: '',
				createdBy: me.id,
				ownerOrgId: 'command-centre',
				createdAt: new Date().toISOString()
			});
			await eventually(() => !c.provider.state.unsaved, 5000, 'saved');
		} finally {
			c.destroy();
		}
		const res = (await overview()).body;
		expect(res.incidents.map((i) => i.incident.id)).not.toContain(elsewhere);
		// Urgent first.
		expect(res.openTasks.map((t) => t.taskId)).toEqual(['task-help-yangmu', 'task-road-g108']);
		expect(res.openTasks[0]).toMatchObject({ incidentId: elsewhere, incidentName: '羊木镇山火' });
	});

	it('answers another township’s officer 403, other roles 403, and an unknown township 404', async () => {
		const datan = await server.login('datan');
		const other = await overview(datan);
		expect(other.status).toBe(403);
		expect(other.body.error).toBe('not-your-township');
		expect((await overview(await server.login('water'))).status).toBe(403);
		expect((await overview(await server.login('leader'))).status).toBe(403);
		expect((await overview(commander)).status).toBe(200);
		const unknown = await overview(commander, '999999999');
		expect(unknown.status).toBe(404);
		expect(unknown.body.error).toBe('township-not-found');
	});
});
