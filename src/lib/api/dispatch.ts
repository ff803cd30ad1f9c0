/** Teams and equipment from the registers at work in an incident (server/api/dispatch.ts), typed from domain/api/registers.ts. */
import type { CommitBody, CommitmentEntry, CommitmentList, NearbyAnswer } from '$lib/domain/api/registers';
import type { LonLat } from '$lib/domain/incident-doc';
import { api } from './client.ts';

export type NearbyFrom = { point: LonLat } | { incidentId: string; taskId: string };

/** What is free near a point or a task's place; the server computes the distances. */
export function freeNearby(from: NearbyFrom, radiusKm: number, limit = 20): Promise<NearbyAnswer> {
	const q = new URLSearchParams({ radiusKm: String(radiusKm), limit: String(limit) });
	if ('point' in from) {
		q.set('lon', String(from.point[0]));
		q.set('lat', String(from.point[1]));
	} else {
		q.set('incident', from.incidentId);
		q.set('task', from.taskId);
	}
	return api.get<NearbyAnswer>(`/api/registers/nearby?${q}`);
}

const commitments = (incidentId: string) => `/api/incidents/${encodeURIComponent(incidentId)}/commitments`;

export async function committedIn(incidentId: string): Promise<CommitmentEntry[]> {
	return (await api.get<CommitmentList>(commitments(incidentId))).commitments;
}

/** Commits a team or equipment to a task in one step (a team with an organisation becomes the task's assignee). */
export async function commitToTask(incidentId: string, body: CommitBody): Promise<CommitmentEntry> {
	return (await api.post<{ commitment: CommitmentEntry }>(commitments(incidentId), body)).commitment;
}

export async function releaseCommitment(incidentId: string, commitmentId: string): Promise<void> {
	await api.delete<unknown>(`${commitments(incidentId)}/${encodeURIComponent(commitmentId)}`);
}
