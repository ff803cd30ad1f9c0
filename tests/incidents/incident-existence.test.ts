/**
 * A viewer outside the command centre (a department head's screen) reads only the incidents
 * shared with it, and must not learn which other incident ids exist: every route taking an
 * incident id, and the realtime join, answer an unshared incident exactly as they answer one that
 * does not exist. (The command centre's own viewers read every incident: leaders-read.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realtimeTokenAt, type TestSession } from '../helpers/auth.ts';
import { connectRawWs } from '../helpers/raw-clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { call, createViewer, joinAs, validIncident, type JsonResponse } from './helpers.ts';

const UNKNOWN = 'inc-nosuchthing';

describe('incidents a viewer may not read', () => {
	let server: TestServer;
	let commander: TestSession;
	let departmentHead: TestSession;
	let unshared: string;

	beforeAll(async () => {
		server = await startTestServer({ ALLOW_ADHOC_ROOMS: '0' });
		commander = await server.login('commander');
		departmentHead = await createViewer(server, 'shuili.juzhang', 'dept-water');
		unshared = (
			await call<{ incident: { id: string } }>(
				server.url,
				commander,
				'POST',
				'/api/incidents',
				validIncident({ name: '未共享的事件' })
			)
		).body.incident.id;
	});
	afterAll(async () => {
		await server?.dispose();
	});

	/** The answer to `path` with the incident id in its place, for an unshared and an unknown incident. */
	async function bothAnswers(
		method: 'GET' | 'POST',
		path: (id: string) => string
	): Promise<[JsonResponse, JsonResponse]> {
		return [
			await call(server.url, departmentHead, method, path(unshared)),
			await call(server.url, departmentHead, method, path(UNKNOWN))
		];
	}

	it('answers GET /api/incidents/<id> with the same 404 for an unshared and an unknown incident', async () => {
		const [a, b] = await bothAnswers('GET', (id) => `/api/incidents/${id}`);
		expect(a.status).toBe(404);
		expect(a.body).toMatchObject({ error: 'incident-not-found' });
		expect(a).toEqual(b);
	});

	it('answers the audit and attribution of an unshared incident as of an unknown one', async () => {
		const audit = await bothAnswers('GET', (id) => `/api/incidents/${id}/audit?collection=meta`);
		expect(audit[0].status).toBe(404);
		expect(audit[0]).toEqual(audit[1]);
		const attribution = await bothAnswers('GET', (id) => `/api/incidents/${id}/attribution`);
		expect(attribution[0].status).toBe(404);
		expect(attribution[0]).toEqual(attribution[1]);
	});

	it('refuses a viewer’s feed check by role, before looking the incident up', async () => {
		const [a, b] = await bothAnswers('POST', (id) => `/api/incidents/${id}/feeds/check`);
		expect(a.status).toBe(403);
		expect(a).toEqual(b);
	});

	it('answers every other role the same 404 for an unknown incident on every incident route', async () => {
		for (const path of [
			`/api/incidents/${UNKNOWN}`,
			`/api/incidents/${UNKNOWN}/audit?collection=meta`,
			`/api/incidents/${UNKNOWN}/attribution`,
			`/api/incidents/${UNKNOWN}/viewers`
		]) {
			const res = await call(server.url, commander, 'GET', path);
			expect(res.status, path).toBe(404);
			expect(res.body, path).toMatchObject({ error: 'incident-not-found' });
		}
		const check = await call(server.url, commander, 'POST', `/api/incidents/${UNKNOWN}/feeds/check`);
		expect(check.status).toBe(404);
		expect(check.body).toMatchObject({ error: 'incident-not-found' });
	});

	it('refuses a viewer’s Socket.IO join of an unshared incident as of an unknown room', async () => {
		const a = await joinAs(server.url, departmentHead.cookie, unshared);
		a.socket.disconnect();
		const b = await joinAs(server.url, departmentHead.cookie, UNKNOWN);
		b.socket.disconnect();
		expect(a.ack).toMatchObject({ ok: false, reason: 'room-not-found' });
		expect(a.ack).toEqual(b.ack);
	});

	it('closes a viewer’s y-websocket connection to an unshared incident as to an unknown room', async () => {
		const closeOf = async (room: string) => {
			const ws = await connectRawWs(
				server.url,
				room,
				await realtimeTokenAt(server.url, departmentHead, room)
			);
			return ws.closed;
		};
		const a = await closeOf(unshared);
		expect(a).toEqual({ code: 4404, reason: 'room-not-found' });
		expect(a).toEqual(await closeOf(UNKNOWN));
	});

	it('keeps refusing a viewer an unknown room when ad hoc rooms are allowed (joinable rooms would tell)', async () => {
		const adhoc = await startTestServer({ ALLOW_ADHOC_ROOMS: '1' });
		try {
			const viewer = await createViewer(adhoc, 'shuili.juzhang', 'dept-water');
			const { socket, ack } = await joinAs(adhoc.url, viewer.cookie, 'some-adhoc-room');
			socket.disconnect();
			expect(ack).toMatchObject({ ok: false, reason: 'room-not-found' });
		} finally {
			await adhoc.dispose();
		}
	});
});
