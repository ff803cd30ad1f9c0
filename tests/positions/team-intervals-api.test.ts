/**
 * Each team's position-sharing interval over REST against a real server (demo accounts): a
 * commander sets any team's, a township officer their township's teams' (the team's leader), and
 * everyone signed in reads them back with who chose each and when. Refusals are named: a field
 * member or another township's officer (team-interval-not-allowed), a value not offered
 * (interval-not-offered), an unknown organisation (team-not-found), not logged in, a malformed body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSession } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let server: TestServer;
let field1: TestSession;
let commander: TestSession;
let chaotian: TestSession;
let datan: TestSession;
let field1Team = '';
let field2Team = '';

async function me(s: TestSession): Promise<{ id: string; orgId: string }> {
	const res = await fetch(`${server.url}/api/session`, { headers: { cookie: s.cookie } });
	return ((await res.json()) as { user: { id: string; orgId: string } }).user;
}

beforeAll(async () => {
	server = await startTestServer();
	let field2: TestSession;
	[field1, field2, commander, chaotian, datan] = await Promise.all([
		server.login('field1'),
		server.login('field2'),
		server.login('commander'),
		server.login('chaotian'),
		server.login('datan')
	]);
	field1Team = (await me(field1)).orgId;
	field2Team = (await me(field2)).orgId;
});
afterAll(async () => {
	await server?.dispose();
});

async function put(
	session: TestSession | null,
	orgId: string,
	body: unknown
): Promise<{ status: number; body: Record<string, unknown> }> {
	const res = await fetch(`${server.url}/api/teams/${encodeURIComponent(orgId)}/share-interval`, {
		method: 'PUT',
		headers: session ? session.headers : { 'content-type': 'application/json' },
		body: JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function intervals(session: TestSession): Promise<Array<Record<string, unknown>>> {
	const res = await fetch(`${server.url}/api/teams/share-intervals`, { headers: { cookie: session.cookie } });
	expect(res.status).toBe(200);
	return ((await res.json()) as { intervals: Array<Record<string, unknown>> }).intervals;
}

describe('team share intervals over REST', () => {
	it('knows none at first', async () => {
		expect(await intervals(field1)).toEqual([]);
	});

	it('lets the team’s township officer and a commander set it; everyone reads it with who and when', async () => {
		const byTown = await put(chaotian, field1Team, { intervalMs: 10_000 });
		expect(byTown.status).toBe(200);
		expect(byTown.body).toMatchObject({
			orgId: field1Team,
			intervalMs: 10_000,
			setBy: (await me(chaotian)).id
		});
		const byCommander = await put(commander, field2Team, { intervalMs: 300_000 });
		expect(byCommander.status).toBe(200);
		const read = await intervals(field1);
		expect(read.map((r) => [r.orgId, r.intervalMs]).sort()).toEqual(
			[
				[field1Team, 10_000],
				[field2Team, 300_000]
			].sort()
		);
		expect(Number.isNaN(Date.parse(String(read[0]!.setAt)))).toBe(false);
	});

	it('refuses a field member, another township’s officer, a value not offered and an unknown team, by name', async () => {
		expect(await put(field1, field1Team, { intervalMs: 60_000 })).toMatchObject({
			status: 403,
			body: { error: 'team-interval-not-allowed' }
		});
		expect(await put(datan, field1Team, { intervalMs: 60_000 })).toMatchObject({
			status: 403,
			body: { error: 'team-interval-not-allowed' }
		});
		expect(await put(commander, field1Team, { intervalMs: 1234 })).toMatchObject({
			status: 400,
			body: { error: 'interval-not-offered' }
		});
		expect(await put(commander, 'org-nobody', { intervalMs: 60_000 })).toMatchObject({
			status: 404,
			body: { error: 'team-not-found' }
		});
		expect((await put(commander, field1Team, { intervalMs: 'often' })).status).toBe(400);
		expect((await put(null, field1Team, { intervalMs: 60_000 })).status).toBe(401);
		// Nothing of it changed the team's interval.
		expect((await intervals(commander)).find((r) => r.orgId === field1Team)?.intervalMs).toBe(10_000);
	});
});
