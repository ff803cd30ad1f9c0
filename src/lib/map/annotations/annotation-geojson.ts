/**
 * GeoJSON import and export of annotations.
 *
 * Import checks every feature and reports each one it cannot take, with its index and a reason
 * code (translated by the UI as `map.geojson.invalid.<reason>`); nothing is dropped silently.
 * Coordinates must be WGS84 lon/lat (RFC 7946); altitudes are dropped. Export writes what is
 * stored: WGS84, whatever base layer is on screen.
 */
import type { Annotation, Geometry, LonLat } from '$lib/domain/incident-doc';
import { ANNOTATION_KINDS, type AnnotationKind } from '$lib/domain/vocabulary';
import { en } from '../../i18n/en.ts';
import { zhCN } from '../../i18n/zh-CN.ts';

/** 10,000 annotations fit well inside the server's default 10 MiB message limit. */
export const MAX_IMPORT_FEATURES = 10_000;
const MAX_TEXT = 2_000;

export const INVALID_REASONS = [
	'not-feature',
	'missing-geometry',
	'unsupported-geometry',
	'bad-coordinates',
	'unknown-kind',
	'bad-properties'
] as const;
export type InvalidFeatureReason = (typeof INVALID_REASONS)[number];

/** What an imported feature contributes; authorship is added from the importing actor. */
export interface ImportedAnnotation {
	kind: AnnotationKind;
	label: string;
	note: string;
	geometry: Geometry;
}

export interface RejectedFeature {
	/** 1-based position in the file's `features`, as people count. */
	index: number;
	reason: InvalidFeatureReason;
	detail: string;
}

export type GeoJsonImportResult =
	| { ok: true; annotations: ImportedAnnotation[]; rejected: RejectedFeature[] }
	| { ok: false; error: 'not-json' | 'not-feature-collection' | 'too-many-features' };

export interface AnnotationFeature {
	type: 'Feature';
	id: string;
	geometry: Geometry;
	properties: Omit<Annotation, 'geometry'>;
}

export interface AnnotationFeatureCollection {
	type: 'FeatureCollection';
	features: AnnotationFeature[];
}

/** Kind codes, and their Chinese and English labels, so files from other tools can say "避难场所". */
const KIND_BY_NAME = new Map<string, AnnotationKind>();
for (const kind of ANNOTATION_KINDS) {
	KIND_BY_NAME.set(kind, kind);
	KIND_BY_NAME.set(zhCN[`annotationKind.${kind}`], kind);
	KIND_BY_NAME.set(en[`annotationKind.${kind}`].toLowerCase(), kind);
}

export function kindFromName(name: unknown): AnnotationKind | null {
	if (typeof name !== 'string') return null;
	const n = name.trim();
	return KIND_BY_NAME.get(n) ?? KIND_BY_NAME.get(n.toLowerCase()) ?? null;
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function position(p: unknown): LonLat | null {
	if (!Array.isArray(p) || p.length < 2) return null;
	const [lon, lat] = p as unknown[];
	if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat))
		return null;
	if (lon < -180 || lon > 180 || lat < -90 || lat > 90) return null;
	return [lon, lat];
}

function positions(list: unknown, min: number): LonLat[] | null {
	if (!Array.isArray(list) || list.length < min) return null;
	const out: LonLat[] = [];
	for (const p of list) {
		const q = position(p);
		if (!q) return null;
		out.push(q);
	}
	return out;
}

/** A geometry as annotations store it, or why it cannot be one. */
export function parseGeometry(g: unknown): Geometry | { reason: InvalidFeatureReason; detail: string } {
	if (g === null || g === undefined) return { reason: 'missing-geometry', detail: '' };
	if (!isObject(g) || typeof g.type !== 'string')
		return { reason: 'missing-geometry', detail: 'not an object' };
	switch (g.type) {
		case 'Point': {
			const p = position(g.coordinates);
			return p ? { type: 'Point', coordinates: p } : { reason: 'bad-coordinates', detail: 'Point' };
		}
		case 'LineString': {
			const ps = positions(g.coordinates, 2);
			return ps
				? { type: 'LineString', coordinates: ps }
				: { reason: 'bad-coordinates', detail: 'LineString needs at least 2 valid positions' };
		}
		case 'Polygon': {
			if (!Array.isArray(g.coordinates) || g.coordinates.length === 0)
				return { reason: 'bad-coordinates', detail: 'Polygon has no rings' };
			const rings: LonLat[][] = [];
			for (const r of g.coordinates) {
				const ring = positions(r, 4);
				if (!ring) return { reason: 'bad-coordinates', detail: 'a ring needs at least 4 valid positions' };
				const first = ring[0] as LonLat;
				const last = ring[ring.length - 1] as LonLat;
				if (first[0] !== last[0] || first[1] !== last[1])
					return { reason: 'bad-coordinates', detail: 'ring is not closed' };
				rings.push(ring);
			}
			return { type: 'Polygon', coordinates: rings };
		}
		default:
			return { reason: 'unsupported-geometry', detail: g.type };
	}
}

function text(v: unknown): string | null {
	if (v === undefined || v === null) return '';
	if (typeof v === 'number') return String(v);
	return typeof v === 'string' ? v.slice(0, MAX_TEXT) : null;
}

function parseFeature(f: unknown): ImportedAnnotation | { reason: InvalidFeatureReason; detail: string } {
	if (!isObject(f) || f.type !== 'Feature') return { reason: 'not-feature', detail: '' };
	const geometry = parseGeometry(f.geometry);
	if ('reason' in geometry) return geometry;
	const props = f.properties ?? {};
	if (!isObject(props)) return { reason: 'bad-properties', detail: 'properties is not an object' };
	const kind = kindFromName(props.kind);
	if (!kind) return { reason: 'unknown-kind', detail: String(props.kind ?? '') };
	const label = text(props.label ?? props.name);
	const note = text(props.note ?? props.description);
	if (label === null || note === null)
		return { reason: 'bad-properties', detail: 'label and note must be text' };
	return { kind, label, note, geometry };
}

/** Parses a GeoJSON file's text (a FeatureCollection, or a single Feature). */
export function parseAnnotationsGeoJson(input: string | unknown): GeoJsonImportResult {
	let data: unknown = input;
	if (typeof input === 'string') {
		try {
			data = JSON.parse(input);
		} catch {
			return { ok: false, error: 'not-json' };
		}
	}
	if (isObject(data) && data.type === 'Feature') data = { type: 'FeatureCollection', features: [data] };
	if (!isObject(data) || data.type !== 'FeatureCollection' || !Array.isArray(data.features))
		return { ok: false, error: 'not-feature-collection' };
	if (data.features.length > MAX_IMPORT_FEATURES) return { ok: false, error: 'too-many-features' };
	const annotations: ImportedAnnotation[] = [];
	const rejected: RejectedFeature[] = [];
	data.features.forEach((f, i) => {
		const r = parseFeature(f);
		if ('reason' in r) rejected.push({ index: i + 1, ...r });
		else annotations.push(r);
	});
	return { ok: true, annotations, rejected };
}

/** All annotations as a GeoJSON FeatureCollection (WGS84), ids and authorship included. */
export function annotationsToGeoJson(
	annotations: Iterable<Annotation & { id: string }>
): AnnotationFeatureCollection {
	const features: AnnotationFeature[] = [];
	for (const { id, geometry, ...properties } of annotations) {
		features.push({ type: 'Feature', id, geometry, properties });
	}
	return { type: 'FeatureCollection', features };
}
