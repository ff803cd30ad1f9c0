/** GET /api/config/map: the operator's optional online map layers (none by default). */
import { z } from 'zod';
import { MapLayerConfigListSchema } from '../map-layers.ts';

export const MapConfigSchema = z.object({ layers: MapLayerConfigListSchema });
export type MapConfig = z.infer<typeof MapConfigSchema>;
