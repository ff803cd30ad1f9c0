import { afterEach, describe, expect, it } from 'vitest';
import {
	connectSio,
	connectYws,
	eventually,
	waitForSioSync,
	waitForSync,
	type SioClient,
	type YwsClient
} from '../helpers/clients.ts';
import { ADHOC_ROOMS, startTestServer, type TestServer } from '../helpers/server.ts';
import { realtimeTokenAt, type TestSession } from '../helpers/auth.ts';
import { historyOf } from '../helpers/history.ts';

/** Records the close codes a y-websocket client sees (it reconnects by itself afterwards). */
function closeCodes(c: YwsClient): number[] {
	const codes: number[] = [];
	c.provider.on('connection-close', (event) => {
		if (event) codes.push(event.code);
	});
	return codes;
}

/** Records the rooms the server closed for a Socket.IO client, and whether the socket was dropped. */
function sioClosures(c: SioClient): {
	closed: Array<{ room: string; reason: string }>;
	disconnects: string[];
} {
	const rec = { closed: [] as Array<{ room: string; reason: string }>, disconnects: [] as string[] };
	c.socket.on('closed', (room, close) => rec.closed.push({ room, reason: close.reason }));
	c.socket.on('disconnect', (why) => rec.disconnects.push(why));
	return rec;
}

async function patchUser(
	server: TestServer,
	admin: TestSession,
	username: string,
	body: unknown
): Promise<Response> {
	const list = (await (await fetch(`${server.url}/api/users`, { headers: admin.headers })).json()) as {
		users: Array<{ id: string; username: string }>;
	};
	const id = list.users.find((u) => u.username === username)!.id;
	return fetch(`${server.url}/api/users/${id}`, {
		method: 'PATCH',
		headers: admin.headers,
		body: JSON.stringify(body)
	});
}

