/**
 * Express middleware for the REST API. `sessionMiddleware` runs first on /api: it resolves the
 * session cookie (re-issuing it when due) and enforces CSRF on state-changing calls. Routes
 * then say who may call them with `requireActor(roles?)`, which puts the caller in
 * `res.locals.actor`:
 *
 *   router.post('/incidents', requireActor(['commander']), (req, res) => { const a = actorOf(res); … });
 */
import { timingSafeEqual } from 'node:crypto';
import type { CookieOptions, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Actor } from '#domain/actor';
import type { Role } from '#domain/vocabulary';
import { readCookie, SESSION_COOKIE } from '../identity/cookies.ts';
import type { AuthFailure, Identity } from '../identity/identity.ts';
import type { Session } from '../identity/sessions.ts';
import type { User } from '../identity/users.ts';
import type { PeerIdentity } from '../rooms/peer.ts';

/** The caller of a request, as routes see it. */
export interface RequestActor extends Actor {
	username: string;
	displayName: string;
	orgName: string;
}

export interface RequestAuth {
	user: User;
	session: Session;
	identity: PeerIdentity;
}

export const CSRF_HEADER = 'x-csrf-token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function sessionCookieOptions(secure: boolean, expiresAt: number): CookieOptions {
	return { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: new Date(expiresAt) };
}

/** The authenticated session of this request, if any (set by sessionMiddleware). */
export function authOf(res: Response): RequestAuth | undefined {
	return res.locals.auth as RequestAuth | undefined;
}

/** The caller, inside a route guarded by requireActor. */
export function actorOf(res: Response): RequestActor {
	const a = res.locals.actor as RequestActor | undefined;
	if (!a) throw new Error('actorOf used on a route without requireActor');
	return a;
}

export function sessionMiddleware(identity: Identity): RequestHandler {
	return async (req: Request, res: Response, next: NextFunction) => {
		const secret = readCookie(req.headers.cookie, SESSION_COOKIE);
		if (secret) {
			const r = await identity.authenticateSecret(secret, true);
			if (r.ok) {
				res.locals.auth = {
					user: r.user,
					session: r.session,
					identity: identity.peerIdentity(r.user, r.session.id)
				} satisfies RequestAuth;
				if (r.reissued) {
					res.cookie(
						SESSION_COOKIE,
						r.reissued,
						sessionCookieOptions(identity.config.cookieSecure, r.session.expiresAt)
					);
				}
			} else {
				res.locals.authFailure = r.reason;
				res.clearCookie(SESSION_COOKIE, { path: '/' });
			}
		}
		const auth = authOf(res);
		// Login is exempt: it carries no session yet and is guarded by JSON + Origin instead.
		const isLogin = req.method === 'POST' && req.path === '/session';
		if (
			auth &&
			UNSAFE.has(req.method) &&
			!isLogin &&
			!csrfMatches(req.get(CSRF_HEADER), auth.session.csrfToken)
		) {
			res.status(403).json({
				error: 'csrf-token-invalid',
				message: `state-changing requests need the ${CSRF_HEADER} header from GET /api/session`
			});
			return;
		}
		next();
	};
}

function csrfMatches(given: string | undefined, expected: string): boolean {
	if (!given) return false;
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

const FAILURE_MESSAGES: Record<AuthFailure, string> = {
	unauthenticated: 'sign in first',
	'session-expired': 'the session expired; sign in again',
	'account-deactivated': 'this account is deactivated'
};

/** Answers 401 without a valid session and 403 when the caller's role is not among `roles`. */
export function requireActor(roles?: readonly Role[]): RequestHandler {
	return (_req: Request, res: Response, next: NextFunction) => {
		const auth = authOf(res);
		if (!auth) {
			const reason = (res.locals.authFailure as AuthFailure | undefined) ?? 'unauthenticated';
			res.status(401).json({ error: 'unauthenticated', reason, message: FAILURE_MESSAGES[reason] });
			return;
		}
		const { userId, role, orgId, township, username, displayName, orgName } = auth.identity;
		if (roles && !roles.includes(role)) {
			res.status(403).json({ error: 'forbidden', message: `this needs the role ${roles.join(' or ')}` });
			return;
		}
		res.locals.actor = {
			userId,
			role,
			orgId,
			township,
			username,
			displayName,
			orgName
		} satisfies RequestActor;
		next();
	};
}
