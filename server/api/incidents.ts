/**
 * Incidents as REST resources: list and filter the index, open an incident, read one row, and
 * manage which viewers (leaders' screens) an incident is shared with. The live state of an
 * incident is its Yjs document; level changes and closing are edits of its meta, not REST calls.
 *
 * Who may do what here:
 * - list / read: every signed-in user; a viewer outside the command centre only sees incidents
 *   shared with them, and is answered 404 for the others, as for ids that do not exist
 *   (server/api/incident-access.ts; the rule: src/lib/domain/incident-reading.ts).
 * - open: `mayOpenIncident` in the shared policy (commander, agency, township); field members
 *   and viewers report into incidents, they do not declare them; admins manage accounts).
 * - share with viewers: commanders; only with viewers who do not read every incident already.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { OrgDirectory } from '#domain/actor';
import { ApiError } from '#domain/api/errors';
import {
	IncidentFilterSchema,
	IncidentIdSchema,
	newIncidentSchema,
	ViewerGrantRequestSchema,
	type ViewerGrant
} from '#domain/api/incidents';
import type { Jurisdiction } from '#domain/api/jurisdiction';
import { readsEveryIncident } from '#domain/incident-reading';
import { INCIDENT_OPENERS } from '#domain/policy';
import { Close } from '#domain/protocol';
import type { Role } from '#domain/vocabulary';
import type { IncidentIndex } from '../incidents/incident-index.ts';
import { openIncident } from '../incidents/open-incident.ts';
import type { Logger } from '../log.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import { readableOr404 } from './incident-access.ts';
import { actorOf, requireActor } from './session-middleware.ts';
import { parseBody, parseParams, parseQuery } from './validate.ts';

export interface IncidentsApiDeps {
	index: IncidentIndex;
	orgs: OrgDirectory;
	registry: RoomRegistry;
	jurisdiction: Jurisdiction;
	/** Looks a user up for viewer grants (names let the sharing dialog say who, not a uuid). */
	userById: (id: string) => Promise<ViewerRef | undefined>;
	userByUsername: (username: string) => Promise<ViewerRef | undefined>;
	log: Logger;
}

interface ViewerRef {
	id: string;
	role: Role;
	orgId: string;
	username?: string;
	displayName?: string;
}

const idParams = z.object({ id: IncidentIdSchema });
const viewerParams = z.object({ id: IncidentIdSchema, userId: z.string().min(1).max(128) });

export function incidentsRouter(deps: IncidentsApiDeps): Router {
	const r = Router();
	const openSchema = newIncidentSchema(deps.jurisdiction);
	const signedIn = requireActor();
	const commander = requireActor(['commander']);

	// Commanders cannot list users (admin only), so the grants carry the names they show.
	const viewersOf = async (id: string): Promise<ViewerGrant[]> =>
		Promise.all(
			(await deps.index.viewersOf(id)).map(async (v) => {
				const u = await deps.userById(v.userId);
				return { ...v, username: u?.username ?? null, displayName: u?.displayName ?? null };
			})
		);

	const readable = (id: string, res: Parameters<typeof actorOf>[0]) => readableOr404(deps, actorOf(res), id);

	r.get('/incidents', signedIn, async (req, res) => {
		const q = parseQuery(IncidentFilterSchema, req);
		const actor = actorOf(res);
		const incidents = await deps.index.list({
			...q,
			q: q.q || undefined,
			viewerUserId: readsEveryIncident(actor, deps.orgs) ? undefined : actor.userId
		});
		res.json({ incidents });
	});

	r.post('/incidents', requireActor(INCIDENT_OPENERS), async (req, res) => {
		const input = parseBody(openSchema, req);
		const actor = actorOf(res);
		const incident = await openIncident(deps, input, { userId: actor.userId, orgId: actor.orgId });
		deps.log.info({ incident: incident.id, by: actor.userId, type: incident.type }, 'incident opened');
		res.status(201).location(`/api/incidents/${incident.id}`).json({ incident });
	});

	r.get('/incidents/:id', signedIn, async (req, res) => {
		const { id } = parseParams(idParams, req);
		res.json({ incident: await readable(id, res) });
	});

	r.get('/incidents/:id/viewers', commander, async (req, res) => {
		const { id } = parseParams(idParams, req);
		await readable(id, res);
		res.json({ viewers: await viewersOf(id) });
	});

	r.post('/incidents/:id/viewers', commander, async (req, res) => {
		const { id } = parseParams(idParams, req);
		const body = parseBody(ViewerGrantRequestSchema, req);
		await readable(id, res);
		const user =
			'userId' in body ? await deps.userById(body.userId) : await deps.userByUsername(body.username);
		if (!user) throw new ApiError(404, 'user-not-found', 'no such user');
		// A grant to someone who reads every incident already would mislead whoever reads the list.
		if (user.role !== 'viewer') {
			throw new ApiError(
				409,
				'not-a-viewer',
				`this user has the role ${user.role} and reads every incident already`
			);
		}
		if (readsEveryIncident(user, deps.orgs)) {
			throw new ApiError(
				409,
				'reads-every-incident',
				'this viewer belongs to the command centre and reads every incident of the district already'
			);
		}
		await deps.index.grantViewer(id, user.id, actorOf(res).userId);
		res.status(201).json({ viewers: await viewersOf(id) });
	});

	r.delete('/incidents/:id/viewers/:userId', commander, async (req, res) => {
		const { id, userId } = parseParams(viewerParams, req);
		await readable(id, res);
		if (!(await deps.index.revokeViewer(id, userId))) {
			throw new ApiError(404, 'grant-not-found', 'this incident is not shared with that user');
		}
		// Revoking takes effect now: the viewer's open screens of this incident are closed.
		const room = deps.registry.get(id);
		for (const peer of room ? [...room.peers] : []) {
			if (peer.identity?.userId !== userId) continue;
			room!.leave(peer);
			peer.close(Close.Forbidden, 'this incident is no longer shared with your account');
		}
		res.json({ viewers: await viewersOf(id) });
	});

	return r;
}
