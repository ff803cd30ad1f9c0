/**
 * Each team's position-sharing interval (server/positions/team-intervals.ts):
 *
 *   GET /api/teams/share-intervals                         every team's chosen interval, to anyone signed in
 *   PUT /api/teams/:orgId/share-interval { intervalMs }    a commander's or the team leader's choice
 *
 * The refusals are named (TEAM_INTERVAL_REFUSALS).
 */
import { Router } from 'express';
import { z } from 'zod';
import { ApiError } from '#domain/api/errors';
import {
	SetTeamIntervalSchema,
	type TeamIntervalRefusal,
	type TeamIntervalsAnswer
} from '#domain/api/positions';
import { TeamIntervalRefusedError, type TeamIntervals } from '../positions/team-intervals.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseBody, parseParams } from './validate.ts';

const STATUS: Readonly<Record<TeamIntervalRefusal, number>> = {
	'team-interval-not-allowed': 403,
	'team-not-found': 404,
	'interval-not-offered': 400
};

const params = z.object({ orgId: z.string().min(1).max(80) });

export function teamIntervalsRouter(deps: { teamIntervals: TeamIntervals }): Router {
	const r = Router();

	r.get('/teams/share-intervals', requireActor(), async (_req, res) => {
		const answer: TeamIntervalsAnswer = { intervals: await deps.teamIntervals.all() };
		res.json(answer);
	});

	r.put('/teams/:orgId/share-interval', requireActor(), async (req, res) => {
		const { orgId } = parseParams(params, req);
		const body = parseBody(SetTeamIntervalSchema, req);
		try {
			res.json(await deps.teamIntervals.set(actorOf(res), orgId, body.intervalMs));
		} catch (err) {
			if (err instanceof TeamIntervalRefusedError)
				throw new ApiError(STATUS[err.code], err.code, err.message);
			throw err;
		}
	});

	return r;
}
