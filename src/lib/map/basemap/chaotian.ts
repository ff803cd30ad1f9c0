/**
 * The offline basemap data of Chaotian District, bundled with the app so the map works with no
 * network at all. The GeoJSON files are imported as text (`?raw`) because Vite and vitest both
 * support that for any extension, where a `.geojson` JSON import is not standard.
 * Always the WGS84 versions (see jurisdiction/chaotian/README.md for the CRS warning).
 * Another county supplies its own BasemapData with the same shape.
 */
import boundaryText from '../../../../jurisdiction/chaotian/district_boundary.wgs84.geojson?raw';
import riverText from '../../../../jurisdiction/chaotian/jialing_river_ne10m.wgs84.geojson?raw';
import seatsText from '../../../../jurisdiction/chaotian/township_seats.wgs84.geojson?raw';
import type { MessageKey } from '../../i18n/zh-CN.ts';

/** A GeoJSON FeatureCollection in WGS84, as read from the files (only what we use is typed). */
export interface WgsFeatureCollection {
	type: 'FeatureCollection';
	features: Array<{
		type: 'Feature';
		properties: Record<string, unknown> | null;
		geometry: { type: string; coordinates: unknown } | null;
	}>;
}

export interface BasemapData {
	/** District boundary: Polygon or MultiPolygon features. */
	boundary: WgsFeatureCollection;
	/** Rivers: LineString features; `name_zh`/`name` is the label. */
	rivers: WgsFeatureCollection;
	/** Township seats: Point features with `code` and `name`; null geometry = seat unknown. */
	townships: WgsFeatureCollection;
	/** Data credits shown on the map (licences require it). */
	credits: MessageKey[];
}

export const chaotianBasemap: BasemapData = {
	boundary: JSON.parse(boundaryText) as WgsFeatureCollection,
	rivers: JSON.parse(riverText) as WgsFeatureCollection,
	townships: JSON.parse(seatsText) as WgsFeatureCollection,
	credits: ['map.attribution.boundary', 'map.attribution.river', 'map.attribution.divisions']
};
