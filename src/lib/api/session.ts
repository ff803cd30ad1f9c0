/**
 * The session API (POST/GET/DELETE /api/session): who is logged in, with the CSRF token that
 * state-changing calls must echo as `x-csrf-token`.
 */
import type { Actor } from '$lib/domain/actor';
import { ApiError } from '$lib/domain/api/errors';
import type { Login, Session } from '$lib/domain/api/session';
import type { PublicUser } from '$lib/domain/api/users';
import { api, setCsrfToken } from './client.ts';

export function actorOf(user: PublicUser): Actor {
	return { userId: user.id, role: user.role, orgId: user.orgId, township: user.township };
}

/** The current session, or null when nobody is logged in. */
export async function fetchSession(): Promise<Session | null> {
	try {
		const s = await api.get<Session>('/api/session');
		setCsrfToken(s.csrfToken);
		return s;
	} catch (err) {
		if (err instanceof ApiError && (err.status === 401 || err.status === 404)) return null;
		throw err;
	}
}

export async function login(username: string, password: string): Promise<Session> {
	const s = await api.post<Session>('/api/session', { username, password } satisfies Login);
	setCsrfToken(s.csrfToken);
	return s;
}

export async function logout(): Promise<void> {
	try {
		await api.delete<unknown>('/api/session');
	} finally {
		setCsrfToken(null);
	}
}