describe('authentication of the realtime transports', () => {
	let server: TestServer | undefined;
	const clients: Array<SioClient | YwsClient> = [];
	afterEach(async () => {
		for (const c of clients.splice(0)) c.destroy();
		await server?.dispose();
		server = undefined;
	});

	it('refuses an unauthenticated Socket.IO connection with the named reason', async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const c = connectSio(server.url, 'room-a');
		clients.push(c);
		const err = await new Promise<Error & { data?: { reason?: string } }>((resolve) =>
			c.socket.once('connect_error', resolve)
		);
		expect(err.data?.reason).toBe('unauthenticated');
		expect(c.provider.state.synced).toBe(false);
	});

	it('refuses an unauthenticated or forged y-websocket connection with close code 4401', async () => {
		server = await startTestServer(ADHOC_ROOMS);
		for (const params of [
			{},
			{ token: 'v1.eyJzaWQiOiJ4IiwiZXhwIjo5OTk5OTk5OTk5OTk5fQ.forged' },
			{ token: 'garbage' }
		]) {
			const c = connectYws(server.url, 'room-a', params as Record<string, string>);
			clients.push(c);
			const codes = closeCodes(c);
			await eventually(() => codes.length > 0, 5000, 'close');
			expect(codes[0]).toBe(4401);
			expect(c.provider.synced).toBe(false);
			c.provider.disconnect();
		}
	});

	it('refuses a Socket.IO handshake carrying the cookie from another origin', async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const { cookie } = await server.login('commander');
		const c = connectSio(server.url, 'room-a', { headers: { cookie, origin: 'https://evil.example' } });
		clients.push(c);
		const err = await new Promise<Error & { data?: { reason?: string } }>((resolve) =>
			c.socket.once('connect_error', resolve)
		);
		expect(err.data?.reason).toBe('unauthenticated');
	});

	it('syncs with the session cookie (Socket.IO and y-websocket) and with a token (y-websocket)', async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const { cookie } = await server.login('commander');
		const token = await server.token('field1');
		const s = connectSio(server.url, 'room-b', { headers: { cookie } });
		const y = connectYws(server.url, 'room-b', { token });
		clients.push(s, y);
		await Promise.all([waitForSioSync(s), waitForSync(y.provider)]);
		s.doc.getMap('m').set('k', 'v');
		await eventually(() => y.doc.getMap('m').get('k') === 'v');
		// The update log attributes each change to the authenticated user.
		const history = await historyOf(server.store, 'room-b');
		expect(history.some((h) => h.userId !== null && h.orgId === 'command-centre')).toBe(true);
	});

	it('accepts a room-scoped token only for its room', async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const token = await server.token('commander', 'room-c');
		const wrong = connectYws(server.url, 'room-d', { token });
		const right = connectYws(server.url, 'room-c', { token });
		clients.push(wrong, right);
		const codes = closeCodes(wrong);
		await waitForSync(right.provider);
		await eventually(() => codes.length > 0, 5000, 'close');
		expect(codes[0]).toBe(4401);
	});

	it('refuses an expired token with close code 4402', async () => {
		server = await startTestServer({ ...ADHOC_ROOMS, REALTIME_TOKEN_TTL_MS: '200' });
		const token = await server.token('commander');
		await new Promise((r) => setTimeout(r, 300));
		const c = connectYws(server.url, 'room-e', { token });
		clients.push(c);
		const codes = closeCodes(c);
		await eventually(() => codes.length > 0, 5000, 'close');
		expect(codes[0]).toBe(4402);
	});

	it("closes a deactivated user's live connections on both transports within 5 s", async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const admin = await server.login('admin');
		const water = await server.login('water');
		const s = connectSio(server.url, 'room-f', { headers: { cookie: water.cookie } });
		const idle = connectSio(server.url, 'no-room-yet', { headers: { cookie: water.cookie } });
		const y = connectYws(server.url, 'room-f', { token: await server.token('water') });
		const bystander = connectYws(server.url, 'room-f', { token: await server.token('commander') });
		clients.push(s, idle, y, bystander);
		await Promise.all([
			waitForSioSync(s),
			waitForSioSync(idle),
			waitForSync(y.provider),
			waitForSync(bystander.provider)
		]);
		const sio = sioClosures(s);
		const idleSio = sioClosures(idle);
		const codes = closeCodes(y);
		const bystanderCodes = closeCodes(bystander);

		const t0 = Date.now();
		expect((await patchUser(server, admin, 'water', { active: false })).status).toBe(200);
		await eventually(
			() => sio.disconnects.length > 0 && idleSio.disconnects.length > 0 && codes.length > 0,
			5000,
			'closed'
		);
		expect(Date.now() - t0).toBeLessThan(5000);
		expect(sio.closed).toEqual([{ room: 'room-f', reason: 'account-deactivated' }]);
		expect(codes[0]).toBe(4410);
		// The bystander keeps working, and the deactivated account can no longer reconnect or log in.
		expect(bystanderCodes).toEqual([]);
		bystander.doc.getMap('m').set('still', 'here');
		const reconnect = connectSio(server.url, 'room-f', { headers: { cookie: water.cookie } });
		clients.push(reconnect);
		const err = await new Promise<Error & { data?: { reason?: string } }>((resolve) =>
			reconnect.socket.once('connect_error', resolve)
		);
		expect(err.data?.reason).toBe('unauthenticated');
		const login = await fetch(`${server.url}/api/session`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ username: 'water', password: 'sitroom-demo' })
		});
		expect(login.status).toBe(401);
	});

	it('closes connections of an account deactivated behind the API (another node, the database) within 5 s', async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const sess = await server.login('water');
		const s = connectSio(server.url, 'room-g', { headers: { cookie: sess.cookie } });
		const y = connectYws(server.url, 'room-g', { token: await server.token('water') });
		clients.push(s, y);
		await Promise.all([waitForSioSync(s), waitForSync(y.provider)]);
		const sio = sioClosures(s);
		const codes = closeCodes(y);
		server.db!.prepare("UPDATE users SET active = 0 WHERE username = 'water'").run();
		const t0 = Date.now();
		await eventually(() => sio.disconnects.length > 0 && codes.length > 0, 5000, 'closed by the sweep');
		expect(Date.now() - t0).toBeLessThan(5000);
		expect(sio.closed[0]?.reason).toBe('account-deactivated');
		expect(codes[0]).toBe(4410);
	});

	it("closes a session's connections at logout, and only that session's", async () => {
		server = await startTestServer(ADHOC_ROOMS);
		const mine = await server.login('commander');
		const other = await server.login('commander');
		const s = connectSio(server.url, 'room-h', { headers: { cookie: mine.cookie } });
		const y = connectYws(server.url, 'room-h', { token: await realtimeTokenAt(server.url, mine) });
		const keep = connectSio(server.url, 'room-h', { headers: { cookie: other.cookie } });
		clients.push(s, y, keep);
		await Promise.all([waitForSioSync(s), waitForSync(y.provider), waitForSioSync(keep)]);
		const sio = sioClosures(s);
		const kept = sioClosures(keep);
		const codes = closeCodes(y);
		expect(
			(await fetch(`${server.url}/api/session`, { method: 'DELETE', headers: mine.headers })).status
		).toBe(204);
		await eventually(() => sio.disconnects.length > 0 && codes.length > 0, 5000, 'closed');
		expect(sio.closed[0]?.reason).toBe('unauthenticated');
		expect(codes[0]).toBe(4401);
		await new Promise((r) => setTimeout(r, 300));
		expect(kept.disconnects).toEqual([]);
	});

	it('closes live connections with session-expired when the session reaches its expiry', async () => {
		// Long enough to log in and connect on a busy machine; the sweep closes within a second of it.
		server = await startTestServer({ ...ADHOC_ROOMS, SESSION_MAX_AGE_MS: '4000' });
		const sess = await server.login('chaotian');
		const s = connectSio(server.url, 'room-i', { headers: { cookie: sess.cookie } });
		const y = connectYws(server.url, 'room-i', { token: await server.token('chaotian') });
		clients.push(s, y);
		await Promise.all([waitForSioSync(s), waitForSync(y.provider)]);
		const sio = sioClosures(s);
		const codes = closeCodes(y);
		await eventually(() => sio.disconnects.length > 0 && codes.length > 0, 10_000, 'closed at expiry');
		expect(sio.closed[0]?.reason).toBe('session-expired');
		expect(codes[0]).toBe(4402);
	});
});
