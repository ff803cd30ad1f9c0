/**
 * GET /api/incidents/:id/refusals against a real server: changes refused inside accepted updates
 * (two field members each move another team's task) are read back as recorded. The author reads
 * their own records only, a commander everyone's (and one author's with `userId`); anyone else
 * asking for another person's records is refused by name; an incident one may not read is 404;
 * `offset` pages through the records.
 */
import { io as ioClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncidentDoc } from '../../src/lib/domain/incident-doc.ts';
import { RoomConnection } from '../../src/lib/realtime/room-connection.svelte.ts';
import type { AppSocket } from '../../src/lib/realtime/sync-provider.ts';
import { loginAt, type TestSession } from '../helpers/auth.ts';
import { eventually } from '../helpers/clients.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const ROOM = 'inc-demo-jialing';
/** field1's team's task and field2's team's task in the demo scenario. */
const FIELD1_TASK = 'task-road-g108';
const FIELD2_TASK = 'task-datan-inspect';

interface Entry {
	userId: string | null;
	userName: string | null;
	collection: string;
	entityId: string | null;
	field: string | null;
	attempted: unknown;
	reason: string;
	deviceAt: string | null;
}

let server: TestServer;
const sockets: AppSocket[] = [];
const sessions: Record<string, TestSession> = {};
const ids: Record<string, string> = {};

async function refuseOne(username: string, task: string): Promise<void> {
	const s = sessions[username]!;
	const socket: AppSocket = ioClient(server.url, {
		transports: ['websocket'],
		extraHeaders: { cookie: s.cookie, origin: server.url },
		forceNew: true
	});
	sockets.push(socket);
	const conn = new RoomConnection(ROOM, socket);
	try {
		await eventually(() => conn.synced, 10_000, `${username} synced`);
		new IncidentDoc(conn.doc).patch('tasks', task, { status: 'done' });
		await eventually(() => conn.refusedChanges.length > 0, 10_000, `${username}'s change refused`);
		await eventually(() => !conn.unsaved, 10_000, 'saved');
	} finally {
		conn.destroy();
	}
}

async function get(username: string, query = '', incident = ROOM) {
	const res = await fetch(`${server.url}/api/incidents/${incident}/refusals${query}`, {
		headers: { cookie: sessions[username]!.cookie }
	});
	return {
		status: res.status,
		body: (await res.json()) as { refusals: Entry[]; next: number | null; error?: string }
	};
}

beforeAll(async () => {
	server = await startTestServer();
	for (const u of ['field1', 'field2', 'commander', 'leader', 'chaotian']) {
		sessions[u] = await loginAt(server.url, u);
		ids[u] = (await server.identity.users.byUsername(u))!.id;
	}
	await refuseOne('field1', FIELD2_TASK);
	await refuseOne('field2', FIELD1_TASK);
}, 60_000);

afterAll(async () => {
	for (const s of sockets) s.disconnect();
	await server?.dispose();
});

describe('GET /api/incidents/:id/refusals', () => {
	it('gives a commander every refused change, as recorded, with the author’s name', async () => {
		const r = await get('commander');
		expect(r.status).toBe(200);
		expect(r.body.next).toBeNull();
		expect(r.body.refusals.map((x) => [x.userId, x.collection, x.entityId, x.field, x.attempted])).toEqual([
			[ids.field1, 'tasks', FIELD2_TASK, 'status', 'done'],
			[ids.field2, 'tasks', FIELD1_TASK, 'status', 'done']
		]);
		expect(r.body.refusals[0]!.userName).toBeTruthy();
		expect(r.body.refusals[0]!.reason).not.toBe('');
		// Narrowed to one author.
		const one = await get('commander', `?userId=${ids.field2}`);
		expect(one.body.refusals.map((x) => x.userId)).toEqual([ids.field2]);
	});

	it('gives an author their own records only', async () => {
		const mine = await get('field1');
		expect(mine.status).toBe(200);
		expect(mine.body.refusals.map((x) => [x.userId, x.entityId])).toEqual([[ids.field1, FIELD2_TASK]]);
		expect((await get('field1', `?userId=${ids.field1}`)).body.refusals).toHaveLength(1);
		// Someone with none, and a leader, read an empty list.
		expect((await get('chaotian')).body.refusals).toEqual([]);
		expect((await get('leader')).body.refusals).toEqual([]);
	});

	it('refuses another person’s records to anyone but a commander (403 refusals-of-others)', async () => {
		const r = await get('field1', `?userId=${ids.field2}`);
		expect(r.status).toBe(403);
		expect(r.body.error).toBe('refusals-of-others');
	});

	it('answers an incident one may not read as not found, and a bad query as invalid', async () => {
		expect((await get('commander', '', 'inc-no-such')).status).toBe(404);
		expect((await get('commander', '?limit=0')).status).toBe(400);
		const unauthenticated = await fetch(`${server.url}/api/incidents/${ROOM}/refusals`);
		expect(unauthenticated.status).toBe(401);
	});

	it('pages with offset and limit, saying where the next page starts', async () => {
		const first = await get('commander', '?limit=1');
		expect(first.body.refusals.map((x) => x.userId)).toEqual([ids.field1]);
		expect(first.body.next).toBe(1);
		const second = await get('commander', '?limit=1&offset=1');
		expect(second.body.refusals.map((x) => x.userId)).toEqual([ids.field2]);
		const third = await get('commander', `?limit=1&offset=${second.body.next}`);
		expect(third.body.refusals).toEqual([]);
		expect(third.body.next).toBeNull();
	});
});
