/**
 * Coordinate reference systems at the edge of the map.
 *
 * Everything Sitroom stores is WGS84 (EPSG:4326; CGCS2000 is within centimetres of it). Some tile
 * sources (Amap/Gaode, Tencent) draw their maps in GCJ-02, shifted by some 400–500 m around
 * Chaotian. When such a base layer is shown, vector features are converted to GCJ-02 for display
 * only, and drawn or edited shapes are converted back before they are written. Nothing is ever
 * stored converted.
 */
import gcoord from 'gcoord';
import type { Geometry, LonLat } from '$lib/domain/incident-doc';

export const DISPLAY_CRS = ['wgs84', 'gcj02'] as const;
export type DisplayCrs = (typeof DISPLAY_CRS)[number];

/** Stored WGS84 → the coordinates of the active base layer. */
export function toDisplay(lonLat: LonLat, crs: DisplayCrs): LonLat {
	if (crs === 'wgs84') return lonLat;
	const [lon, lat] = gcoord.transform(lonLat, gcoord.WGS84, gcoord.GCJ02) as [number, number];
	return [lon, lat];
}

/**
 * Coordinates on the active base layer → WGS84, for storing.
 *
 * gcoord's inverse is an approximation (up to ~7 cm here). Every edit made on a GCJ-02 layer
 * reads the whole shape back, so that error would creep into unmoved vertices edit after edit;
 * a few fixed-point steps (w ← w − (gcj(w) − g)) bring it below a millimetre.
 */
export function fromDisplay(lonLat: LonLat, crs: DisplayCrs): LonLat {
	if (crs === 'wgs84') return lonLat;
	let [lon, lat] = gcoord.transform(lonLat, gcoord.GCJ02, gcoord.WGS84) as [number, number];
	for (let i = 0; i < 3; i++) {
		const [glon, glat] = toDisplay([lon, lat], 'gcj02');
		lon -= glon - lonLat[0];
		lat -= glat - lonLat[1];
	}
	return [lon, lat];
}

/** Applies a position transform to every position of a geometry, returning a new geometry. */
export function mapGeometry(g: Geometry, fn: (p: LonLat) => LonLat): Geometry {
	switch (g.type) {
		case 'Point':
			return { type: 'Point', coordinates: fn(g.coordinates) };
		case 'LineString':
			return { type: 'LineString', coordinates: g.coordinates.map(fn) };
		case 'Polygon':
			return { type: 'Polygon', coordinates: g.coordinates.map((ring) => ring.map(fn)) };
	}
}

/** Distance in metres between two WGS84 positions (haversine; good to ~0.5 % for our use). */
export function distanceMetres(a: LonLat, b: LonLat): number {
	const R = 6_371_008.8;
	const rad = Math.PI / 180;
	const dLat = (b[1] - a[1]) * rad;
	const dLon = (b[0] - a[0]) * rad;
	const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
	return 2 * R * Math.asin(Math.sqrt(h));
}

/** A WGS84 position as shown to people: 6 decimals (~0.1 m), longitude first. */
export function formatLonLat([lon, lat]: LonLat): { lon: string; lat: string } {
	return { lon: lon.toFixed(6), lat: lat.toFixed(6) };
}
