/**
 * Filtering the incident list in the page: by status, type, township and severity, and a search
 * by name. (The REST API's own filter is IncidentFilter in src/lib/domain/api/incidents.ts; the
 * page loads the list once and filters it here as the user types.)
 */
import type { IncidentSummary } from '$lib/domain/api/incidents';
import type { IncidentStatus, IncidentType, Severity } from '$lib/domain/vocabulary';

export interface IncidentListFilter {
	status: IncidentStatus;
	type: IncidentType | null;
	township: string | null;
	severity: Severity | null;
	/** Case-insensitive substring of the name; blank matches all. */
	search: string;
}

export const DEFAULT_INCIDENT_FILTER: IncidentListFilter = {
	status: 'active',
	type: null,
	township: null,
	severity: null,
	search: ''
};

export function filterIncidents(list: readonly IncidentSummary[], f: IncidentListFilter): IncidentSummary[] {
	const q = f.search.trim().toLocaleLowerCase();
	return list
		.filter(
			(i) =>
				i.status === f.status &&
				(f.type === null || i.type === f.type) &&
				(f.severity === null || i.severity === f.severity) &&
				(f.township === null || i.townships.includes(f.township)) &&
				(q === '' || i.name.toLocaleLowerCase().includes(q))
		)
		.sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
}
