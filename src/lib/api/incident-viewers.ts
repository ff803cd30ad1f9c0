/**
 * Which viewer accounts (leaders' screens) an incident is shared with; commanders only.
 * Grants are by username because only admins may list users.
 */
import { api } from './client.ts';

export interface ViewerGrant {
	userId: string;
	username: string | null;
	displayName: string | null;
	grantedBy: string | null;
	grantedAt: string;
}

type Payload = { viewers: ViewerGrant[] };
const base = (incidentId: string) => `/api/incidents/${encodeURIComponent(incidentId)}/viewers`;

export async function listViewers(incidentId: string): Promise<ViewerGrant[]> {
	return (await api.get<Payload>(base(incidentId))).viewers;
}

export async function shareWith(incidentId: string, username: string): Promise<ViewerGrant[]> {
	return (await api.post<Payload>(base(incidentId), { username })).viewers;
}

export async function unshare(incidentId: string, userId: string): Promise<ViewerGrant[]> {
	return (await api.delete<Payload>(`${base(incidentId)}/${encodeURIComponent(userId)}`)).viewers;
}
