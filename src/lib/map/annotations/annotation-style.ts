/**
 * OpenLayers styles for annotations, built from ANNOTATION_SYMBOLS.
 *
 * The style function runs for every visible feature on every frame, so it allocates as little
 * as possible: the per-kind styles are built once and cached, a label's Text style is cached by
 * its text, and only the few line decorations that depend on the geometry (arrows along an
 * evacuation route, the cross on a blocked road) are made per call.
 */
import type { FeatureLike } from 'ol/Feature.js';
import { LineString, Point, Polygon, type Geometry as OlGeometry } from 'ol/geom.js';
import { Circle, Fill, Icon, RegularShape, Stroke, Style, Text } from 'ol/style.js';
import type { AnnotationKind } from '$lib/domain/vocabulary';
import { ANNOTATION_KINDS } from '$lib/domain/vocabulary';
import { ANNOTATION_SYMBOLS, symbolDataUri, withAlpha } from './annotation-symbols.ts';

/** From this resolution up (metres per pixel, ≈ zoom 12.5) labels are hidden: they would only overlap. */
export const LABEL_MAX_RESOLUTION = 25;

export interface AnnotationStyleInput {
	kind: AnnotationKind;
	label: string;
	selected: boolean;
}

interface KindStyles {
	point: Style;
	line: Style[];
	polygon: Style[];
}

const kindCache = new Map<string, KindStyles>();
const labelCache = new Map<string, Style>();
let hatchPattern: CanvasPattern | null | undefined;

const SELECTED_HALO = new Stroke({ color: 'rgba(255, 214, 0, 0.9)', width: 10 });

function hatch(color: string): CanvasPattern | string {
	// Patterns need a canvas; outside a browser (unit tests, SSR) fall back to a wash.
	if (hatchPattern === undefined) {
		hatchPattern = null;
		if (typeof document !== 'undefined') {
			const c = document.createElement('canvas');
			c.width = c.height = 10;
			const ctx = c.getContext('2d');
			if (ctx) {
				ctx.fillStyle = withAlpha(color, 0.12);
				ctx.fillRect(0, 0, 10, 10);
				ctx.strokeStyle = withAlpha(color, 0.75);
				ctx.lineWidth = 1.5;
				ctx.beginPath();
				ctx.moveTo(-1, 11);
				ctx.lineTo(11, -1);
				ctx.moveTo(-1, 1);
				ctx.lineTo(1, -1);
				ctx.moveTo(9, 11);
				ctx.lineTo(11, 9);
				ctx.stroke();
				hatchPattern = ctx.createPattern(c, 'repeat');
			}
		}
	}
	return hatchPattern ?? withAlpha(color, 0.3);
}

const BADGE_SHAPES = {
	circle: { points: 0, angle: 0 },
	square: { points: 4, angle: Math.PI / 4 },
	diamond: { points: 4, angle: 0 },
	triangle: { points: 3, angle: 0 }
} as const;

/** Symbol bitmaps by kind and pixel size (28 plain, 34 selected), at the device's pixel ratio. */
const symbolImages = new Map<string, HTMLCanvasElement>();
const SYMBOL_SIZES = [28, 34] as const;
let preloading: Promise<void> | null = null;

/**
 * Decodes the SVG symbol of every kind once and rasterises it to a canvas per size. Until it
 * resolves, points are drawn as plain badges. An Icon given a `src` loads it asynchronously and
 * each load re-renders the layer; and an Icon given the SVG image itself makes the canvas
 * re-rasterise the SVG on every drawImage (thousands per render). A bitmap is a plain copy.
 */
export function preloadSymbolImages(): Promise<void> {
	if (typeof Image === 'undefined' || typeof document === 'undefined') return Promise.resolve();
	const ratio = Math.max(1, Math.ceil(globalThis.devicePixelRatio || 1));
	preloading ??= Promise.all(
		ANNOTATION_KINDS.map(async (kind) => {
			const img = new Image();
			img.src = symbolDataUri(ANNOTATION_SYMBOLS[kind]);
			await img.decode();
			for (const size of SYMBOL_SIZES) {
				const canvas = document.createElement('canvas');
				canvas.width = canvas.height = size * ratio;
				const ctx = canvas.getContext('2d');
				if (!ctx) throw new Error('no 2d canvas');
				ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
				symbolImages.set(`${kind}|${size}`, canvas);
			}
		})
	).then(
		() => kindCache.clear(),
		// A browser that cannot decode the SVG keeps the plain badges: still one shape per kind.
		() => undefined
	);
	return preloading;
}

