import { afterEach, describe, expect, it } from 'vitest';
import { loginAt } from '../helpers/auth.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const json = { 'content-type': 'application/json' };

async function postLogin(
	url: string,
	body: unknown,
	headers: Record<string, string> = json
): Promise<Response> {
	return fetch(`${url}/api/session`, { method: 'POST', headers, body: JSON.stringify(body) });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('login sessions', () => {
	let server: TestServer | undefined;
	afterEach(async () => {
		await server?.dispose();
		server = undefined;
	});

	it('logs a demo user in with an HttpOnly SameSite=Lax cookie and answers who they are', async () => {
		server = await startTestServer();
		const res = await postLogin(server.url, { username: 'water', password: 'sitroom-demo' });
		expect(res.status).toBe(200);
		const setCookie = res.headers.get('set-cookie') ?? '';
		expect(setCookie).toMatch(/^sitroom_session=[A-Za-z0-9_-]{20,};/);
		expect(setCookie).toMatch(/HttpOnly/i);
		expect(setCookie).toMatch(/SameSite=Lax/i);
		expect(setCookie).not.toMatch(/Secure/i);
		const body = (await res.json()) as { user: Record<string, unknown>; csrfToken: string };
		expect(body.user).toMatchObject({
			username: 'water',
			role: 'agency',
			orgId: 'dept-water',
			orgName: '区水利局'
		});
		expect(body.csrfToken.length).toBeGreaterThan(20);

		const me = await fetch(`${server.url}/api/session`, { headers: { cookie: setCookie.split(';')[0]! } });
		expect(me.status).toBe(200);
		const meBody = (await me.json()) as { user: { township: string | null }; csrfToken: string };
		expect(meBody.csrfToken).toBe(body.csrfToken);
		expect(meBody.user.township).toBeNull();

		const township = await loginAt(server.url, 'field1');
		const fieldMe = (await (
			await fetch(`${server.url}/api/session`, { headers: { cookie: township.cookie } })
		).json()) as {
			user: { township: string; orgId: string };
		};
		expect(fieldMe.user).toMatchObject({ township: '510812100', orgId: 'twp-510812100-squad' });
	});

	it('marks the cookie Secure when COOKIE_SECURE is set', async () => {
		server = await startTestServer({ COOKIE_SECURE: '1' });
		const res = await postLogin(server.url, { username: 'leader', password: 'sitroom-demo' });
		expect(res.headers.get('set-cookie')).toMatch(/; Secure/i);
	});

	it('refuses a wrong password and an unknown user with the same named error', async () => {
		server = await startTestServer();
		const wrong = await postLogin(server.url, { username: 'commander', password: 'not-the-password' });
		const unknown = await postLogin(server.url, { username: 'nobody-here', password: 'not-the-password' });
		expect(wrong.status).toBe(401);
		expect(unknown.status).toBe(401);
		const a = (await wrong.json()) as Record<string, unknown>;
		const b = (await unknown.json()) as Record<string, unknown>;
		expect(a).toEqual({ error: 'invalid-credentials', message: 'wrong username or password' });
		expect(b).toEqual(a);
		expect(wrong.headers.get('set-cookie')).toBeNull();
	});

	it('answers 401 unauthenticated without a session and after logout', async () => {
		server = await startTestServer();
		const anon = await fetch(`${server.url}/api/session`);
		expect(anon.status).toBe(401);
		expect(((await anon.json()) as { error: string }).error).toBe('unauthenticated');

		const s = await server.login('commander');
		const out = await fetch(`${server.url}/api/session`, { method: 'DELETE', headers: s.headers });
		expect(out.status).toBe(204);
		expect(out.headers.get('set-cookie')).toMatch(/sitroom_session=;/);
		const after = await fetch(`${server.url}/api/session`, { headers: { cookie: s.cookie } });
		expect(after.status).toBe(401);
	});

	it('refuses state-changing calls without the CSRF token of the session', async () => {
		server = await startTestServer();
		const s = await server.login('commander');
		const noToken = await fetch(`${server.url}/api/tokens`, {
			method: 'POST',
			headers: { cookie: s.cookie, ...json },
			body: '{}'
		});
		expect(noToken.status).toBe(403);
		expect(((await noToken.json()) as { error: string }).error).toBe('csrf-token-invalid');
		const other = await server.login('leader');
		const wrongToken = await fetch(`${server.url}/api/session`, {
			method: 'DELETE',
			headers: { cookie: s.cookie, 'x-csrf-token': other.csrfToken }
		});
		expect(wrongToken.status).toBe(403);
		// The refused logout did not log out.
		expect((await fetch(`${server.url}/api/session`, { headers: { cookie: s.cookie } })).status).toBe(200);
		const ok = await fetch(`${server.url}/api/tokens`, { method: 'POST', headers: s.headers, body: '{}' });
		expect(ok.status).toBe(201);
	});

	it('accepts login only as JSON and only from its own origin', async () => {
		server = await startTestServer();
		const form = await fetch(`${server.url}/api/session`, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: 'username=commander&password=sitroom-demo'
		});
		expect(form.status).toBe(415);
		expect(((await form.json()) as { error: string }).error).toBe('unsupported-media-type');
		const cross = await postLogin(
			server.url,
			{ username: 'commander', password: 'sitroom-demo' },
			{ ...json, origin: 'https://evil.example' }
		);
		expect(cross.status).toBe(403);
		expect(((await cross.json()) as { error: string }).error).toBe('forbidden-origin');
		const same = await postLogin(
			server.url,
			{ username: 'commander', password: 'sitroom-demo' },
			{ ...json, origin: server.url }
		);
		expect(same.status).toBe(200);
	});

	it('rate-limits failed logins per account with 429 and Retry-After, even with the right password', async () => {
		server = await startTestServer({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_WINDOW_MS: '60000' });
		for (let i = 0; i < 3; i++) {
			expect((await postLogin(server.url, { username: 'chaotian', password: `guess-${i}` })).status).toBe(
				401
			);
		}
		const limited = await postLogin(server.url, { username: 'chaotian', password: 'sitroom-demo' });
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
		expect(((await limited.json()) as { error: string }).error).toBe('too-many-login-attempts');
		// Other accounts are not affected by this account's limit.
		expect((await postLogin(server.url, { username: 'datan', password: 'sitroom-demo' })).status).toBe(200);
	});

	it('rate-limits failed logins per address across accounts', async () => {
		server = await startTestServer({ LOGIN_MAX_FAILURES_PER_ADDRESS: '4', LOGIN_WINDOW_MS: '60000' });
		for (const u of ['a1', 'a2', 'a3', 'a4']) {
			expect((await postLogin(server.url, { username: u, password: 'wrong-password' })).status).toBe(401);
		}
		const limited = await postLogin(server.url, { username: 'commander', password: 'sitroom-demo' });
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
	});

	it('ends a session at its absolute expiry', async () => {
		server = await startTestServer({ SESSION_MAX_AGE_MS: '3000' });
		const s = await server.login('commander');
		expect((await fetch(`${server.url}/api/session`, { headers: { cookie: s.cookie } })).status).toBe(200);
		await sleep(3200);
		const after = await fetch(`${server.url}/api/session`, { headers: { cookie: s.cookie } });
		expect(after.status).toBe(401);
		expect((await after.json()) as unknown).toMatchObject({
			error: 'unauthenticated',
			reason: 'session-expired'
		});
	});

	it('ends an idle session but keeps an active one alive', async () => {
		server = await startTestServer({ SESSION_IDLE_MS: '3000' });
		const busy = await server.login('commander');
		const idle = await server.login('leader');
		const t0 = Date.now();
		// Generous margins: the machine running the tests may be busy.
		while (Date.now() - t0 < 3600) {
			await sleep(300);
			expect((await fetch(`${server.url}/api/session`, { headers: { cookie: busy.cookie } })).status).toBe(
				200
			);
		}
		expect((await fetch(`${server.url}/api/session`, { headers: { cookie: idle.cookie } })).status).toBe(401);
	});

	it('re-issues the session cookie periodically; the old one works only for a short grace', async () => {
		server = await startTestServer({ SESSION_ROTATE_MS: '500', SESSION_ROTATE_GRACE_MS: '2000' });
		const s = await server.login('commander');
		await sleep(600);
		const res = await fetch(`${server.url}/api/session`, { headers: { cookie: s.cookie } });
		expect(res.status).toBe(200);
		const renewed = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
		expect(renewed).toMatch(/^sitroom_session=/);
		expect(renewed).not.toBe(s.cookie);
		// Same session (same CSRF token), new secret.
		expect(((await res.json()) as { csrfToken: string }).csrfToken).toBe(s.csrfToken);
		expect((await fetch(`${server.url}/api/session`, { headers: { cookie: s.cookie } })).status).toBe(200);
		await sleep(2200);
		expect((await fetch(`${server.url}/api/session`, { headers: { cookie: s.cookie } })).status).toBe(401);
		expect((await fetch(`${server.url}/api/session`, { headers: { cookie: renewed } })).status).toBe(200);
	});

	it('starts a new session on every login and ends the one the browser held', async () => {
		server = await startTestServer();
		const first = await server.login('commander');
		const again = await postLogin(
			server.url,
			{ username: 'commander', password: 'sitroom-demo' },
			{ ...json, cookie: first.cookie }
		);
		expect(again.status).toBe(200);
		const second = (again.headers.get('set-cookie') ?? '').split(';')[0]!;
		expect(second).not.toBe(first.cookie);
		expect((await fetch(`${server.url}/api/session`, { headers: { cookie: first.cookie } })).status).toBe(
			401
		);
		expect((await fetch(`${server.url}/api/session`, { headers: { cookie: second } })).status).toBe(200);
	});
});
