/**
 * Measurement on the map: geodesic length and area (on the sphere, as OpenLayers computes
 * them), and how they are shown. Works on view-projection (EPSG:3857) geometries.
 */
import type { Geometry as OlGeometry } from 'ol/geom.js';
import { LineString, Polygon } from 'ol/geom.js';
import { getArea, getLength } from 'ol/sphere.js';
import type { MessageKey } from '../i18n/zh-CN.ts';

export interface Measurement {
	key: MessageKey;
	value: string;
}

export function formatLength(metres: number): Measurement {
	if (metres < 1000) return { key: 'map.measure.m', value: metres.toFixed(0) };
	return { key: 'map.measure.km', value: (metres / 1000).toFixed(metres < 10_000 ? 2 : 1) };
}

export function formatArea(squareMetres: number): Measurement {
	if (squareMetres < 100_000) return { key: 'map.measure.m2', value: squareMetres.toFixed(0) };
	return { key: 'map.measure.km2', value: (squareMetres / 1_000_000).toFixed(2) };
}

/** The measurement of a sketch: length of a line, area of a polygon; null for anything else. */
export function measure(geometry: OlGeometry): Measurement | null {
	if (geometry instanceof LineString) return formatLength(getLength(geometry, { projection: 'EPSG:3857' }));
	if (geometry instanceof Polygon) return formatArea(getArea(geometry, { projection: 'EPSG:3857' }));
	return null;
}
