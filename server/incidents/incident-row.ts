/**
 * The incidents table's row as both engines return it (the same columns: epoch-millisecond times,
 * townships as JSON text) and its mapping to the API's summary, once for SQLite and PostgreSQL.
 */
import type { IncidentSummary } from '#domain/api/incidents';
import type { IncidentStatus, IncidentType, ResponseLevel, Severity } from '#domain/vocabulary';
import type { IndexedMeta } from './incident-repository.ts';

export interface IncidentRow {
	id: string;
	name: string;
	type: string;
	severity: string;
	level: string;
	status: string;
	townships: string;
	lon: number | null;
	lat: number | null;
	occurred_at: string;
	created_by: string | null;
	created_org_id: string | null;
	created_at: number;
	updated_at: number;
	closed_at: number | null;
}

export function sameIncidentMeta(s: IncidentSummary, m: IndexedMeta): boolean {
	return (
		s.name === m.name &&
		s.type === m.type &&
		s.severity === m.severity &&
		s.level === m.level &&
		s.status === m.status &&
		s.occurredAt === m.occurredAt &&
		JSON.stringify(s.townships) === JSON.stringify(m.townships) &&
		JSON.stringify(s.location) === JSON.stringify(m.location)
	);
}

export function incidentFromRow(r: IncidentRow): IncidentSummary {
	return {
		id: r.id,
		name: r.name,
		type: r.type as IncidentType,
		severity: r.severity as Severity,
		level: r.level as ResponseLevel,
		status: r.status as IncidentStatus,
		townships: JSON.parse(r.townships) as string[],
		location: r.lon !== null && r.lat !== null ? [r.lon, r.lat] : null,
		occurredAt: r.occurred_at,
		createdBy: r.created_by,
		createdOrgId: r.created_org_id,
		createdAt: new Date(r.created_at).toISOString(),
		updatedAt: new Date(r.updated_at).toISOString(),
		closedAt: r.closed_at === null ? null : new Date(r.closed_at).toISOString()
	};
}
