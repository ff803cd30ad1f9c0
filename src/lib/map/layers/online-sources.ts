/**
 * Tile sources for the configured online base layers (src/lib/domain/map-layers.ts).
 * Tianditu (天地图) is served as Web-Mercator tiles (`*_w`) with a separate label layer; both
 * need the operator's key. Tianditu is CGCS2000, which is WGS84 for display purposes.
 */
import XYZ from 'ol/source/XYZ.js';
import { tiandituUrls, type MapLayerConfig } from '$lib/domain/map-layers';

/** The sources of one configured layer, bottom first (a Tianditu layer has two). */
export function tileSources(config: MapLayerConfig): XYZ[] {
	if (config.type === 'xyz') {
		return [
			new XYZ({
				url: config.url,
				maxZoom: config.maxZoom,
				attributions: config.attribution || undefined,
				crossOrigin: 'anonymous'
			})
		];
	}
	const { base, labels } = tiandituUrls(config);
	const attributions = '天地图 Tianditu';
	return [
		new XYZ({ url: base, maxZoom: 18, attributions, crossOrigin: 'anonymous' }),
		new XYZ({ url: labels, maxZoom: 18, crossOrigin: 'anonymous' })
	];
}
