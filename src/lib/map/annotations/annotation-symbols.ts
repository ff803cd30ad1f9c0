/**
 * The symbol of each annotation kind: one colour, one shape, one line style, used on the map and
 * in the legend alike. Colours follow common emergency-map practice: red for danger and
 * blockage, green for safety (shelters, evacuation routes), blue for water, orange-red for fire.
 */
import type { AnnotationKind } from '$lib/domain/vocabulary';
import type { Geometry } from '$lib/domain/incident-doc';

export type GeometryType = Geometry['type'];

export interface AnnotationSymbol {
	color: string;
	/** What a new annotation of this kind is drawn as by default, and what else is allowed. */
	geometries: readonly [GeometryType, ...GeometryType[]];
	/** Line pattern in pixels (dash, gap); empty for a solid line. */
	lineDash: readonly number[];
	lineWidth: number;
	/** Polygon fill: diagonal hatching (danger) or a translucent wash. */
	fill: 'hatched' | 'wash';
	/** Decoration along lines. */
	lineMark: 'none' | 'cross' | 'arrows' | 'flame';
	/** White pictogram drawn on the coloured point badge, as SVG path data on a 24×24 grid. */
	glyph: string;
	/** Badge outline for points, so kinds differ by shape as well as by colour (colour-blind use). */
	badge: 'circle' | 'square' | 'diamond' | 'triangle';
}

const FLAG = 'M7 4v16h2v-6h8l-2-4 2-4H9V4z';
const HOUSE = 'M12 4 3 12h3v8h5v-5h2v5h5v-8h3z';
const CROSS = 'M6 6l12 12M18 6 6 18';
const ARROW = 'M4 12h12M12 6l6 6-6 6';
const WAVE = 'M3 15c3-3 6 3 9 0s6 3 9 0M3 10c3-3 6 3 9 0s6 3 9 0M12 3v4';
const FLAME = 'M12 3c1 4 6 6 6 11a6 6 0 0 1-12 0c0-3 2-5 3-6 0 2 1 3 2 3 0-3 0-5 1-8z';
const EYE = 'M2 12s4-7 10-7 10 7 10 7-4 7-10 7S2 12 2 12zm10-3a3 3 0 1 0 0 6 3 3 0 0 0 0-6z';
const GATHER = 'M6 6h4v4H6zm8 0h4v4h-4zM6 14h4v4H6zm8 0h4v4h-4z';
const WARN = 'M12 4 3 20h18zM12 10v5m0 2v1';

export const ANNOTATION_SYMBOLS: Record<AnnotationKind, AnnotationSymbol> = {
	danger_zone: {
		color: '#d7191c',
		geometries: ['Polygon', 'Point'],
		lineDash: [],
		lineWidth: 2,
		fill: 'hatched',
		lineMark: 'none',
		glyph: WARN,
		badge: 'triangle'
	},
	road_blocked: {
		color: '#d7191c',
		geometries: ['LineString', 'Point'],
		lineDash: [10, 6],
		lineWidth: 4,
		fill: 'wash',
		lineMark: 'cross',
		glyph: CROSS,
		badge: 'square'
	},
	command_post: {
		color: '#c2185b',
		geometries: ['Point'],
		lineDash: [],
		lineWidth: 3,
		fill: 'wash',
		lineMark: 'none',
		glyph: FLAG,
		badge: 'square'
	},
	staging_area: {
		color: '#1f5fbf',
		geometries: ['Point', 'Polygon'],
		lineDash: [6, 4],
		lineWidth: 2,
		fill: 'wash',
		lineMark: 'none',
		glyph: GATHER,
		badge: 'diamond'
	},
	shelter: {
		color: '#1a9641',
		geometries: ['Point', 'Polygon'],
		lineDash: [],
		lineWidth: 2,
		fill: 'wash',
		lineMark: 'none',
		glyph: HOUSE,
		badge: 'square'
	},
	evacuation_route: {
		color: '#1a9641',
		geometries: ['LineString'],
		lineDash: [],
		lineWidth: 4,
		fill: 'wash',
		lineMark: 'arrows',
		glyph: ARROW,
		badge: 'circle'
	},
	water_gauge: {
		color: '#1f78b4',
		geometries: ['Point'],
		lineDash: [],
		lineWidth: 2,
		fill: 'wash',
		lineMark: 'none',
		glyph: WAVE,
		badge: 'circle'
	},
	fire_line: {
		color: '#f03b20',
		geometries: ['LineString', 'Polygon'],
		lineDash: [],
		lineWidth: 5,
		fill: 'wash',
		lineMark: 'flame',
		glyph: FLAME,
		badge: 'triangle'
	},
	observation: {
		color: '#6a3d9a',
		geometries: ['Point'],
		lineDash: [],
		lineWidth: 2,
		fill: 'wash',
		lineMark: 'none',
		glyph: EYE,
		badge: 'circle'
	}
};

const BADGE_PATHS: Record<AnnotationSymbol['badge'], string> = {
	circle: '<circle cx="16" cy="16" r="14"/>',
	square: '<rect x="3" y="3" width="26" height="26" rx="4"/>',
	diamond: '<path d="M16 1 31 16 16 31 1 16z"/>',
	triangle: '<path d="M16 2 31 29H1z"/>'
};

/** A 32×32 SVG badge for a point of this kind (also used by the legend). */
export function symbolSvg(symbol: AnnotationSymbol): string {
	const glyphScale =
		symbol.badge === 'triangle' ? 'translate(9 11) scale(0.58)' : 'translate(6 6) scale(0.84)';
	const filled =
		symbol.glyph === FLAG || symbol.glyph === HOUSE || symbol.glyph === FLAME || symbol.glyph === GATHER;
	const glyphStyle = filled
		? 'fill="#fff" stroke="none"'
		: 'fill="none" stroke="#fff" stroke-width="2.4" stroke-linecap="round" stroke-linejoin="round"';
	const eyeFill = symbol.glyph === EYE ? 'fill="#fff" fill-rule="evenodd" stroke="none"' : glyphStyle;
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32" viewBox="0 0 32 32">` +
		`<g fill="${symbol.color}" stroke="#fff" stroke-width="1.5">${BADGE_PATHS[symbol.badge]}</g>` +
		`<path transform="${glyphScale}" d="${symbol.glyph}" ${symbol.glyph === EYE ? eyeFill : glyphStyle}/>` +
		`</svg>`
	);
}

export function symbolDataUri(symbol: AnnotationSymbol): string {
	return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(symbolSvg(symbol))}`;
}

/** The colour with an alpha, for washes and halos. */
export function withAlpha(hex: string, alpha: number): string {
	const n = Number.parseInt(hex.slice(1), 16);
	return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
