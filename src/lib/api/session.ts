/**
 * The session API (POST/GET/DELETE /api/session): who is logged in, with the CSRF token that
 * state-changing calls must echo as `x-csrf-token`.
 */
import type { Actor, PublicUser } from '../domain/actor.ts';
import type { Role } from '../domain/vocabulary.ts';
import { api, ApiError, setCsrfToken } from './client.ts';

/** The signed-in user as the session API sends them. */
export type SessionUser = Omit<PublicUser, 'active'>;

export interface Session {
	user: SessionUser;
	csrfToken: string;
}

/** The server's payload, read defensively: field names have shifted while identity landed. */
interface SessionPayload {
	user?: Partial<SessionUser> & {
		name?: string;
		org?: { id?: string; name?: string; township?: string | null };
	};
	csrfToken?: string;
	csrf?: string;
}

export function toSession(p: SessionPayload): Session {
	const u = p.user ?? {};
	const user: SessionUser = {
		id: String(u.id ?? ''),
		username: String(u.username ?? ''),
		displayName: String(u.displayName ?? u.name ?? u.username ?? ''),
		role: (u.role ?? 'viewer') as Role,
		orgId: String(u.orgId ?? u.org?.id ?? ''),
		orgName: String(u.orgName ?? u.org?.name ?? ''),
		township: u.township ?? u.org?.township ?? null
	};
	return { user, csrfToken: String(p.csrfToken ?? p.csrf ?? '') };
}

export function actorOf(user: SessionUser): Actor {
	return { userId: user.id, role: user.role, orgId: user.orgId, township: user.township };
}

/** The current session, or null when nobody is logged in. */
export async function fetchSession(): Promise<Session | null> {
	try {
		const s = toSession(await api.get<SessionPayload>('/api/session'));
		setCsrfToken(s.csrfToken);
		return s;
	} catch (err) {
		if (err instanceof ApiError && (err.status === 401 || err.status === 404)) return null;
		throw err;
	}
}

export async function login(username: string, password: string): Promise<Session> {
	const s = toSession(await api.post<SessionPayload>('/api/session', { username, password }));
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
