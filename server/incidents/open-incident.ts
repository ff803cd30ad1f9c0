/**
 * Opening an incident: an index row and a new room document whose meta is written through the
 * room's durable pipeline, logged as a change by the user who opened it.
 *
 * Order matters: the row goes first so that the room's hooks know, from its first load, that it
 * is an incident (access checks, index sync). If the document cannot be written the row is
 * removed again, so the index never lists an incident without a document.
 */
import { randomBytes } from 'node:crypto';
import type { IncidentSummary, NewIncident } from '#domain/api/incidents';
import { IncidentDoc, type IncidentMeta } from '#domain/incident-doc';
import type { ActingFor } from '../rooms/origin.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { IncidentIndex } from './incident-index.ts';

/** `inc-` and 10 random base-32 characters: unguessable enough for a link, short enough to read. */
export function newIncidentId(): string {
	const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
	const bytes = randomBytes(10);
	let s = 'inc-';
	for (const b of bytes) s += alphabet[b % alphabet.length];
	return s;
}

export interface OpenIncidentDeps {
	registry: RoomRegistry;
	index: IncidentIndex;
}

export async function openIncident(
	deps: OpenIncidentDeps,
	input: NewIncident,
	by: ActingFor,
	id: string = newIncidentId()
): Promise<IncidentSummary> {
	const meta: IncidentMeta = { id, ...input, status: 'active' };
	await deps.index.insert(id, meta, by);
	try {
		const room = await deps.registry.open(id);
		await room.change((doc) => new IncidentDoc(doc).setMeta(meta), by);
	} catch (err) {
		await deps.index.remove(id);
		throw err;
	}
	return (await deps.index.get(id))!;
}
