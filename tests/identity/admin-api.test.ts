import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAt, type TestSession } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

interface ErrorBody {
	error: string;
	message: string;
	issues?: Array<{ path: string; message: string }>;
}

describe('user administration, organisations and API errors', () => {
	let server: TestServer;
	let admin: TestSession;
	let commander: TestSession;
	beforeAll(async () => {
		server = await startTestServer();
		admin = await server.login('admin');
		commander = await server.login('commander');
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const call = (method: string, path: string, session: TestSession | null, body?: unknown, raw?: string) =>
		fetch(`${server.url}/api${path}`, {
			method,
			headers: session ? session.headers : { 'content-type': 'application/json' },
			body: raw ?? (body === undefined ? undefined : JSON.stringify(body))
		});

	async function userId(username: string): Promise<string> {
		const { users } = (await (await call('GET', '/users', admin)).json()) as {
			users: Array<{ id: string; username: string }>;
		};
		return users.find((u) => u.username === username)!.id;
	}

	it('lists one demo account per role', async () => {
		const res = await call('GET', '/users', admin);
		expect(res.status).toBe(200);
		const { users } = (await res.json()) as { users: Array<Record<string, unknown>> };
		const roles = new Set(users.map((u) => u.role));
		expect([...roles].sort()).toEqual(['admin', 'agency', 'commander', 'field', 'township', 'viewer']);
		for (const u of users) expect(u).not.toHaveProperty('passwordHash');
		expect(JSON.stringify(users)).not.toMatch(/scrypt/);
	});

	it('refuses admin routes to other roles (403) and to strangers (401)', async () => {
		const id = await userId('field1');
		const routes: Array<[string, string, unknown]> = [
			['GET', '/users', undefined],
			[
				'POST',
				'/users',
				{ username: 'x1', displayName: 'x', orgId: 'dept-water', role: 'agency', password: 'long-enough-pw' }
			],
			['PATCH', `/users/${id}`, { active: false }],
			['POST', `/users/${id}/password`, { password: 'long-enough-pw' }]
		];
		for (const [method, path, body] of routes) {
			const forbidden = await call(method, path, commander, body);
			expect(forbidden.status, `${method} ${path}`).toBe(403);
			expect(((await forbidden.json()) as ErrorBody).error).toBe('forbidden');
			const stranger = await call(method, path, null, body);
			expect(stranger.status, `${method} ${path}`).toBe(401);
			expect(((await stranger.json()) as ErrorBody).error).toBe('unauthenticated');
		}
		// Nothing was changed by the refused calls.
		expect((await loginAt(server.url, 'field1')).cookie).toMatch(/^sitroom_session=/);
	});

	it('creates a user who can then log in, and refuses a taken username with 409', async () => {
		const body = {
			username: 'li.wei',
			displayName: '李伟',
			orgId: 'twp-510812105-squad',
			role: 'field',
			password: 'a-good-password'
		};
		const res = await call('POST', '/users', admin, body);
		expect(res.status).toBe(201);
		const { user } = (await res.json()) as { user: Record<string, unknown> };
		expect(user).toMatchObject({
			username: 'li.wei',
			role: 'field',
			orgName: '沙河镇应急分队',
			township: '510812105',
			active: true
		});
		await loginAt(server.url, 'li.wei', 'a-good-password');
		const again = await call('POST', '/users', admin, { ...body, username: 'LI.WEI' });
		expect(again.status).toBe(409);
		expect(((await again.json()) as ErrorBody).error).toBe('username-taken');
	});

	it('changes role, organisation and name, and resets a password (ending the old sessions)', async () => {
		const id = await userId('datan');
		const old = await loginAt(server.url, 'datan');
		const patched = await call('PATCH', `/users/${id}`, admin, {
			role: 'agency',
			orgId: 'dept-transport',
			displayName: '交通局值班员'
		});
		expect(patched.status).toBe(200);
		expect(((await patched.json()) as { user: Record<string, unknown> }).user).toMatchObject({
			role: 'agency',
			orgId: 'dept-transport',
			orgName: '区交通运输局',
			township: null
		});
		const reset = await call('POST', `/users/${id}/password`, admin, { password: 'the-new-password' });
		expect(reset.status).toBe(204);
		expect((await fetch(`${server.url}/api/session`, { headers: { cookie: old.cookie } })).status).toBe(401);
		await expect(loginAt(server.url, 'datan')).rejects.toThrow(/401/);
		await loginAt(server.url, 'datan', 'the-new-password');
	});

	it('keeps the last administrator: no self-deactivation, no demoting the only admin', async () => {
		const id = await userId('admin');
		const self = await call('PATCH', `/users/${id}`, admin, { active: false });
		expect(self.status).toBe(409);
		expect(((await self.json()) as ErrorBody).error).toBe('self-deactivation');
		const demote = await call('PATCH', `/users/${id}`, admin, { role: 'viewer' });
		expect(demote.status).toBe(409);
		expect(((await demote.json()) as ErrorBody).error).toBe('last-admin');
	});

	it('answers bad input on every identity route with 400 and the zod field paths', async () => {
		const id = await userId('leader');
		const cases: Array<{
			method: string;
			path: string;
			session: TestSession | null;
			body?: unknown;
			raw?: string;
			paths: string[];
		}> = [
			{
				method: 'POST',
				path: '/session',
				session: null,
				body: { username: '', password: 5 },
				paths: ['username', 'password']
			},
			{ method: 'POST', path: '/session', session: null, body: [], paths: [''] },
			{
				method: 'POST',
				path: '/tokens',
				session: commander,
				body: { room: '../etc', extra: 1 },
				paths: ['room', '']
			},
			{
				method: 'POST',
				path: '/users',
				session: admin,
				body: {
					username: 'bad name!',
					displayName: '',
					orgId: 'dept-water',
					role: 'king',
					password: 'short'
				},
				paths: ['username', 'displayName', 'role', 'password']
			},
			{
				method: 'POST',
				path: '/users',
				session: admin,
				body: {
					username: 'okname',
					displayName: 'x',
					orgId: 'village-510812100001',
					role: 'field',
					password: 'long-enough-pw'
				},
				paths: ['orgId']
			},
			{ method: 'PATCH', path: `/users/${id}`, session: admin, body: { active: 'no' }, paths: ['active'] },
			{ method: 'PATCH', path: `/users/${id}`, session: admin, body: {}, paths: [''] },
			{ method: 'PATCH', path: '/users/not-a-uuid', session: admin, body: { active: true }, paths: ['id'] },
			{
				method: 'POST',
				path: `/users/${id}/password`,
				session: admin,
				body: { password: 'short' },
				paths: ['password']
			},
			{ method: 'GET', path: '/organisations?format=xml', session: commander, paths: ['format'] }
		];
		for (const c of cases) {
			const res = await call(c.method, c.path, c.session, c.body, c.raw);
			const what = `${c.method} ${c.path} ${JSON.stringify(c.body)}`;
			expect(res.status, what).toBe(400);
			const body = (await res.json()) as ErrorBody;
			expect(body.error, what).toBe('invalid-request');
			expect(body.message.length, what).toBeGreaterThan(0);
			expect(body.issues?.map((i) => i.path).sort(), what).toEqual([...c.paths].sort());
		}
		const malformed = await call('POST', '/users', admin, undefined, '{"username": ');
		expect(malformed.status).toBe(400);
		expect(((await malformed.json()) as ErrorBody).error).toBe('malformed-json');
	});

	it('answers 404 for an unknown user and a JSON 404 for unknown API routes', async () => {
		const missing = await call('PATCH', '/users/00000000-0000-4000-8000-000000000000', admin, {
			active: true
		});
		expect(missing.status).toBe(404);
		expect(((await missing.json()) as ErrorBody).error).toBe('user-not-found');
		const unknown = await call('GET', '/no-such-thing', commander);
		expect(unknown.status).toBe(404);
		expect(unknown.headers.get('content-type')).toMatch(/application\/json/);
		expect(((await unknown.json()) as ErrorBody).error).toBe('not-found');
	});

	it('answers 413 for a body over the limit', async () => {
		const big = JSON.stringify({ username: 'x', password: 'y'.repeat(11 * 1024 * 1024) });
		const res = await call('POST', '/session', null, undefined, big);
		expect(res.status).toBe(413);
		expect(((await res.json()) as ErrorBody).error).toBe('payload-too-large');
	});

	it('returns the organisation tree: command centre, departments, 12 township platforms with teams and 139 villages', async () => {
		const res = await call('GET', '/organisations', commander);
		expect(res.status).toBe(200);
		interface Node {
			id: string;
			name: string;
			kind: string;
			township: string | null;
			code: string | null;
			children: Node[];
		}
		const { district, organisations } = (await res.json()) as {
			district: { code: string };
			organisations: Node[];
		};
		expect(district.code).toBe('510812');
		expect(organisations.map((o) => o.kind)).toEqual(['command_centre']);
		const centre = organisations[0]!;
		expect(centre.name).toBe('朝天区应急指挥中心');
		const names = centre.children.map((c) => c.name);
		for (const d of [
			'水利局',
			'公安分局',
			'林业局',
			'自然资源分局',
			'消防救援大队',
			'气象局',
			'交通运输局',
			'卫生健康局',
			'住房和城乡建设局'
		]) {
			expect(
				names.some((n) => n.endsWith(d)),
				d
			).toBe(true);
		}
		expect(names).toContain('区专业救援队');
		expect(names.filter((n) => n.startsWith('社会救援队伍')).length).toBeGreaterThan(0);
		const townships = centre.children.filter((c) => c.kind === 'township');
		expect(townships).toHaveLength(12);
		const chaotian = townships.find((t) => t.code === '510812100')!;
		expect(chaotian).toMatchObject({ name: '朝天镇指挥分平台', township: '510812100' });
		expect(chaotian.children.find((c) => c.kind === 'team')).toMatchObject({
			name: '朝天镇应急分队',
			township: '510812100'
		});
		const villages = townships.flatMap((t) => t.children.filter((c) => c.kind === 'village'));
		expect(villages).toHaveLength(139);
		expect(villages.every((v) => v.code?.startsWith(v.township!))).toBe(true);
		expect(chaotian.children.map((c) => c.name)).toContain('明月路社区');

		const flat = (await (await call('GET', '/organisations?format=flat', commander)).json()) as {
			organisations: Array<{ id: string; parentId: string | null }>;
		};
		expect(flat.organisations).toHaveLength(15 + 12 * 2 + 139);
	});

	it('refuses the organisation tree to strangers', async () => {
		expect((await call('GET', '/organisations', null)).status).toBe(401);
	});
});
