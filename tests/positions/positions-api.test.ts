/**
 * Position tracks over REST against a real server (the demo incident): a field member's fixes are
 * stored as theirs (whatever the body says) with their device times, a retried batch stores
 * nothing twice, and the map's window returns each person's track oldest first. Refusals are
 * named: per fix (not on the earth, far from the district, ahead of the server's clock, too old;
 * the rest of the batch stands), and for the whole request (a leader, an administrator, not
 * logged in, an incident one may not read, too many fixes, a malformed body).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FIXES_PER_POST } from '../../src/lib/domain/api/positions.ts';
import type { TestSession } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const INCIDENT = 'inc-demo-jialing';
/** Near 朝天镇, inside the district. */
const HERE: [number, number] = [105.89, 32.64];

let server: TestServer;
let field1: TestSession;
let field2: TestSession;
let commander: TestSession;
let leader: TestSession;
let admin: TestSession;
const ids: Record<string, string> = {};

async function me(s: TestSession): Promise<{ id: string; orgId: string }> {
	const res = await fetch(`${server.url}/api/session`, { headers: { cookie: s.cookie } });
	return ((await res.json()) as { user: { id: string; orgId: string } }).user;
}

beforeAll(async () => {
	server = await startTestServer();
	[field1, field2, commander, leader, admin] = await Promise.all([
		server.login('field1'),
		server.login('field2'),
		server.login('commander'),
		server.login('leader'),
		server.login('admin')
	]);
	for (const [name, s] of Object.entries({ field1, field2 })) {
		const u = await me(s);
		ids[name] = u.id;
		ids[`${name}Org`] = u.orgId;
	}
});
afterAll(async () => {
	await server?.dispose();
});

async function post(
	session: TestSession | null,
	body: unknown,
	incident = INCIDENT
): Promise<{ status: number; body: Record<string, unknown> }> {
	const res = await fetch(`${server.url}/api/incidents/${incident}/positions`, {
		method: 'POST',
		headers: session ? session.headers : { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface TracksBody {
	tracks: Array<{
		userId: string;
		orgId: string;
		fixes: Array<{ at: string; lonLat: number[]; accuracy: number | null }>;
	}>;
	truncated: boolean;
}
async function tracks(session: TestSession, query = ''): Promise<{ status: number; body: TracksBody }> {
	const res = await fetch(`${server.url}/api/incidents/${INCIDENT}/tracks${query}`, {
		headers: { cookie: session.cookie }
	});
	return { status: res.status, body: (await res.json()) as TracksBody };
}

const minutesAgo = (m: number) => Date.now() - m * 60_000;

describe('recording fixes', () => {
	it('stores a field member’s fixes as theirs, with the device times, and shows them as their track', async () => {
		const t1 = minutesAgo(30);
		const t2 = minutesAgo(20);
		const t3 = minutesAgo(10);
		const r = await post(field1, {
			fixes: [
				{ at: new Date(t2).toISOString(), lonLat: [HERE[0] + 0.01, HERE[1]], accuracy: 12 },
				{ at: t1, lonLat: HERE, userId: 'someone-else', orgId: 'another-org' },
				{ at: t3, lonLat: [HERE[0] + 0.02, HERE[1]], accuracy: null }
			]
		});
		expect(r).toEqual({ status: 200, body: { stored: 3, duplicates: 0, refused: [] } });
		const read = await tracks(commander, `?userId=${ids.field1}`);
		expect(read.status).toBe(200);
		expect(read.body.tracks).toEqual([
			{
				userId: ids.field1,
				orgId: ids.field1Org,
				fixes: [
					{ at: new Date(t1).toISOString(), lonLat: HERE, accuracy: null },
					{ at: new Date(t2).toISOString(), lonLat: [HERE[0] + 0.01, HERE[1]], accuracy: 12 },
					{ at: new Date(t3).toISOString(), lonLat: [HERE[0] + 0.02, HERE[1]], accuracy: null }
				]
			}
		]);
	});

	it('stores nothing twice when a batch is sent again (a retry whose answer was lost)', async () => {
		const batch = {
			fixes: [
				{ at: minutesAgo(50), lonLat: HERE },
				{ at: minutesAgo(49), lonLat: HERE }
			]
		};
		expect((await post(field2, batch)).body).toEqual({ stored: 2, duplicates: 0, refused: [] });
		expect((await post(field2, batch)).body).toEqual({ stored: 0, duplicates: 2, refused: [] });
		const read = await tracks(field1, `?userId=${ids.field2}`);
		expect(read.body.tracks[0]!.fixes.filter((f) => Date.parse(f.at) <= minutesAgo(48))).toHaveLength(2);
	});

	it('names each refused fix and stores the others', async () => {
		const good = minutesAgo(5);
		const r = await post(field1, {
			fixes: [
				{ at: good, lonLat: HERE },
				{ at: minutesAgo(4), lonLat: [200, 32] },
				{ at: minutesAgo(3), lonLat: [0, 0] },
				{ at: Date.now() + 3_600_000, lonLat: HERE },
				{ at: minutesAgo(73 * 60), lonLat: HERE }
			]
		});
		expect(r.status).toBe(200);
		expect(r.body.stored).toBe(1);
		expect(
			(r.body.refused as Array<{ index: number; error: string }>).map((x) => [x.index, x.error])
		).toEqual([
			[1, 'fix-not-on-earth'],
			[2, 'fix-far-from-district'],
			[3, 'fix-in-future'],
			[4, 'fix-too-old']
		]);
	});

	it('reads a window of the last hours only', async () => {
		await post(field2, { fixes: [{ at: minutesAgo(5 * 60), lonLat: HERE }] });
		const all = await tracks(commander, `?userId=${ids.field2}&hours=6`);
		const recent = await tracks(commander, `?userId=${ids.field2}&hours=1`);
		expect(all.body.tracks[0]!.fixes.length - recent.body.tracks[0]!.fixes.length).toBe(1);
		expect((await tracks(commander, '?hours=100')).status).toBe(400);
	});
});

describe('refusing a request', () => {
	const one = { fixes: [{ at: Date.now(), lonLat: HERE }] };

	it('refuses leaders and administrators (403 positions-not-allowed) and strangers (401)', async () => {
		expect(await post(leader, one)).toMatchObject({ status: 403, body: { error: 'positions-not-allowed' } });
		expect(await post(admin, one)).toMatchObject({ status: 403, body: { error: 'positions-not-allowed' } });
		expect((await post(null, one)).status).toBe(401);
		// The leader still reads the tracks of an incident they read.
		expect((await tracks(leader)).status).toBe(200);
	});

	it('answers an incident one may not read as not found (404)', async () => {
		expect(await post(field1, one, 'inc-no-such')).toMatchObject({
			status: 404,
			body: { error: 'incident-not-found' }
		});
	});

	it('refuses too many fixes at once (413 too-many-fixes) and a malformed body (400)', async () => {
		const many = {
			fixes: Array.from({ length: MAX_FIXES_PER_POST + 1 }, (_, i) => ({
				at: minutesAgo(i / 100),
				lonLat: HERE
			}))
		};
		expect(await post(field1, many)).toMatchObject({ status: 413, body: { error: 'too-many-fixes' } });
		expect(await post(field1, { fixes: [{ at: 'yesterday', lonLat: HERE }] })).toMatchObject({
			status: 400,
			body: { error: 'invalid-request' }
		});
		expect(await post(field1, { fixes: [] })).toMatchObject({
			status: 400,
			body: { error: 'invalid-request' }
		});
	});
});
