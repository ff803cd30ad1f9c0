/**
 * Position tracks (server/positions/tracks.ts):
 *
 *   POST /api/incidents/:id/positions   { fixes }  the caller's own fixes → { stored, duplicates, refused }
 *   GET  /api/incidents/:id/tracks?hours=&userId=   every track of the window, to anyone who reads the incident
 *
 * An incident the caller may not read is the same 404 as one that does not exist
 * (incident-access.ts); the whole-request refusals are named (POSITION_REFUSALS), and so is each
 * refused fix in the answer (FIX_REFUSALS).
 */
import { Router } from 'express';
import { z } from 'zod';
import { ApiError } from '#domain/api/errors';
import { IncidentIdSchema } from '#domain/api/incidents';
import { PostFixesSchema, TrackQuerySchema } from '#domain/api/positions';
import type { ReadAccess } from '../incidents/room-access.ts';
import { TrackRefusedError, type PositionTracks, type TrackRefusal } from '../positions/tracks.ts';
import { readableOr404 } from './incident-access.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseBody, parseParams, parseQuery } from './validate.ts';

const STATUS: Readonly<Record<TrackRefusal, number>> = {
	'positions-not-allowed': 403,
	'incident-closed': 409,
	'too-many-fixes': 413
};

const params = z.object({ id: IncidentIdSchema });

export function positionsRouter(deps: { access: ReadAccess; tracks: PositionTracks }): Router {
	const r = Router();

	r.post('/incidents/:id/positions', requireActor(), async (req, res) => {
		const { id } = parseParams(params, req);
		const actor = actorOf(res);
		const incident = await readableOr404(deps.access, actor, id);
		try {
			// Who may first, so a viewer hears why, whatever the body holds.
			deps.tracks.checkRight(actor, incident);
			const body = parseBody(PostFixesSchema, req);
			res.json(await deps.tracks.record(actor, id, incident, body.fixes));
		} catch (err) {
			if (err instanceof TrackRefusedError) throw new ApiError(STATUS[err.code], err.code, err.message);
			throw err;
		}
	});

	r.get('/incidents/:id/tracks', requireActor(), async (req, res) => {
		const { id } = parseParams(params, req);
		const q = parseQuery(TrackQuerySchema, req);
		await readableOr404(deps.access, actorOf(res), id);
		res.json(await deps.tracks.tracks(id, q));
	});

	return r;
}
