/**
 * Between stored GeoJSON geometries (WGS84 lon/lat) and OpenLayers geometries in the view
 * projection (EPSG:3857), through the display CRS of the active base layer (src/lib/geo/crs.ts).
 */
import type { Geometry as OlGeometry } from 'ol/geom.js';
import { LineString, Point, Polygon } from 'ol/geom.js';
import { fromLonLat, toLonLat } from 'ol/proj.js';
import type { Coordinate } from 'ol/coordinate.js';
import { fromDisplay, toDisplay, type DisplayCrs } from '../geo/crs.ts';
import type { Geometry, LonLat } from '$lib/domain/incident-doc';

export function lonLatToView(p: LonLat, crs: DisplayCrs): Coordinate {
	return fromLonLat(toDisplay(p, crs));
}

export function viewToLonLat(c: Coordinate, crs: DisplayCrs): LonLat {
	const [lon, lat] = toLonLat(c);
	// Six decimals is ~0.1 m: finer digits are noise from the pointer and only bloat the document.
	return fromDisplay([round6(lon ?? 0), round6(lat ?? 0)], crs).map(round6) as LonLat;
}

export function toOlGeometry(g: Geometry, crs: DisplayCrs): OlGeometry {
	switch (g.type) {
		case 'Point':
			return new Point(lonLatToView(g.coordinates, crs));
		case 'LineString':
			return new LineString(g.coordinates.map((p) => lonLatToView(p, crs)));
		case 'Polygon':
			return new Polygon(g.coordinates.map((ring) => ring.map((p) => lonLatToView(p, crs))));
	}
}

/** The stored form of a drawn or edited geometry; null for a type annotations do not use. */
export function fromOlGeometry(g: OlGeometry, crs: DisplayCrs): Geometry | null {
	if (g instanceof Point) return { type: 'Point', coordinates: viewToLonLat(g.getCoordinates(), crs) };
	if (g instanceof LineString)
		return { type: 'LineString', coordinates: g.getCoordinates().map((c) => viewToLonLat(c, crs)) };
	if (g instanceof Polygon)
		return {
			type: 'Polygon',
			coordinates: g.getCoordinates().map((ring) => ring.map((c) => viewToLonLat(c, crs)))
		};
	return null;
}

function round6(n: number): number {
	return Math.round(n * 1e6) / 1e6;
}
