/**
 * The organisation tree as the UI needs it: names for ids (who wrote this, whose task is it)
 * and the teams a task can be assigned to.
 */
import type { OrgInfo } from '../domain/actor.ts';
import { api } from './client.ts';

type Payload = OrgInfo[] | { organisations: OrgInfo[] };

export async function listOrganisations(): Promise<OrgInfo[]> {
	const p = await api.get<Payload>('/api/organisations?format=flat');
	return Array.isArray(p) ? p : p.organisations;
}
