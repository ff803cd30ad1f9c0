/**
 * The operator's online map layers (MAP_LAYERS as JSON, or the file MAP_LAYERS_FILE names), read
 * and validated once at start: a mistake stops the server with its source and the wrong field.
 */
import fs from 'node:fs';
import { MapLayerConfigError, parseMapLayerList, type MapLayerConfig } from '#domain/map-layers';
import { ConfigError, type Config } from '../config.ts';

export function readMapLayers(source: Config['mapLayers']): MapLayerConfig[] {
	if (source.json && source.file) throw new ConfigError('set MAP_LAYERS or MAP_LAYERS_FILE, not both');
	const where = source.file ? `MAP_LAYERS_FILE (${source.file})` : 'MAP_LAYERS';
	let text = source.json;
	if (source.file) {
		try {
			text = fs.readFileSync(source.file, 'utf8');
		} catch (err) {
			throw new ConfigError(`cannot read ${where}: ${String(err)}`);
		}
	}
	try {
		return parseMapLayerList(text, where);
	} catch (err) {
		throw err instanceof MapLayerConfigError ? new ConfigError(err.message) : err;
	}
}
