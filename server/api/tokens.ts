/**
 * POST /api/tokens: a short-lived token for the y-websocket endpoint (`/yjs/<room>?token=…`),
 * for scripts and standard Yjs clients that cannot send the session cookie. Optionally
 * limited to one room. The token ends with the session that issued it.
 */
import { Router } from 'express';
import { RealtimeTokenRequestSchema, type RealtimeToken } from '#domain/api/tokens';
import type { Identity } from '../identity/identity.ts';
import { authOf, requireActor } from './session-middleware.ts';
import { parseBody } from './validate.ts';

export function tokensRouter(identity: Identity): Router {
	const r = Router();
	r.post('/tokens', requireActor(), (req, res) => {
		const body = parseBody(RealtimeTokenRequestSchema, req);
		const { token, expiresAt } = identity.tokens.issue(authOf(res)!.session.id, body?.room);
		const answer: RealtimeToken = {
			token,
			expiresAt,
			ttlMs: identity.tokens.ttlMs,
			...(body?.room ? { room: body.room } : {})
		};
		res.status(201).json(answer);
	});
	return r;
}
