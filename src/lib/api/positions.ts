/**
 * Position tracks (src/lib/domain/api/positions.ts):
 *
 *   POST /api/incidents/:id/positions   the phone's own fixes, in batches, with their device times
 *   GET  /api/incidents/:id/tracks      every person's track of the last hours, for the map
 */
import {
	PostFixesAnswerSchema,
	TracksAnswerSchema,
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
