/**
 * The jurisdiction as data: the district, its townships with their seats and villages, and the
 * bounding box incident locations must fall in. Read once from the jurisdiction directory
 * (JURISDICTION_DIR), so another county runs the same code with its own files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Jurisdiction } from '#domain/api/jurisdiction';
import type { LonLat } from '#domain/incident-doc';

/** Incidents just over the district line (a river upstream, a neighbouring pass) still count. */
const BBOX_MARGIN_DEG = 0.2;

const DivisionsFile = z.object({
	district: z.object({ code: z.string(), name: z.string() }),
	townships: z.array(
		z.object({
			code: z.string(),
			name: z.string(),
			kind: z.string(),
			villages: z.array(z.object({ code: z.string(), name: z.string(), kind: z.string() }))
		})
	)
});

const position = z.tuple([z.number(), z.number()]).rest(z.number());
const SeatsFile = z.object({
	features: z.array(
		z.object({
			properties: z.object({ code: z.string() }).passthrough(),
			geometry: z.object({ type: z.literal('Point'), coordinates: position }).nullable()
		})
	)
});

const BoundaryFile = z.object({
	features: z.array(z.object({ geometry: z.object({ type: z.string(), coordinates: z.unknown() }) })).min(1)
});

export class JurisdictionError extends Error {
	override readonly name = 'JurisdictionError';
}

export function loadJurisdiction(dir: string): Jurisdiction {
	const divisions = readJson(dir, 'divisions_2023.json', DivisionsFile);
	const seats = readJson(dir, 'township_seats.wgs84.geojson', SeatsFile);
	const boundary = readJson(dir, 'district_boundary.wgs84.geojson', BoundaryFile);

	const seatByCode = new Map<string, LonLat>();
	for (const f of seats.features) {
		if (f.geometry) seatByCode.set(f.properties.code, [f.geometry.coordinates[0], f.geometry.coordinates[1]]);
	}
	const box = [Infinity, Infinity, -Infinity, -Infinity] as [number, number, number, number];
	for (const f of boundary.features) extend(box, f.geometry.coordinates);
	if (!Number.isFinite(box[0]))
		throw new JurisdictionError(`no coordinates in ${dir}/district_boundary.wgs84.geojson`);

	return {
		name: divisions.district.name,
		district: divisions.district,
		townships: divisions.townships.map((t) => ({
			code: t.code,
			name: t.name,
			kind: t.kind,
			seat: seatByCode.get(t.code) ?? null,
			villages: t.villages
		})),
		bbox: [
			box[0] - BBOX_MARGIN_DEG,
			box[1] - BBOX_MARGIN_DEG,
			box[2] + BBOX_MARGIN_DEG,
			box[3] + BBOX_MARGIN_DEG
		]
	};
}

function readJson<T>(dir: string, file: string, schema: z.ZodType<T>): T {
	const p = path.join(dir, file);
	let raw: unknown;
	try {
		raw = JSON.parse(fs.readFileSync(p, 'utf8'));
	} catch (err) {
		throw new JurisdictionError(`cannot read ${p}: ${String(err)}`);
	}
	const parsed = schema.safeParse(raw);
	if (!parsed.success)
		throw new JurisdictionError(`${p} is not in the expected shape: ${parsed.error.message}`);
	return parsed.data;
}

/** Widens the box by every [lon, lat] in nested GeoJSON coordinate arrays. */
function extend(box: [number, number, number, number], coords: unknown): void {
	if (!Array.isArray(coords)) return;
	if (typeof coords[0] === 'number' && typeof coords[1] === 'number') {
		const [lon, lat] = coords as [number, number];
		box[0] = Math.min(box[0], lon);
		box[1] = Math.min(box[1], lat);
		box[2] = Math.max(box[2], lon);
		box[3] = Math.max(box[3], lat);
		return;
	}
	for (const c of coords) extend(box, c);
}
