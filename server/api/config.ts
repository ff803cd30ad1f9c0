/**
 * Configuration the app needs from the server: the optional online map layers the operator set
 * up (MAP_LAYERS as JSON, or MAP_LAYERS_FILE; none by default, so the map stays offline), and
 * the jurisdiction (townships with their seats, and villages) for the UI's pickers.
 */
import fs from 'node:fs';
import { Router } from 'express';
import { MapLayerConfigListSchema, type MapLayerConfig } from '#domain/map-layers';
import { ConfigError } from '../config.ts';
import { requireActor } from '../identity/middleware.ts';
import type { Jurisdiction } from '../incidents/jurisdiction.ts';

/** Reads and validates the operator's map layers once at start; a mistake stops the server with its path. */
export function readMapLayers(source: { json: string | null; file: string | null }): MapLayerConfig[] {
	if (source.json && source.file) throw new ConfigError('set MAP_LAYERS or MAP_LAYERS_FILE, not both');
	let text: string | null = source.json;
	const where = source.file ? `MAP_LAYERS_FILE (${source.file})` : 'MAP_LAYERS';
	if (source.file) {
		try {
			text = fs.readFileSync(source.file, 'utf8');
		} catch (err) {
			throw new ConfigError(`cannot read ${where}: ${String(err)}`);
		}
	}
	if (text === null || text.trim() === '') return [];
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (err) {
		throw new ConfigError(`${where} is not valid JSON: ${String(err)}`);
	}
	const parsed = MapLayerConfigListSchema.safeParse(raw);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  [${i.path.join('.')}] ${i.message}`);
		throw new ConfigError(`${where} is not a valid list of map layers:\n${lines.join('\n')}`);
	}
	return parsed.data;
}

export function configRouter(deps: {
	mapLayers: readonly MapLayerConfig[];
	jurisdiction: Jurisdiction;
}): Router {
	const r = Router();
	const signedIn = requireActor();
	const j = deps.jurisdiction;
	const jurisdictionBody = {
		name: j.district.name,
		district: j.district,
		bbox: j.bbox,
		townships: j.townships
	};

	r.get('/config/map', signedIn, (_req, res) => {
		res.json({ layers: deps.mapLayers });
	});

	r.get('/jurisdiction', signedIn, (_req, res) => {
		res.json(jurisdictionBody);
	});

	return r;
}
