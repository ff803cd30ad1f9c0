/**
 * Who may read which incident, for the realtime join and the REST routes alike, by the shared
 * rule (src/lib/domain/incident-reading.ts): every signed-in user of the district reads every
 * incident, viewers of the command centre included; other viewers read only the incidents they
 * were given (incident_viewers). A room that is not an incident is refused as not found, unless
 * ad hoc rooms are allowed (ALLOW_ADHOC_ROOMS: development, demos and the core's tests, which
 * sync arbitrary room names); viewers never join those.
 *
 * To a viewer, an incident it may not read and one that does not exist must look the same:
 * otherwise anyone with a leader's account could find out which incident ids exist. So both are
 * refused as not found, with the same words.
 *
 * Reading is all a join grants; what a member may change is the guard's business.
 */
import type { Actor, OrgDirectory } from '#domain/actor';
import type { IncidentSummary } from '#domain/api/incidents';
import { readsEveryIncident } from '#domain/incident-reading';
import { Close } from '#domain/protocol';
import type { RoomHooks } from '../rooms/hooks.ts';
import { refuseAndClose } from '../rooms/refusal.ts';
import type { IncidentRepository } from './incident-repository.ts';

export interface RoomAccessOptions {
	/** Asked at every join: the stored index, not a node's copy of it (another node may have opened it). */
	index: IncidentRepository;
	/** The organisation directory: whether a viewer is of the command centre. */
	orgs: OrgDirectory;
	allowAdhocRooms: boolean;
}

/** What deciding who reads an incident needs: the stored index and the organisations. */
export interface ReadAccess {
	index: IncidentRepository;
	orgs: OrgDirectory;
}

/** The one answer for an incident that does not exist and for one the caller may not read. */
export const NO_READABLE_INCIDENT = 'no incident with this id that you may read';

/** Whether the incident exists and the actor may read it; the two are never told apart. */
export async function mayRead(access: ReadAccess, actor: Actor, incidentId: string): Promise<boolean> {
	if (!(await access.index.exists(incidentId))) return false;
	return readsEveryIncident(actor, access.orgs) || access.index.isViewerOf(incidentId, actor.userId);
}

/** The incident's row if it exists and the actor may read it. */
export async function readableIncident(
	access: ReadAccess,
	actor: Actor,
	incidentId: string
): Promise<IncidentSummary | undefined> {
	return (await mayRead(access, actor, incidentId)) ? access.index.get(incidentId) : undefined;
}

export function roomAccessHooks(opts: RoomAccessOptions): RoomHooks {
	return {
		name: 'room-access',
		async onJoin({ room, peer }) {
			const actor = peer.identity;
			if (actor?.role === 'viewer') {
				if (!(await mayRead(opts, actor, room.name)))
					throw refuseAndClose(Close.RoomNotFound, NO_READABLE_INCIDENT);
				return;
			}
			if (!(await opts.index.exists(room.name))) {
				if (opts.allowAdhocRooms) return;
				throw refuseAndClose(Close.RoomNotFound, NO_READABLE_INCIDENT);
			}
			if (!actor) throw refuseAndClose(Close.Unauthenticated, 'sign in to join an incident');
		}
	};
}
