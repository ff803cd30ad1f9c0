/**
 * Authentication of the realtime transports: the Socket.IO handshake and the y-websocket
 * upgrade carry the session cookie, or (y-websocket, for scripts and standard Yjs clients) a
 * short-lived `?token=` from POST /api/tokens. Cookie-authenticated handshakes must come from
 * our own origin: a browser sends cookies on cross-site WebSocket handshakes otherwise.
 */
import type { IncomingMessage } from 'node:http';
import type { Authenticate } from '../transport/authenticate.ts';
import { originAllowed, readCookie, SESSION_COOKIE } from './cookies.ts';
import type { Identity } from './identity.ts';

const Y_PATH = '/yjs/';

export function createTransportAuthenticate(identity: Identity): Authenticate {
	return async (req: IncomingMessage) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const token = url.searchParams.get('token');
		const room = url.pathname.startsWith(Y_PATH) ? safeDecode(url.pathname.slice(Y_PATH.length)) : null;
		let r;
		if (token) {
			r = await identity.authenticateToken(token, room);
		} else {
			const secret = readCookie(req.headers.cookie, SESSION_COOKIE);
			if (!secret)
				return { ok: false, reason: 'unauthenticated', message: 'sign in first (session cookie or ?token=)' };
			if (!originAllowed(header(req, 'origin'), header(req, 'host'), identity.config.trustedOrigins)) {
				return { ok: false, reason: 'unauthenticated', message: 'cross-origin connection refused' };
			}
			r = await identity.authenticateSecret(secret, false);
		}
		if (!r.ok) {
			const message =
				r.reason === 'session-expired'
					? 'the session expired; sign in again'
					: r.reason === 'account-deactivated'
						? 'this account is deactivated'
						: 'invalid or ended session or token';
			return { ok: false, reason: r.reason, message };
		}
		return { ok: true, identity: identity.peerIdentity(r.user, r.session.id) };
	};
}

function header(req: IncomingMessage, name: string): string | undefined {
	const v = req.headers[name];
	return Array.isArray(v) ? v[0] : v;
}

function safeDecode(s: string): string | null {
	try {
		return decodeURIComponent(s);
	} catch {
		return null;
	}
}
