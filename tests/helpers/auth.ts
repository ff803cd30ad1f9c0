/**
 * Logging in from tests, against any running server (in-process or a child process): a demo
 * account's session cookie for Socket.IO (`connectSio(url, room, { headers: { cookie } })`)
 * and a realtime token for y-websocket (`connectYws(url, room, { token })`).
 */
import { DEFAULT_DEMO_PASSWORD } from '../../server/config.ts';

export interface TestSession {
	/** The Cookie header value: `sitroom_session=…`. */
	cookie: string;
	csrfToken: string;
	/** Headers for state-changing REST calls: cookie and CSRF token. */
	headers: Record<string, string>;
}

/** Logs in (demo accounts: admin, commander, water, chaotian, datan, field1, field2, leader). */
export async function loginAt(
	baseUrl: string,
	username: string,
	password = DEFAULT_DEMO_PASSWORD
): Promise<TestSession> {
	const res = await fetch(`${baseUrl}/api/session`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ username, password })
	});
	if (res.status !== 200) throw new Error(`login as ${username} failed: ${res.status} ${await res.text()}`);
	const setCookie = res.headers.get('set-cookie') ?? '';
	const cookie = setCookie.split(';')[0]!;
	const { csrfToken } = (await res.json()) as { csrfToken: string };
	return {
		cookie,
		csrfToken,
		headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }
	};
}

/** A short-lived y-websocket token for a logged-in session (optionally for one room). */
export async function realtimeTokenAt(baseUrl: string, session: TestSession, room?: string): Promise<string> {
	const res = await fetch(`${baseUrl}/api/tokens`, {
		method: 'POST',
		headers: session.headers,
		body: JSON.stringify(room ? { room } : {})
	});
	if (res.status !== 201) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
	return ((await res.json()) as { token: string }).token;
}

/** Sets a team's position-sharing interval as `session` (a commander or the team's leader). */
export async function setTeamIntervalAt(
	baseUrl: string,
	session: TestSession,
	orgId: string,
	intervalMs: number
): Promise<void> {
	const res = await fetch(`${baseUrl}/api/teams/${encodeURIComponent(orgId)}/share-interval`, {
		method: 'PUT',
		headers: session.headers,
		body: JSON.stringify({ intervalMs })
	});
	if (res.status !== 200) throw new Error(`team interval of ${orgId}: ${res.status} ${await res.text()}`);
}
