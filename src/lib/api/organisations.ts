/**
 * The organisation tree as the UI needs it: names for ids (who wrote this, whose task is it)
 * and the teams a task can be assigned to.
 */
import type { FlatOrganisation, OrganisationList } from '$lib/domain/api/organisations';
import { api } from './client.ts';

export async function listOrganisations(): Promise<FlatOrganisation[]> {
	return (await api.get<OrganisationList>('/api/organisations?format=flat')).organisations;
}
