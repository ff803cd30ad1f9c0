/**
 * Symbols of the non-annotation layers: tasks by status, video feeds by health, team positions
 * and participants' pointers. Cached per variant; the style functions run every frame.
 */
import type { FeatureLike } from 'ol/Feature.js';
import { Circle, Fill, Icon, RegularShape, Stroke, Style, Text } from 'ol/style.js';
import type { FeedHealth, TaskPriority, TaskStatus } from '$lib/domain/vocabulary';

export const TASK_STATUS_COLORS: Record<TaskStatus, string> = {
	new: '#6b7280',
	dispatched: '#1f5fbf',
	accepted: '#0f8b8d',
	in_progress: '#e07b00',
	done: '#1a9641',
	blocked: '#d7191c',
	cancelled: '#a3a3a3'
};

export const FEED_HEALTH_COLORS: Record<FeedHealth, string> = {
	online: '#1a9641',
	offline: '#d7191c',
	unknown: '#6b7280'
};

const cache = new Map<string, Style[]>();
const FONT = '600 12px system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

function label(text: string, offsetY: number): Style {
	return new Style({
		text: new Text({
			text,
			font: FONT,
			fill: new Fill({ color: '#1b1b1b' }),
			stroke: new Stroke({ color: '#fff', width: 3 }),
			offsetY
		}),
		zIndex: 20
	});
}

function cached(key: string, build: () => Style[]): Style[] {
	let s = cache.get(key);
	if (!s) {
		s = build();
		if (cache.size > 4000) cache.clear();
		cache.set(key, s);
	}
	return s;
}

/** A task: a square pin in its status colour; urgent tasks are larger with a dark rim. */
export function taskStyle(feature: FeatureLike, resolution: number): Style[] {
	const status = feature.get('status') as TaskStatus;
	const priority = feature.get('priority') as TaskPriority;
	const title = resolution < 25 ? String(feature.get('title') ?? '') : '';
	return cached(`task|${status}|${priority}|${title}`, () => {
		const urgent = priority === 'urgent' || priority === 'high';
		const marker = new Style({
			image: new RegularShape({
				points: 4,
				radius: urgent ? 11 : 9,
				angle: Math.PI / 4,
				fill: new Fill({ color: TASK_STATUS_COLORS[status] ?? '#6b7280' }),
				stroke: new Stroke({ color: urgent ? '#1b1b1b' : '#fff', width: 2 })
			}),
			zIndex: 12
		});
		return title ? [marker, label(title, 20)] : [marker];
	});
}

function cameraSvg(color: string): string {
	return (
		`<svg xmlns="http://www.w3.org/2000/svg" width="28" height="28" viewBox="0 0 28 28">` +
		`<circle cx="14" cy="14" r="13" fill="${color}" stroke="#fff" stroke-width="1.5"/>` +
		`<rect x="6" y="10" width="11" height="9" rx="1.5" fill="#fff"/>` +
		`<path d="M17 13l5-3v9l-5-3z" fill="#fff"/></svg>`
	);
}

/** A video feed: a camera badge coloured by health (online green, offline red, unknown grey). */
export function feedStyle(feature: FeatureLike, resolution: number): Style[] {
	const health = (feature.get('health') as FeedHealth | undefined) ?? 'unknown';
	const name = resolution < 25 ? String(feature.get('name') ?? '') : '';
	return cached(`feed|${health}|${name}`, () => {
		const color = FEED_HEALTH_COLORS[health] ?? FEED_HEALTH_COLORS.unknown;
		const image =
			typeof Image !== 'undefined'
				? new Icon({
						src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(cameraSvg(color))}`,
						width: 26,
						height: 26
					})
				: new Circle({ radius: 13, fill: new Fill({ color }) });
		const marker = new Style({ image, zIndex: 13 });
		return name ? [marker, label(name, 22)] : [marker];
	});
}

/** A team or user position: a blue dot with a white rim, labelled with who it is. */
export function positionStyle(feature: FeatureLike, resolution: number): Style[] {
	const name = resolution < 40 ? String(feature.get('name') ?? '') : '';
	const stale = feature.get('stale') === true;
	return cached(`pos|${name}|${stale}`, () => {
		const marker = new Style({
			image: new Circle({
				radius: 7,
				// An old fix fades to grey: the person may have moved since.
				fill: new Fill({ color: stale ? '#8a8f98' : '#0b63ce' }),
				stroke: new Stroke({ color: '#fff', width: 2.5 })
			}),
			zIndex: 14
		});
		return name ? [marker, label(name, 18)] : [marker];
	});
}

/** A photo with a place: an orange camera-like square, larger and ringed when selected. */
export function photoStyle(feature: FeatureLike): Style[] {
	const selected = feature.get('selected') === true;
	return cached(`photo|${selected}`, () => [
		new Style({
			image: new RegularShape({
				points: 4,
				radius: selected ? 11 : 8,
				angle: Math.PI / 4,
				fill: new Fill({ color: PHOTO_COLOUR }),
				stroke: new Stroke({ color: selected ? '#1b1b1b' : '#fff', width: selected ? 3 : 2 })
			}),
			zIndex: 16
		}),
		new Style({
			image: new Circle({ radius: selected ? 3.5 : 2.5, fill: new Fill({ color: '#fff' }) }),
			zIndex: 17
		})
	]);
}

/** The photo markers' colour (tests look for it on the map's canvas). */
export const PHOTO_COLOUR = '#d9480f';

/** A participant's pointer: an arrow in their colour with their name. */
export function pointerStyle(feature: FeatureLike): Style[] {
	const color = String(feature.get('colour') ?? '#333');
	const name = String(feature.get('name') ?? '');
	return cached(`ptr|${color}|${name}`, () => [
		new Style({
			image: new RegularShape({
				points: 3,
				radius: 9,
				rotation: -Math.PI / 6,
				displacement: [6, -6],
				fill: new Fill({ color }),
				stroke: new Stroke({ color: '#fff', width: 1.5 })
			}),
			text: new Text({
				text: name,
				font: FONT,
				offsetX: 14,
				offsetY: 12,
				textAlign: 'left',
				fill: new Fill({ color: '#fff' }),
				backgroundFill: new Fill({ color }),
				padding: [1, 4, 1, 4]
			}),
			zIndex: 30
		})
	]);
}
