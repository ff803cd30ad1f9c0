/**
 * Each team's latest position: the most recent fix of any of its members (the document's
 * `positions`, one per person, with the organisation they were in), for the team markers of the
 * room map and the leaders' screen.
 */
import type { Position } from '$lib/domain/incident-doc';

export interface TeamPosition {
	orgId: string;
	lonLat: [number, number];
	/** Device time of that fix, ISO-8601. */
	at: string;
	/** Whose fix it is. */
	userId: string;
	/** How many of its members have a position. */
	members: number;
}

export function latestByTeam(positions: Readonly<Record<string, Position>>): TeamPosition[] {
	const teams = new Map<string, TeamPosition>();
	for (const [userId, p] of Object.entries(positions)) {
		if (!p || typeof p.orgId !== 'string' || !p.orgId || !Array.isArray(p.lonLat)) continue;
		const t = Date.parse(p.at);
		if (!Number.isFinite(t)) continue;
		const was = teams.get(p.orgId);
		const members = (was?.members ?? 0) + 1;
		if (!was || t > Date.parse(was.at)) {
			teams.set(p.orgId, { orgId: p.orgId, lonLat: [p.lonLat[0], p.lonLat[1]], at: p.at, userId, members });
		} else {
			was.members = members;
		}
	}
	return [...teams.values()].sort((a, b) => (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0));
}
