/**
 * Who created each entity of an incident and who last changed it, and every change to one
 * entity, as the server's guard recorded them from accepted updates (clients cannot forge them).
 *
 *   GET /api/incidents/:id/attribution                         per entity: created / last changed
 *   GET /api/incidents/:id/audit?collection=tasks&entity=t1     every change to one entity, newest first
 */
import type {
	AttributedCollection,
	AuditEntry,
	IncidentAttribution,
	IncidentAudit
} from '$lib/domain/api/audit';
import { api } from './client.ts';

/** Who created an entity and who changed it last, as the entity's details show it. */
export interface ChangeStamp {
	userId: string | null;
	userName: string | null;
	at: string | null;
}

export interface Attribution {
	created: ChangeStamp | null;
	lastChanged: ChangeStamp | null;
}

const base = (incidentId: string) => `/api/incidents/${encodeURIComponent(incidentId)}`;

/** Attribution of every entity of an incident, keyed `collection/entityId`. */
export async function fetchAttributions(incidentId: string): Promise<Map<string, Attribution>> {
	const p = await api.get<IncidentAttribution>(`${base(incidentId)}/attribution`);
	const out = new Map<string, Attribution>();
	for (const row of p.entities) {
		out.set(`${row.collection}/${row.entityId ?? ''}`, {
			created:
				row.createdBy || row.createdAt
					? { userId: row.createdBy, userName: row.createdByName, at: row.createdAt }
					: null,
			lastChanged: { userId: row.lastChangedBy, userName: row.lastChangedByName, at: row.lastChangedAt }
		});
	}
	return out;
}

export async function fetchAttribution(
	incidentId: string,
	collection: AttributedCollection,
	id: string
): Promise<Attribution> {
	const all = await fetchAttributions(incidentId);
	return all.get(`${collection}/${id}`) ?? { created: null, lastChanged: null };
}

/** The query string of the audit page for one entity (the page is /incidents/<id>/audit). */
export function auditQuery(collection: AttributedCollection, id: string): string {
	return `?collection=${encodeURIComponent(collection)}&entity=${encodeURIComponent(id)}`;
}

export async function fetchAudit(
	incidentId: string,
	collection: AttributedCollection,
	id: string
): Promise<AuditEntry[]> {
	const p = await api.get<IncidentAudit>(`${base(incidentId)}/audit${auditQuery(collection, id)}`);
	return p.changes;
}