function pointImage(kind: AnnotationKind, selected: boolean): Icon | RegularShape | Circle {
	const symbol = ANNOTATION_SYMBOLS[kind];
	const size = selected ? 34 : 28;
	const img = symbolImages.get(`${kind}|${size}`);
	// Symbols are never decluttered (hidden) — only labels are, so every annotation stays visible.
	if (img) return new Icon({ img, width: size, height: size, declutterMode: 'none' });
	// Not decoded yet, or no DOM (unit tests): the same badge without its glyph.
	const fill = new Fill({ color: symbol.color });
	const stroke = new Stroke({ color: '#fff', width: 1.5 });
	const shape = BADGE_SHAPES[symbol.badge];
	return shape.points === 0
		? new Circle({ radius: size / 2, fill, stroke })
		: new RegularShape({ ...shape, radius: size / 2, fill, stroke });
}

function buildKindStyles(kind: AnnotationKind, selected: boolean): KindStyles {
	const symbol = ANNOTATION_SYMBOLS[kind];
	const stroke = new Stroke({
		color: symbol.color,
		width: symbol.lineWidth,
		lineDash: symbol.lineDash.length ? [...symbol.lineDash] : undefined
	});
	const halo = selected ? [new Style({ stroke: SELECTED_HALO, zIndex: 0 })] : [];
	const line = [...halo, new Style({ stroke, zIndex: 1 })];
	if (symbol.lineMark === 'flame') {
		line.push(
			new Style({ stroke: new Stroke({ color: '#ffd54f', width: 1.5, lineDash: [6, 6] }), zIndex: 2 })
		);
	}
	const polygon = [
		...halo,
		new Style({
			stroke,
			fill: new Fill({
				color: symbol.fill === 'hatched' ? hatch(symbol.color) : withAlpha(symbol.color, 0.18)
			}),
			zIndex: 1
		})
	];
	const point = new Style({ image: pointImage(kind, selected), zIndex: selected ? 11 : 10 });
	return { point, line, polygon };
}

export function kindStyles(kind: AnnotationKind, selected: boolean): KindStyles {
	const key = `${kind}|${selected ? 1 : 0}`;
	let s = kindCache.get(key);
	if (!s) {
		s = buildKindStyles(kind, selected);
		kindCache.set(key, s);
	}
	return s;
}

function labelStyle(text: string, geometryType: string): Style {
	const key = `${geometryType}|${text}`;
	let s = labelCache.get(key);
	if (!s) {
		s = new Style({
			text: new Text({
				text,
				font: '600 13px system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif',
				fill: new Fill({ color: '#1b1b1b' }),
				stroke: new Stroke({ color: 'rgba(255,255,255,0.95)', width: 3.5 }),
				offsetY: geometryType === 'Point' ? 24 : 0,
				overflow: true
			}),
			zIndex: 20
		});
		if (labelCache.size > 5000) labelCache.clear();
		labelCache.set(key, s);
	}
	return s;
}

// RegularShape draws its own canvas when created, so the decorations are cached, never made per
// frame: a cross per colour, and arrowheads per colour and 10° step of direction.
const shapeCache = new Map<string, RegularShape>();

function cachedShape(key: string, build: () => RegularShape): RegularShape {
	let shape = shapeCache.get(key);
	if (!shape) {
		shape = build();
		shapeCache.set(key, shape);
	}
	return shape;
}

function crossAt(coordinate: number[], color: string): Style {
	const image = cachedShape(
		`x|${color}`,
		() =>
			new RegularShape({
				points: 4,
				radius: 9,
				radius2: 0,
				angle: Math.PI / 4,
				stroke: new Stroke({ color, width: 4 })
			})
	);
	return new Style({ geometry: new Point(coordinate), image, zIndex: 3 });
}

