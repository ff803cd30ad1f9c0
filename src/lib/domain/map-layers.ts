/**
 * Optional online base layers, configured by the operator rather than in code.
 *
 * The offline vector basemap is always there; these are extra tile layers a deployment with
 * internet (or an intranet tile server) can offer. The server serves the list from its
 * configuration; the map takes it as a prop. `crs` says which coordinates the tiles are drawn
 * in: Amap/Gaode and Tencent tiles are GCJ-02, Tianditu and OSM are WGS84/CGCS2000.
 */
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, "-" and "_"');
const name = z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) });

/** A URL template with {z}, {x} and {y} (and optionally {a-c} style subdomains). */
const xyzUrl = z
	.string()
	.refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
	.refine((u) => u.includes('{z}') && u.includes('{x}') && (u.includes('{y}') || u.includes('{-y}')), {
		message: 'must contain {z}, {x} and {y}'
	});

export const XyzLayerConfigSchema = z.object({
	type: z.literal('xyz'),
	id,
	name,
	url: xyzUrl,
	crs: z.enum(['wgs84', 'gcj02']).default('wgs84'),
	attribution: z.string().max(300).default(''),
	maxZoom: z.number().int().min(1).max(22).default(18)
});

export const TiandituLayerConfigSchema = z.object({
	type: z.literal('tianditu'),
	id,
	name,
	/** vec = 矢量 (vector map), img = 影像 (imagery). Both get the matching label overlay. */
	kind: z.enum(['vec', 'img']),
	/** The operator's Tianditu key (tk). Public browser keys are bound to a domain, not secret. */
	key: z.string().min(1),
	crs: z.literal('wgs84').default('wgs84')
});

export const MapLayerConfigSchema = z.discriminatedUnion('type', [
	XyzLayerConfigSchema,
	TiandituLayerConfigSchema
]);
export const MapLayerConfigListSchema = z
	.array(MapLayerConfigSchema)
	.max(20)
	.refine((list) => new Set(list.map((l) => l.id)).size === list.length, 'layer ids must be unique');

export type XyzLayerConfig = z.infer<typeof XyzLayerConfigSchema>;
export type TiandituLayerConfig = z.infer<typeof TiandituLayerConfigSchema>;
export type MapLayerConfig = z.infer<typeof MapLayerConfigSchema>;

/** Why the operator's map layers cannot be used: the message names their source and each wrong field. */
export class MapLayerConfigError extends Error {
	override readonly name = 'MapLayerConfigError';
}

/**
 * The operator's map layers from JSON text (MAP_LAYERS or the file MAP_LAYERS_FILE names); blank
 * or absent text means none. `where` names the source in the error.
 */
export function parseMapLayerList(text: string | null, where: string): MapLayerConfig[] {
	if (text === null || text.trim() === '') return [];
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (err) {
		throw new MapLayerConfigError(`${where} is not valid JSON: ${String(err)}`);
	}
	const parsed = MapLayerConfigListSchema.safeParse(raw);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((i) => `  [${i.path.join('.')}] ${i.message}`);
		throw new MapLayerConfigError(`${where} is not a valid list of map layers:\n${lines.join('\n')}`);
	}
	return parsed.data;
}

/** Tianditu (天地图) as Web-Mercator tiles (`*_w`), with its label layer; both need the key. */
export function tiandituUrls(config: TiandituLayerConfig): { base: string; labels: string } {
	const url = (layer: string) =>
		`https://t{0-7}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0` +
		`&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}` +
		`&tk=${encodeURIComponent(config.key)}`;
	return config.kind === 'vec'
		? { base: url('vec'), labels: url('cva') }
		: { base: url('img'), labels: url('cia') };
}

/** The URL templates a layer's tiles are loaded from (a Tianditu layer has two). */
export function tileUrlTemplates(config: MapLayerConfig): string[] {
	if (config.type === 'xyz') return [config.url];
	const { base, labels } = tiandituUrls(config);
	return [base, labels];
}

/**
 * The origins (`https://t0.tianditu.gov.cn`) the configured layers load tiles from, for the
 * page's Content-Security-Policy. Ranges such as `{a-c}` or `{0-7}` in a host name are expanded
 * as OpenLayers expands them.
 */
export function tileOrigins(layers: readonly MapLayerConfig[]): string[] {
	const origins = new Set<string>();
	for (const template of layers.flatMap(tileUrlTemplates)) {
		for (const url of expandRanges(template)) {
			try {
				// Placeholders left in a host name cannot be named in a policy; the URL then fails to parse.
				origins.add(new URL(url.replace(/\{-?[xyz]\}/g, '0')).origin);
			} catch {
				// Not a loadable tile address: the browser could not load it either.
			}
		}
	}
	return [...origins];
}

function expandRanges(template: string): string[] {
	const m = /\{([a-z])-([a-z])\}|\{(\d)-(\d)\}/.exec(template);
	if (!m) return [template];
	const [from, to] = m[1] ? [m[1], m[2]!] : [m[3]!, m[4]!];
	const out: string[] = [];
	for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) {
		out.push(...expandRanges(template.replace(m[0], String.fromCharCode(c))));
	}
	return out;
}
