/**
 * The REST API's routers, in the order they are mounted under /api: the session middleware
 * first (every route asks who is calling, and it enforces CSRF), then one router per resource.
 */
import express, { type Router } from 'express';
import type { MapLayerConfig } from '#domain/map-layers';
import type { Role } from '#domain/vocabulary';
import { auditRouter } from '../api/audit.ts';
import { configRouter } from '../api/config.ts';
import { dispatchRouter } from '../api/dispatch.ts';
import { dutyRouter } from '../api/duty.ts';
import { feedsRouter } from '../api/feeds.ts';
import { incidentsRouter } from '../api/incidents.ts';
import { organisationsRouter } from '../api/organisations.ts';
import { registersRouter } from '../api/registers.ts';
import { photosRouter } from '../api/photos.ts';
import { positionsRouter } from '../api/positions.ts';
import { teamIntervalsRouter } from '../api/team-intervals.ts';
import { refusalsRouter } from '../api/refusals.ts';
import { sessionRouter } from '../api/session.ts';
import { sessionMiddleware } from '../api/session-middleware.ts';
import { tokensRouter } from '../api/tokens.ts';
import { townshipsRouter } from '../api/townships.ts';
import { usersRouter } from '../api/users.ts';
import { warningsRouter } from '../api/warnings.ts';
import { mayRead } from '../incidents/room-access.ts';
import type { Logger } from '../log.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { Services } from './services.ts';

export function restApi(deps: {
	services: Services;
	registry: RoomRegistry;
	mapLayers: readonly MapLayerConfig[];
	log: Logger;
}): Router[] {
	const { identity } = deps.services.identity;
	const { index, jurisdiction, monitor, feedChecksEnabled } = deps.services.incidents;
	const { registry } = deps;
	const log = deps.log.child({ module: 'incidents' });
	const access = { index, orgs: identity.orgs };
	const userRef = (
		u: { id: string; role: Role; orgId: string; username: string; displayName: string } | undefined
	) => u && { id: u.id, role: u.role, orgId: u.orgId, username: u.username, displayName: u.displayName };

	const sessions = express.Router();
	sessions.use(sessionMiddleware(identity));
	return [
		sessions,
		sessionRouter(identity),
		tokensRouter(identity),
		usersRouter(identity),
		organisationsRouter(identity),
		incidentsRouter({
			index,
			orgs: identity.orgs,
			registry,
			jurisdiction,
			userById: async (id) => userRef(await identity.users.byId(id)),
			userByUsername: async (name) => userRef(await identity.users.byUsername(name)),
			log
		}),
		feedsRouter({ access, registry, monitor, checksEnabled: feedChecksEnabled }),
		photosRouter({ access, photos: deps.services.photos }),
		positionsRouter({ access, tracks: deps.services.tracks }),
		teamIntervalsRouter({ teamIntervals: deps.services.teamIntervals }),
		refusalsRouter({
			access,
			refusals: deps.services.refusals,
			userName: async (id) => (await identity.users.byId(id))?.displayName
		}),
		configRouter({ mapLayers: deps.mapLayers, jurisdiction }),
		townshipsRouter({ index, registry, orgs: identity.orgs, jurisdiction }),
		// Before the registers' router: its /registers/:register would take `nearby` for a register.
		dispatchRouter({
			access,
			registers: deps.services.registers.registers,
			dispatch: deps.services.registers.dispatch
		}),
		registersRouter({
			registers: deps.services.registers.registers,
			check: deps.services.registers.check,
			userName: async (id) => (await identity.users.byId(id))?.displayName
		}),
		auditRouter({
			attribution: deps.services.guard.attribution,
			names: {
				userName: async (id) => (await identity.users.byId(id))?.displayName,
				orgName: (id) => identity.orgs.nameOf(id)
			},
			mayRead: (actor, id) => mayRead(access, actor, id)
		}),
		warningsRouter({ ...deps.services.warnings, orgs: identity.orgs }),
		dutyRouter({ roster: deps.services.warnings.roster, now: () => Date.now() })
	];
}
