/**
 * Login, who am I, logout: POST / GET / DELETE /api/session.
 * Login is protected against cross-site requests by requiring a JSON body (a cross-site form
 * cannot send one without a CORS preflight we never grant) and a same-site Origin.
 */
import { Router } from 'express';
import { ApiError } from '#domain/api/errors';
import { LoginSchema, type Session } from '#domain/api/session';
import { originAllowed, SESSION_COOKIE } from '../identity/cookies.ts';
import type { Identity } from '../identity/identity.ts';
import { authOf, requireActor, sessionCookieOptions } from './session-middleware.ts';
import { parseBody } from './validate.ts';

export function sessionRouter(identity: Identity): Router {
	const r = Router();

	r.post('/session', async (req, res) => {
		if (!req.is('application/json')) {
			throw new ApiError(
				415,
				'unsupported-media-type',
				'send the login as JSON (Content-Type: application/json)'
			);
		}
		if (!originAllowed(req.get('origin'), req.get('host'), identity.config.trustedOrigins)) {
			throw new ApiError(403, 'forbidden-origin', 'login from another site is refused');
		}
		const body = parseBody(LoginSchema, req);
		const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
		const result = await identity.login(body.username, body.password, address);
		if (!result.ok) {
			if (result.error === 'rate-limited') {
				const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
				res.setHeader('Retry-After', String(seconds));
				throw new ApiError(
					429,
					'too-many-login-attempts',
					`too many failed logins; try again in ${seconds} s`
				);
			}
			throw new ApiError(401, 'invalid-credentials', 'wrong username or password');
		}
		// A login always starts a new session; the one this browser held (if any) ends.
		const previous = authOf(res);
		if (previous) await identity.logout(previous.session.id);
		res.cookie(
			SESSION_COOKIE,
			result.secret,
			sessionCookieOptions(identity.config.cookieSecure, result.session.expiresAt)
		);
		res.json({
			user: identity.publicUser(result.user),
			csrfToken: result.session.csrfToken,
			expiresAt: result.session.expiresAt
		} satisfies Session);
	});

	r.get('/session', requireActor(), (_req, res) => {
		const auth = authOf(res)!;
		res.json({
			user: identity.publicUser(auth.user),
			csrfToken: auth.session.csrfToken,
			expiresAt: auth.session.expiresAt,
			idleTimeoutMs: identity.config.sessionIdleMs
		} satisfies Session);
	});

	r.delete('/session', requireActor(), async (_req, res) => {
		await identity.logout(authOf(res)!.session.id);
		res.clearCookie(SESSION_COOKIE, { path: '/' });
		res.status(204).end();
	});

	return r;
}
