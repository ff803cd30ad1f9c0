/**
 * The operator's optional online base layers (GET /api/config/map). The offline basemap needs
 * none of this; a failed request simply leaves the map offline.
 */
import { MapLayerConfigListSchema, type MapLayerConfig } from '../domain/map-layers.ts';
import { api } from './client.ts';

export async function fetchMapLayers(): Promise<MapLayerConfig[]> {
	const p = await api.get<{ layers: unknown }>('/api/config/map');
	const parsed = MapLayerConfigListSchema.safeParse(p.layers);
	return parsed.success ? parsed.data : [];
}
