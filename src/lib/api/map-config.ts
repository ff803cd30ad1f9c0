/**
 * The operator's optional online base layers (GET /api/config/map). The offline basemap needs
 * none of this; a failed request or an invalid answer simply leaves the map offline.
 */
import { MapConfigSchema } from '$lib/domain/api/map-config';
import type { MapLayerConfig } from '$lib/domain/map-layers';
import { api } from './client.ts';

export async function fetchMapLayers(): Promise<MapLayerConfig[]> {
	const parsed = MapConfigSchema.safeParse(await api.get<unknown>('/api/config/map'));
	return parsed.success ? parsed.data.layers : [];
}
