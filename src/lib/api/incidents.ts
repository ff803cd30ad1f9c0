/**
 * Incidents as REST resources: the list, opening a new one, and the jurisdiction (townships and
 * their seats) the form picks from. The live state of an incident is its Yjs document, not this.
 */
import type { IncidentMeta, LonLat } from '../domain/incident-doc.ts';
import type { IncidentType, ResponseLevel, Severity } from '../domain/vocabulary.ts';
import { api } from './client.ts';

export type IncidentSummary = IncidentMeta & { createdAt?: string; closedAt?: string | null };

export interface NewIncident {
	name: string;
	type: IncidentType;
	severity: Severity;
	level: ResponseLevel;
	townships: string[];
	location: LonLat | null;
	occurredAt: string;
}

export interface Township {
	code: string;
	name: string;
	/** The township government seat (镇政府驻地), WGS84. */
	seat: LonLat | null;
}

export interface Jurisdiction {
	name: string;
	townships: Township[];
}

type ListPayload = IncidentSummary[] | { incidents: IncidentSummary[] };

export async function listIncidents(): Promise<IncidentSummary[]> {
	const p = await api.get<ListPayload>('/api/incidents');
	return Array.isArray(p) ? p : p.incidents;
}

export async function getIncident(id: string): Promise<IncidentSummary> {
	const p = await api.get<IncidentSummary | { incident: IncidentSummary }>(
		`/api/incidents/${encodeURIComponent(id)}`
	);
	return 'incident' in p ? p.incident : p;
}

export async function openIncident(input: NewIncident): Promise<IncidentSummary> {
	const p = await api.post<IncidentSummary | { incident: IncidentSummary }>('/api/incidents', input);
	return 'incident' in p ? p.incident : p;
}

interface JurisdictionPayload {
	name?: string;
	district?: { name?: string };
	townships?: Array<{ code: string; name: string; seat?: LonLat | null; lonLat?: LonLat | null }>;
}

export async function fetchJurisdiction(): Promise<Jurisdiction> {
	const p = await api.get<JurisdictionPayload>('/api/jurisdiction');
	return {
		name: p.name ?? p.district?.name ?? '',
		townships: (p.townships ?? []).map((t) => ({
			code: t.code,
			name: t.name,
			seat: t.seat ?? t.lonLat ?? null
		}))
	};
}