const ARROW_STEPS = 36;

function arrowHead(color: string, rotation: number): RegularShape {
	const step =
		((Math.round((rotation / (2 * Math.PI)) * ARROW_STEPS) % ARROW_STEPS) + ARROW_STEPS) % ARROW_STEPS;
	return cachedShape(
		`>|${color}|${step}`,
		() =>
			new RegularShape({
				points: 3,
				radius: 8,
				rotation: (step / ARROW_STEPS) * 2 * Math.PI,
				fill: new Fill({ color }),
				stroke: new Stroke({ color: '#fff', width: 1.5 })
			})
	);
}

/** Arrowheads in the direction of travel at the middle of each segment (of at most 12). */
function arrows(line: LineString, color: string): Style[] {
	const coords = line.getCoordinates();
	const step = Math.max(1, Math.ceil((coords.length - 1) / 12));
	const out: Style[] = [];
	for (let i = 0; i + 1 < coords.length; i += step) {
		const [x1, y1] = coords[i] as [number, number];
		const [x2, y2] = coords[i + 1] as [number, number];
		out.push(
			new Style({
				geometry: new Point([(x1 + x2) / 2, (y1 + y2) / 2]),
				image: arrowHead(color, Math.PI / 2 - Math.atan2(y2 - y1, x2 - x1)),
				zIndex: 3
			})
		);
	}
	return out;
}

/**
 * Which styles to make: everything (one layer), or the split the map uses: `symbols` (shapes and
 * symbols, plus the selected one's label when labels are hidden at this zoom) and `labels` (the
 * labels alone, for the decluttered label layer shown only when zoomed in).
 */
export type AnnotationStyleParts = 'all' | 'symbols' | 'labels';

/** The styles of one annotation with the given geometry. Pure: usable without a map. */
export function annotationStyles(
	input: AnnotationStyleInput,
	geometry: OlGeometry | undefined,
	resolution: number,
	parts: AnnotationStyleParts = 'all'
): Style[] {
	const type = geometry?.getType() ?? 'Point';
	// Strictly below, as a layer's maxResolution is: the label layer and the selected label agree.
	const zoomedIn = resolution < LABEL_MAX_RESOLUTION;
	const label =
		input.label &&
		(parts === 'all'
			? input.selected || zoomedIn
			: parts === 'labels'
				? zoomedIn
				: input.selected && !zoomedIn);
	if (parts === 'labels') return label ? [labelStyle(input.label, type)] : [];
	const symbol = ANNOTATION_SYMBOLS[input.kind];
	const styles = kindStyles(input.kind, input.selected);
	let out: Style[];
	if (geometry instanceof LineString) {
		out = [...styles.line];
		if (symbol.lineMark === 'cross') out.push(crossAt(geometry.getCoordinateAt(0.5), symbol.color));
		if (symbol.lineMark === 'arrows') out.push(...arrows(geometry, symbol.color));
	} else if (geometry instanceof Polygon) {
		out = [...styles.polygon];
	} else {
		out = [styles.point];
	}
	if (label) out.push(labelStyle(input.label, type));
	return out;
}

function styleFunction(parts: AnnotationStyleParts) {
	return (feature: FeatureLike, resolution: number): Style[] => {
		const kind = feature.get('kind') as AnnotationKind;
		if (!ANNOTATION_KINDS.includes(kind)) return [];
		return annotationStyles(
			{ kind, label: String(feature.get('label') ?? ''), selected: feature.get('selected') === true },
			feature.getGeometry() as OlGeometry | undefined,
			resolution,
			parts
		);
	};
}

/** The OpenLayers style function of a single annotation layer: features carry `kind`, `label`, `selected`. */
export const annotationStyleFunction = styleFunction('all');
/** The symbol layer's style function (no labels but the selected one's when zoomed out). */
export const annotationSymbolStyleFunction = styleFunction('symbols');
/** The label layer's style function (labels only; the layer shows only when zoomed in). */
export const annotationLabelStyleFunction = styleFunction('labels');
