/**
 * Who reads which incident among viewers (leaders' screens): a viewer of the command centre reads
 * every incident of the district without anyone sharing it, active and closed; a viewer anywhere
 * else (a department head, a city leader, a team's) reads only what a commander shared with them,
 * and is answered for the others exactly as for incidents that do not exist. The server decides,
 * over REST and at the realtime join alike.
 */
import { io as ioClient } from 'socket.io-client';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../src/lib/domain/api/incidents.ts';
import type { ServerNotice } from '../../src/lib/domain/protocol.ts';
import { SyncProvider, type AppSocket } from '../../src/lib/realtime/sync-provider.ts';
import type { TestSession } from '../helpers/auth.ts';
import { connectSio, connectYws, eventually, waitForSioSync, waitForSync } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, createViewer, joinAs, validIncident } from './helpers.ts';

type One = { incident: IncidentSummary };
type Many = { incidents: IncidentSummary[] };

const DEMO = 'inc-demo-jialing';
const UNKNOWN = 'inc-nosuchthing';

describe('what viewers read', () => {
	let server: TestServer;
	let commander: TestSession;
	let leader: TestSession;
	let departmentHead: TestSession;
	let teamViewer: TestSession;
	let opened: IncidentSummary;

	beforeAll(async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' });
		commander = await server.login('commander');
		leader = await server.login('leader');
		departmentHead = await createViewer(server, 'shuili.juzhang', 'dept-water', '水利局局长');
		// A team directly under the command centre is not the command centre: it reads what is shared.
		teamViewer = await createViewer(server, 'jiuyuan.duizhang', 'team-district-rescue', '救援队队长');
		opened = (
			await call<One>(server.url, commander, 'POST', '/api/incidents', validIncident({ name: '羊木镇山火' }))
		).body.incident;
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const listed = async (s: TestSession, query = ''): Promise<string[]> =>
		(await call<Many>(server.url, s, 'GET', `/api/incidents${query}`)).body.incidents.map((i) => i.id);

	it('lists every active incident to the demo leader, a viewer of the command centre, without sharing', async () => {
		expect(await listed(leader)).toEqual(expect.arrayContaining([DEMO, opened.id]));
		const one = await call<One>(server.url, leader, 'GET', `/api/incidents/${opened.id}`);
		expect(one.status).toBe(200);
		expect(one.body.incident.name).toBe('羊木镇山火');
		const audit = await call(server.url, leader, 'GET', `/api/incidents/${opened.id}/audit?collection=meta`);
		expect(audit.status).toBe(200);
	});

	it('lets the demo leader join and sync every active incident over Socket.IO and y-websocket', async () => {
		const sio = connectSio(server.url, DEMO, { headers: { cookie: leader.cookie } });
		try {
			await waitForSioSync(sio);
			expect(sio.doc.getMap('meta').get('id')).toBe(DEMO);
		} finally {
			sio.destroy();
		}
		const yws = connectYws(server.url, opened.id, { token: await server.token('leader', opened.id) });
		try {
			await waitForSync(yws.provider);
			expect(yws.doc.getMap('meta').get('name')).toBe('羊木镇山火');
		} finally {
			yws.destroy();
		}
	});

	it('keeps a closed incident readable for the demo leader (after-action review, a screen left open)', async () => {
		const inc = (
			await call<One>(
				server.url,
				commander,
				'POST',
				'/api/incidents',
				validIncident({ name: '已结束的事件' })
			)
		).body.incident;
		const c = connectSio(server.url, inc.id, { headers: { cookie: commander.cookie } });
		try {
			await waitForSioSync(c);
			c.doc.getMap('meta').set('status', 'closed');
			await eventually(() => !c.provider.state.unsaved, 5000, 'saved');
		} finally {
			c.destroy();
		}
		expect(await listed(leader, '?status=closed')).toContain(inc.id);
		expect((await call(server.url, leader, 'GET', `/api/incidents/${inc.id}`)).status).toBe(200);
		const { socket, ack } = await joinAs(server.url, leader.cookie, inc.id);
		socket.disconnect();
		expect(ack).toEqual({ ok: true });
	});

	it('refuses sharing with a viewer of the command centre, who reads every incident already', async () => {
		const res = await call(server.url, commander, 'POST', `/api/incidents/${opened.id}/viewers`, {
			username: 'leader'
		});
		expect(res.status).toBe(409);
		expect(res.body).toMatchObject({ error: 'reads-every-incident' });
	});

	it('shows a department head’s screen only what is shared with them, and a team’s viewer likewise', async () => {
		for (const outside of [departmentHead, teamViewer]) {
			expect(await listed(outside)).toEqual([]);
			expect((await call(server.url, outside, 'GET', `/api/incidents/${DEMO}`)).status).toBe(404);
			const { socket, ack } = await joinAs(server.url, outside.cookie, DEMO);
			socket.disconnect();
			expect(ack).toMatchObject({ ok: false, reason: 'room-not-found' });
		}
		const share = await call(server.url, commander, 'POST', `/api/incidents/${opened.id}/viewers`, {
			username: 'shuili.juzhang'
		});
		expect(share.status).toBe(201);
		expect(await listed(departmentHead)).toEqual([opened.id]);
		const { socket, ack } = await joinAs(server.url, departmentHead.cookie, opened.id);
		socket.disconnect();
		expect(ack).toEqual({ ok: true });
		expect(await listed(teamViewer)).toEqual([]);
	});

	it('answers a viewer outside the command centre alike for an unshared and an unknown incident', async () => {
		const rest = await Promise.all(
			[DEMO, UNKNOWN].map((id) => call(server.url, teamViewer, 'GET', `/api/incidents/${id}`))
		);
		expect(rest[0]).toEqual(rest[1]);
		expect(rest[0]).toMatchObject({ status: 404, body: { error: 'incident-not-found' } });
		const joins = [];
		for (const id of [DEMO, UNKNOWN]) {
			const j = await joinAs(server.url, teamViewer.cookie, id);
			j.socket.disconnect();
			joins.push(j.ack);
		}
		expect(joins[0]).toMatchObject({ ok: false, reason: 'room-not-found' });
		expect(joins[0]).toEqual(joins[1]);
	});

	it('stops the app’s realtime client on a refused join, with the named reason, instead of connecting forever', async () => {
		const socket: AppSocket = ioClient(server.url, {
			transports: ['websocket'],
			extraHeaders: { cookie: teamViewer.cookie },
			forceNew: true,
			reconnectionDelay: 50
		});
		const closes: ServerNotice[] = [];
		const doc = new Y.Doc();
		const provider = new SyncProvider(socket, DEMO, doc, { onClosed: (c) => closes.push(c) });
		try {
			await eventually(() => closes.length > 0, 10_000, 'the refused join');
			expect(closes[0]).toMatchObject({ reason: 'room-not-found' });
			expect(provider.state.status).toBe('disconnected');
			// The socket reconnecting (another room, a network blip) does not ask again.
			socket.disconnect();
			socket.connect();
			await eventually(() => socket.connected, 5000, 'reconnected');
			await new Promise((r) => setTimeout(r, 300));
			expect(provider.state.status).toBe('disconnected');
			expect(closes).toHaveLength(1);
		} finally {
			provider.destroy();
			socket.disconnect();
			doc.destroy();
		}
	});
});
