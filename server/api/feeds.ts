/**
 * Video-feed health on demand: `POST /api/incidents/:id/feeds/check` checks every feed of one
 * incident now (the "check now" button; the periodic checker does the same every interval) and
 * answers with the results. The results are also written into the incident document.
 */
import { Router } from 'express';
import { z } from 'zod';
import { IncidentIdSchema } from '#domain/api/incidents';
import type { FeedHealthMonitor } from '../feeds/feed-health-monitor.ts';
import type { ReadAccess } from '../incidents/room-access.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { readableOr404 } from './incident-access.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseParams } from './validate.ts';

export interface FeedsApiDeps {
	access: ReadAccess;
	registry: RoomRegistry;
	monitor: FeedHealthMonitor;
	/** Whether the operator allowed any host at all (the UI explains why everything is unknown). */
	checksEnabled: boolean;
}

const idParams = z.object({ id: IncidentIdSchema });

export function feedsRouter(deps: FeedsApiDeps): Router {
	const r = Router();
	// Viewers watch; asking the server to contact cameras is for the people working the incident.
	const workers = requireActor(['commander', 'agency', 'township', 'field']);

	r.post('/incidents/:id/feeds/check', workers, async (req, res) => {
		const { id } = parseParams(idParams, req);
		await readableOr404(deps.access, actorOf(res), id);
		await deps.registry.open(id);
		const checks = await deps.monitor.checkIncident(id);
		res.json({ checksEnabled: deps.checksEnabled, checks });
	});

	return r;
}
