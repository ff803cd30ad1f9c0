/**
 * Which viewer accounts (leaders' screens) an incident is shared with; commanders only.
 * Grants are by username because only admins may list users.
 */
import type { ViewerGrant, ViewerGrantRequest } from '$lib/domain/api/incidents';
import { api } from './client.ts';

type Payload = { viewers: ViewerGrant[] };
const base = (incidentId: string) => `/api/incidents/${encodeURIComponent(incidentId)}/viewers`;

export async function listViewers(incidentId: string): Promise<ViewerGrant[]> {
	return (await api.get<Payload>(base(incidentId))).viewers;
}

export async function shareWith(incidentId: string, username: string): Promise<ViewerGrant[]> {
	return (await api.post<Payload>(base(incidentId), { username } satisfies ViewerGrantRequest)).viewers;
}

export async function unshare(incidentId: string, userId: string): Promise<ViewerGrant[]> {
	return (await api.delete<Payload>(`${base(incidentId)}/${encodeURIComponent(userId)}`)).viewers;
}
