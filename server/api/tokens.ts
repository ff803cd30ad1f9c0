/**
 * POST /api/tokens: a short-lived token for the y-websocket endpoint (`/yjs/<room>?token=…`),
 * for scripts and standard Yjs clients that cannot send the session cookie. Optionally
 * limited to one room. The token ends with the session that issued it.
 */
import { Router } from 'express';
import { z } from 'zod';
import { isValidRoomName } from '#domain/protocol';
import type { Identity } from '../identity/identity.ts';
import { authOf, requireActor } from '../identity/middleware.ts';
import { parseBody } from './validate.ts';

const tokenBody = z
	.object({
		room: z.string().refine(isValidRoomName, 'not a valid room name').optional()
	})
	.strict()
	.optional();

export function tokensRouter(identity: Identity): Router {
	const r = Router();
	r.post('/tokens', requireActor(), (req, res) => {
		const body = parseBody(tokenBody, req);
		const { token, expiresAt } = identity.tokens.issue(authOf(res)!.session.id, body?.room);
		res
			.status(201)
			.json({ token, expiresAt, ttlMs: identity.tokens.ttlMs, ...(body?.room ? { room: body.room } : {}) });
	});
	return r;
}
