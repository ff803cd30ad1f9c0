/**
 * Position tracks (src/lib/domain/api/positions.ts):
 *
 *   POST /api/incidents/:id/positions   the phone's own fixes, in batches, with their device times
 *   GET  /api/incidents/:id/tracks      every person's track of the last hours, for the map
 *   GET  /api/teams/share-intervals     every team's chosen sharing interval
 *   PUT  /api/teams/:orgId/share-interval   a commander's or the team leader's choice
 */
import {
	PostFixesAnswerSchema,
	TeamIntervalSchema,
	TeamIntervalsAnswerSchema,
	TracksAnswerSchema,
	type TeamInterval,
	type FixInput,
	type PostFixesAnswer,
	type TracksAnswer
} from '$lib/domain/api/positions';
import { api } from './client.ts';

const base = (incidentId: string) => `/api/incidents/${encodeURIComponent(incidentId)}`;

export async function postFixes(incidentId: string, fixes: readonly FixInput[]): Promise<PostFixesAnswer> {
	return PostFixesAnswerSchema.parse(await api.post(`${base(incidentId)}/positions`, { fixes }));
}

export async function fetchTracks(incidentId: string, hours?: number): Promise<TracksAnswer> {
	const q = hours === undefined ? '' : `?hours=${hours}`;
	return TracksAnswerSchema.parse(await api.get(`${base(incidentId)}/tracks${q}`));
}

export async function fetchTeamIntervals(): Promise<TeamInterval[]> {
	return TeamIntervalsAnswerSchema.parse(await api.get('/api/teams/share-intervals')).intervals;
}

export async function setTeamInterval(orgId: string, intervalMs: number): Promise<TeamInterval> {
	return TeamIntervalSchema.parse(
		await api.put(`/api/teams/${encodeURIComponent(orgId)}/share-interval`, { intervalMs })
	);
}
