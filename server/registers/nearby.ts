/**
 * What is free near a point (附近可用资源): standby teams, ready equipment with items not committed,
 * shelters with places left, each with its great-circle distance from the point, nearest first.
 * The rows come from the repository by a box around the point (an indexed query on both engines),
 * then the distance is computed here, on the server, and rows beyond the radius are dropped.
 * Rows without a position cannot be placed and are not listed.
 */
import type { NearbyAnswer, NearbyEntry, RegisterRow } from '#domain/api/registers';
import type { LonLat } from '#domain/incident-doc';
import type { OpenTaskIndex } from './open-tasks.ts';
import type { Registers } from './registers.ts';

const EARTH_RADIUS_KM = 6371.0088;
/** Rows read per register around one point; far more than a county's registers hold near one place. */
const MAX_CANDIDATES = 20_000;

/** Great-circle distance in km between two WGS84 points (haversine). */
export function distanceKm(a: LonLat, b: LonLat): number {
	const rad = Math.PI / 180;
	const dLat = (b[1] - a[1]) * rad;
	const dLon = (b[0] - a[0]) * rad;
	const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
	return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** [minLon, minLat, maxLon, maxLat] holding every point within `radiusKm` of `at`. */
export function boxAround(at: LonLat, radiusKm: number): [number, number, number, number] {
	const dLat = (radiusKm / (Math.PI * EARTH_RADIUS_KM)) * 180;
	const cos = Math.max(Math.cos((Math.min(89, Math.abs(at[1]) + dLat) * Math.PI) / 180), 1e-6);
	const dLon = Math.min(180, dLat / cos);
	return [at[0] - dLon, at[1] - dLat, at[0] + dLon, at[1] + dLat];
}

/** How much of a row is free: teams 1 or 0, equipment items, shelters places. */
export function freeOf(row: RegisterRow): number {
	switch (row.register) {
		case 'teams':
			return row.availability === 'standby' ? 1 : 0;
		case 'equipment':
			return row.data.status === 'ready' || row.data.status === undefined
				? Math.max(0, Number(row.data.quantity ?? 0) - (row.committed ?? 0))
				: 0;
		case 'shelters':
			return Math.max(0, Number(row.data.capacity ?? 0) - Number(row.data.occupancy ?? 0));
		default:
			return 0;
	}
}

export async function freeNearby(
	registers: Registers,
	at: LonLat,
	opts: { radiusKm: number; limit: number; tasks?: OpenTaskIndex }
): Promise<NearbyAnswer> {
	const box = boxAround(at, opts.radiusKm);
	const tasks = opts.tasks ?? (await registers.openTasks());
	const near = async (register: 'teams' | 'equipment' | 'shelters'): Promise<NearbyEntry[]> => {
		const { rows } = await registers.repo.list(register, { box, limit: MAX_CANDIDATES, offset: 0 });
		const entries: NearbyEntry[] = [];
		for (const row of await registers.answer(rows, tasks)) {
			if (row.lon === null || row.lat === null) continue;
			const d = distanceKm(at, [row.lon, row.lat]);
			const free = freeOf(row);
			if (d <= opts.radiusKm && free > 0) entries.push({ row, distanceKm: Math.round(d * 100) / 100, free });
		}
		entries.sort((x, y) => x.distanceKm - y.distanceKm || x.row.code.localeCompare(y.row.code));
		return entries.slice(0, opts.limit);
	};
	return {
		point: at,
		radiusKm: opts.radiusKm,
		teams: await near('teams'),
		equipment: await near('equipment'),
		shelters: await near('shelters')
	};
}
