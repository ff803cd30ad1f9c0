/**
 * Symbols of the register layers: one colour per register, hazard points by their loop status
 * (overdue ones ringed red), cameras by their health (online, offline, unknown), teams by
 * availability, shelters with their occupancy, depots with their name. Styles are
 * cached per variant, as marker-styles.ts does, since the style function runs every frame.
 */
import type { FeatureLike } from 'ol/Feature.js';
import { Circle, Fill, Stroke, Style, Text } from 'ol/style.js';
import type { RegisterName } from '$lib/domain/registers';

export const REGISTER_COLORS: Record<RegisterName, string> = {
	teams: '#1f5fbf',
	supplies: '#7b3fa0',
	depots: '#7b3fa0',
	equipment: '#5a6b7b',
	experts: '#0f8b8d',
	shelters: '#1a9641',
	hazards: '#e07b00',
	cameras: '#444'
};

export const HAZARD_STATUS_COLORS: Record<string, string> = {
	registered: '#d7191c',
	rectifying: '#e07b00',
	awaiting_acceptance: '#d9b300',
	closed: '#1a9641'
};

/** Cameras by the health their periodic checks found. */
export const CAMERA_STATUS_COLORS: Record<string, string> = {
	online: '#1a9641',
	offline: '#d7191c',
	unknown: '#8a8a8a'
};

/** Teams by availability: out on a task stands out. */
export const TEAM_AVAILABILITY_COLORS: Record<string, string> = {
	standby: '#1f5fbf',
	deployed: '#e07b00',
	resting: '#8a8a8a'
};

function colorOf(register: RegisterName, status: string): string {
	if (register === 'hazards') return HAZARD_STATUS_COLORS[status] ?? REGISTER_COLORS.hazards;
	if (register === 'cameras') return CAMERA_STATUS_COLORS[status] ?? CAMERA_STATUS_COLORS.unknown!;
	if (register === 'teams') return TEAM_AVAILABILITY_COLORS[status] ?? REGISTER_COLORS.teams;
	return REGISTER_COLORS[register];
}

const cache = new Map<string, Style[]>();
const FONT = '600 11px system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif';

export function registerStyle(feature: FeatureLike, resolution: number): Style[] {
	const register = feature.get('register') as RegisterName;
	const status = String(feature.get('status') ?? '');
	const overdue = feature.get('overdue') === true;
	// Labels only when zoomed in: a district of points stays readable.
	const text = resolution < 30 ? String(feature.get('label') ?? '') : '';
	const key = `${register}|${status}|${overdue}|${text}`;
	let styles = cache.get(key);
	if (!styles) {
		const color = colorOf(register, status);
		styles = [
			new Style({
				image: new Circle({
					radius: register === 'shelters' || register === 'depots' ? 7 : 5,
					fill: new Fill({ color }),
					stroke: new Stroke({ color: overdue ? '#d7191c' : '#fff', width: overdue ? 3 : 1.5 })
				})
			})
		];
		if (text)
			styles.push(
				new Style({
					text: new Text({
						text,
						font: FONT,
						offsetY: -14,
						fill: new Fill({ color: '#1b1b1b' }),
						stroke: new Stroke({ color: '#fff', width: 3 })
					})
				})
			);
		if (cache.size > 4000) cache.clear();
		cache.set(key, styles);
	}
	return styles;
}
