/**
 * Incidents as REST resources: list and filter the index, open an incident, read one row, and
 * manage which viewers (leaders' screens) an incident is shared with. The live state of an
 * incident is its Yjs document; level changes and closing are edits of its meta, not REST calls.
 *
 * Who may do what here:
 * - list / read: every signed-in user; a viewer only sees incidents shared with them, and is
 *   answered 404 for the others, as for ids that do not exist (server/api/incident-access.ts).
 * - open: `mayOpenIncident` in the shared policy (commander, agency, township); field members
 *   and viewers report into incidents, they do not declare them; admins manage accounts).
 * - share with viewers: commanders.
 */
import { Router } from 'express';
import { z } from 'zod';
import { ApiError } from '#domain/api/errors';
import {
	IncidentFilterSchema,
	IncidentIdSchema,
	newIncidentSchema,
	ViewerGrantRequestSchema,
	type ViewerGrant
} from '#domain/api/incidents';
import type { Jurisdiction } from '#domain/api/jurisdiction';
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

	const readable = (id: string, res: Parameters<typeof actorOf>[0]) =>
		readableOr404(deps.index, actorOf(res), id);

	r.get('/incidents', signedIn, async (req, res) => {
		const q = parseQuery(IncidentFilterSchema, req);
		const actor = actorOf(res);
		const incidents = await deps.index.list({
			...q,
			q: q.q || undefined,
			viewerUserId: actor.role === 'viewer' ? actor.userId : undefined
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
		if (user.role !== 'viewer') {
			// Every other role reads every incident already; a grant would mislead whoever reads the list.
			throw new ApiError(
				409,
				'not-a-viewer',
				`this user has the role ${user.role} and reads every incident already`
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
