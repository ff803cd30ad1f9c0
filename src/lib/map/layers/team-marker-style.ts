/**
 * A team's latest position: a dark green flag-like square, larger than a person's dot, labelled
 * with the team's name and the fix's age at every zoom (teams are few); grey once stale.
 */
import type { FeatureLike } from 'ol/Feature.js';
import { Fill, RegularShape, Stroke, Style, Text } from 'ol/style.js';

export const TEAM_MARKER_COLOUR = '#14532d';
const FONT = '700 13px system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';
const cache = new Map<string, Style[]>();

export function teamMarkerStyle(feature: FeatureLike): Style[] {
	const name = String(feature.get('name') ?? '');
	const stale = feature.get('stale') === true;
	const key = `${name}|${stale}`;
	let s = cache.get(key);
	if (!s) {
		s = [
			new Style({
				image: new RegularShape({
					points: 4,
					radius: 10,
					angle: Math.PI / 4,
					fill: new Fill({ color: stale ? '#8a8f98' : TEAM_MARKER_COLOUR }),
					stroke: new Stroke({ color: '#fff', width: 2.5 })
				}),
				zIndex: 15
			}),
			new Style({
				text: new Text({
					text: name,
					font: FONT,
					fill: new Fill({ color: stale ? '#4b5563' : TEAM_MARKER_COLOUR }),
					stroke: new Stroke({ color: '#fff', width: 3.5 }),
					offsetY: -20
				}),
				zIndex: 21
			})
		];
		if (cache.size > 2000) cache.clear();
		cache.set(key, s);
	}
	return s;
}
