/**
 * GET /api/townships/:code/overview: a township's active incidents with the figures it still has
 * to report, and its teams' open tasks (server/incidents/township-overview.ts). A township duty
 * officer reads their own township's (403 `not-your-township` for another), a commander any;
 * an unknown code is 404 `township-not-found`.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { OrgDirectory } from '#domain/actor';
import { ApiError } from '#domain/api/errors';
import type { Jurisdiction } from '#domain/api/jurisdiction';
import type { IncidentRepository } from '../incidents/incident-repository.ts';
import { townshipOverview } from '../incidents/township-overview.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseParams } from './validate.ts';

const params = z.object({ code: z.string().min(1).max(32) });

export function townshipsRouter(deps: {
	index: IncidentRepository;
	registry: RoomRegistry;
	orgs: OrgDirectory;
	jurisdiction: Jurisdiction;
}): Router {
	const r = Router();
	const codes = new Set(deps.jurisdiction.townships.map((t) => t.code));

	r.get('/townships/:code/overview', requireActor(['township', 'commander']), async (req, res) => {
		const { code } = parseParams(params, req);
		const actor = actorOf(res);
		if (actor.role === 'township' && actor.township !== code) {
			throw new ApiError(
				403,
				'not-your-township',
				`a township duty officer reads their own township (${actor.township ?? 'none'})`
			);
		}
		if (!codes.has(code))
			throw new ApiError(404, 'township-not-found', `no township ${code} in this jurisdiction`);
		res.json(await townshipOverview(deps, code));
	});

	return r;
}
