/**
 * Position tracks: one line per person in a colour of their own (from their user id, so the same
 * person keeps their colour across reloads and screens), with a small dot at each fix.
 */
import type { FeatureLike } from 'ol/Feature.js';
import { MultiPoint, type LineString } from 'ol/geom.js';
import { Circle, Fill, Stroke, Style } from 'ol/style.js';

const PALETTE = ['#0b63ce', '#c2410c', '#15803d', '#7e22ce', '#be123c', '#0e7490', '#a16207', '#4338ca'];

/** A stable colour for a person. */
export function trackColour(userId: string): string {
	let h = 0;
	for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
	return PALETTE[h % PALETTE.length]!;
}

const cache = new Map<string, Style[]>();

export function trackStyle(feature: FeatureLike): Style[] {
	const colour = String(feature.get('colour') ?? '#0b63ce');
	let styles = cache.get(colour);
	if (!styles) {
		styles = [
			new Style({ stroke: new Stroke({ color: '#fff', width: 5 }), zIndex: 1 }),
			new Style({ stroke: new Stroke({ color: colour, width: 2.5, lineDash: [6, 4] }), zIndex: 2 }),
			new Style({
				image: new Circle({ radius: 2.5, fill: new Fill({ color: colour }) }),
				geometry: (f) => {
					const g = f.getGeometry();
					return g?.getType() === 'LineString' ? new MultiPoint((g as LineString).getCoordinates()) : g;
				},
				zIndex: 3
			})
		];
		cache.set(colour, styles);
	}
	return styles;
}
