/**
 * Who may join which room. An incident room may be joined by any signed-in user of the district
 * except viewers, who join only the incidents they were given (incident_viewers). A room that is
 * not an incident is refused as not found, unless ad hoc rooms are allowed (ALLOW_ADHOC_ROOMS:
 * development, demos and the core's tests, which sync arbitrary room names).
 *
 * Reading is all a join grants; what a member may change is the guard's business.
 */
import type { Actor } from '#domain/actor';
import { Close } from '#domain/protocol';
import type { RoomHooks } from '../rooms/hooks.ts';
import { refuseAndClose } from '../rooms/refusal.ts';
import type { IncidentIndex } from './incident-index.ts';

export interface RoomAccessOptions {
	index: IncidentIndex;
	allowAdhocRooms: boolean;
}

/** Why an actor may not read an incident, or null if they may. Shared by the REST routes. */
export function whyNotRead(index: IncidentIndex, actor: Actor, incidentId: string): string | null {
	if (actor.role !== 'viewer') return null;
	return index.isViewerOf(incidentId, actor.userId)
		? null
		: 'this incident has not been shared with your account';
}

export function roomAccessHooks(opts: RoomAccessOptions): RoomHooks {
	return {
		onJoin({ room, peer }) {
			if (!opts.index.has(room.name)) {
				if (opts.allowAdhocRooms) return;
				throw refuseAndClose(Close.RoomNotFound, `no incident ${room.name}`);
			}
			if (!peer.identity) throw refuseAndClose(Close.Unauthenticated, 'sign in to join an incident');
			const why = whyNotRead(opts.index, peer.identity, room.name);
			if (why) throw refuseAndClose(Close.Forbidden, why);
		}
	};
}
