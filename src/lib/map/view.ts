/** The shared map view (presenter mode): where the map looks, in WGS84 and a zoom level. */
import type OlMap from 'ol/Map.js';
import type { LonLat } from '$lib/domain/incident-doc';
import type { DisplayCrs } from '../geo/crs.ts';
import { lonLatToView, viewToLonLat } from './geometry.ts';

export interface MapViewState {
	center: LonLat;
	zoom: number;
}

export function readView(map: OlMap, crs: DisplayCrs): MapViewState | null {
	const view = map.getView();
	const c = view.getCenter();
	const zoom = view.getZoom();
	if (!c || zoom === undefined) return null;
	return { center: viewToLonLat(c, crs), zoom: Math.round(zoom * 100) / 100 };
}

export function applyView(map: OlMap, crs: DisplayCrs, v: MapViewState, duration = 0): void {
	const view = map.getView();
	const center = lonLatToView(v.center, crs);
	if (duration > 0) view.animate({ center, zoom: v.zoom, duration });
	else {
		view.setCenter(center);
		view.setZoom(v.zoom);
	}
}

/** Two views are the same when they differ by less than a pixel's worth at that zoom. */
export function sameView(a: MapViewState, b: MapViewState): boolean {
	const tolerance = 360 / 2 ** (a.zoom + 8);
	return (
		Math.abs(a.zoom - b.zoom) < 0.01 &&
		Math.abs(a.center[0] - b.center[0]) < tolerance &&
		Math.abs(a.center[1] - b.center[1]) < tolerance
	);
}
