/**
 * Configuration the app needs from the server: the optional online map layers the operator set
 * up (MAP_LAYERS; none by default, so the map stays offline), and the jurisdiction (townships
 * with their seats, and villages) for the UI's pickers.
 */
import { Router } from 'express';
import type { Jurisdiction } from '#domain/api/jurisdiction';
import type { MapConfig } from '#domain/api/map-config';
import type { MapLayerConfig } from '#domain/map-layers';
import { requireActor } from './session-middleware.ts';

export function configRouter(deps: {
	mapLayers: readonly MapLayerConfig[];
	jurisdiction: Jurisdiction;
}): Router {
	const r = Router();
	const signedIn = requireActor();
	const j = deps.jurisdiction;
	const jurisdictionBody: Jurisdiction = {
		name: j.name,
		district: j.district,
		bbox: j.bbox,
		townships: j.townships
	};
	const mapConfig: MapConfig = { layers: [...deps.mapLayers] };

	r.get('/config/map', signedIn, (_req, res) => {
		res.json(mapConfig);
	});

	r.get('/jurisdiction', signedIn, (_req, res) => {
		res.json(jurisdictionBody);
	});

	return r;
}
