/**
 * Incidents as REST resources: the list, one incident, opening a new one, and the jurisdiction
 * (townships and their seats) the form picks from. The live state of an incident is its Yjs
 * document, not this.
 */
import type { IncidentSummary, NewIncident } from '$lib/domain/api/incidents';
import type { Jurisdiction } from '$lib/domain/api/jurisdiction';
import { api } from './client.ts';

const one = (id: string) => `/api/incidents/${encodeURIComponent(id)}`;

export async function listIncidents(): Promise<IncidentSummary[]> {
	return (await api.get<{ incidents: IncidentSummary[] }>('/api/incidents')).incidents;
}

export async function getIncident(id: string): Promise<IncidentSummary> {
	return (await api.get<{ incident: IncidentSummary }>(one(id))).incident;
}

export async function openIncident(input: NewIncident): Promise<IncidentSummary> {
	return (await api.post<{ incident: IncidentSummary }>('/api/incidents', input)).incident;
}

export async function fetchJurisdiction(): Promise<Jurisdiction> {
	return api.get<Jurisdiction>('/api/jurisdiction');
}
