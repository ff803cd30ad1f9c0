/**
 * The REST side of incident access (server/incidents/room-access.ts): every route taking an
 * incident id answers the same 404, with the same body, for an incident that does not exist and
 * for one the caller may not read, so that a viewer cannot find out which ids exist.
 */
import type { Actor } from '#domain/actor';
import { ApiError } from '#domain/api/errors';
import type { IncidentSummary } from '#domain/api/incidents';
import { NO_READABLE_INCIDENT, readableIncident, type ReadAccess } from '../incidents/room-access.ts';

export function incidentNotFound(): ApiError {
	return new ApiError(404, 'incident-not-found', NO_READABLE_INCIDENT);
}

/** The incident, or the 404 for one that does not exist or that the actor may not read. */
export async function readableOr404(access: ReadAccess, actor: Actor, id: string): Promise<IncidentSummary> {
	const incident = await readableIncident(access, actor, id);
	if (!incident) throw incidentNotFound();
	return incident;
}
