/** What the field view's parts share: the incident, who acts, the live model and document, photos. */
import type { Actor, OrgDirectory } from '$lib/domain/actor';
import type { IncidentDoc } from '$lib/domain/incident-doc';
import type { PhotoUploader } from '$lib/field/photo-uploader.svelte';
import type { RoomModel } from '$lib/state/room-model.svelte';

export interface FieldRoom {
	readonly incidentId: string;
	readonly actor: Actor;
	readonly model: RoomModel;
	readonly uploader: PhotoUploader;
	/** A getter: the connection replaces its document after a refused change. */
	readonly doc: IncidentDoc;
	readonly orgs: OrgDirectory;
	/** Whether this person may change anything in the incident now (a closed one: no). */
	readonly writable: boolean;
}
