/**
 * Builds the offline basemap's features from BasemapData, in the view projection and the
 * display CRS of the active base layer.
 */
import Feature from 'ol/Feature.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import type { Geometry as OlGeometry } from 'ol/geom.js';
import type { Extent } from 'ol/extent.js';
import { createEmpty, extend } from 'ol/extent.js';
import type { DisplayCrs } from '../../geo/crs.ts';
import { lonLatToView } from '../geometry.ts';
import type { WgsFeatureCollection } from './chaotian.ts';

const format = new GeoJSON();

/** Reads WGS84 GeoJSON into view-projection features, shifted for the display CRS. */
export function basemapFeatures(fc: WgsFeatureCollection, crs: DisplayCrs): Feature<OlGeometry>[] {
	const withGeometry = { ...fc, features: fc.features.filter((f) => f.geometry !== null) };
	const features = format.readFeatures(withGeometry, {
		dataProjection: 'EPSG:4326',
		featureProjection: 'EPSG:4326'
	}) as Feature<OlGeometry>[];
	for (const f of features) {
		f.getGeometry()?.applyTransform((input, output, dimension = 2) => {
			const out = output ?? input;
			for (let i = 0; i + 1 < input.length; i += dimension) {
				const [x, y] = lonLatToView([input[i] as number, input[i + 1] as number], crs);
				out[i] = x as number;
				out[i + 1] = y as number;
			}
			return out;
		});
	}
	return features;
}

/** The extent of a set of features (e.g. the district boundary, for the initial view). */
export function featuresExtent(features: Feature<OlGeometry>[]): Extent {
	const e = createEmpty();
	for (const f of features) {
		const g = f.getGeometry();
		if (g) extend(e, g.getExtent());
	}
	return e;
}
