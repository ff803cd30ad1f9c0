/**
 * The organisation tree as the UI needs it: names for ids (who wrote this, whose task is it), the
 * teams a task can be assigned to, and for administrators the changes to it and their record.
 */
import type {
	FlatOrganisation,
	NewOrganisation,
	OrganisationChangeEntry,
	OrganisationChanges,
	OrganisationList
} from '$lib/domain/api/organisations';
import { api } from './client.ts';

/** Every organisation, deactivated ones included (marked), depth first. */
export async function listOrganisations(): Promise<FlatOrganisation[]> {
	return (await api.get<OrganisationList>('/api/organisations?format=flat')).organisations;
}

export async function createOrganisation(input: NewOrganisation): Promise<FlatOrganisation> {
	return (await api.post<{ organisation: FlatOrganisation }>('/api/organisations', input)).organisation;
}

export async function changeOrganisation(
	id: string,
	changes: OrganisationChanges
): Promise<FlatOrganisation> {
	return (
		await api.patch<{ organisation: FlatOrganisation }>(
			`/api/organisations/${encodeURIComponent(id)}`,
			changes
		)
	).organisation;
}

/** The newest changes first (administrators only). */
export async function organisationChanges(limit = 50): Promise<OrganisationChangeEntry[]> {
	return (await api.get<{ changes: OrganisationChangeEntry[] }>(`/api/organisations/changes?limit=${limit}`))
		.changes;
}
