/**
 * What every panel of the incident room shares: the live connection and document, the reactive
 * model of it, who is acting, the organisation directory, the selection and map picking.
 * Set once by the page, read by the panels with `roomContext()`.
 */
import { getContext, setContext } from 'svelte';
import type { Actor, OrgDirectory } from '$lib/domain/actor';
import type { IncidentDoc, LonLat } from '$lib/domain/incident-doc';
import type { RoomConnection } from '$lib/realtime/room-connection.svelte';
import type { RoomModel } from '$lib/state/room-model.svelte';
import type { Selection } from '$lib/state/selection.svelte';

export interface RoomContext {
	readonly incidentId: string;
	readonly conn: RoomConnection;
	readonly model: RoomModel;
	/** The typed document; a getter because the connection replaces its doc after a refusal. */
	readonly doc: IncidentDoc;
	readonly actor: Actor;
	/**
	 * Whether this user may change anything in the incident now (the policy's mayChangeIncident:
	 * a closed incident is read-only to everyone but commanders). Every editing control asks it
	 * before asking the policy about its own change.
	 */
	readonly writable: boolean;
	readonly orgs: OrgDirectory;
	readonly selection: Selection;
	/** Asks the user to click a point on the room's map; null if they cancel. */
	pickOnMap(): Promise<LonLat | null>;
}

const KEY = Symbol('incident-room');

export function setRoomContext(ctx: RoomContext): void {
	setContext(KEY, ctx);
}

export function roomContext(): RoomContext {
	const ctx = getContext<RoomContext | undefined>(KEY);
	if (!ctx) throw new Error('roomContext() used outside the incident room page');
	return ctx;
}
