/** How tasks, feeds and positions of the incident document become map features. */
import { Point } from 'ol/geom.js';
import type { Feed, LonLat, Position, Task } from '$lib/domain/incident-doc';
import { FEED_HEALTH, TASK_PRIORITIES, TASK_STATUSES } from '$lib/domain/vocabulary';
import type { EntityAdapter } from '../entity-sync.ts';
import { lonLatToView } from '../geometry.ts';

function lonLat(v: unknown): LonLat | null {
	if (!Array.isArray(v) || v.length < 2) return null;
	const [lon, lat] = v as unknown[];
	return typeof lon === 'number' && typeof lat === 'number' && Math.abs(lon) <= 180 && Math.abs(lat) <= 90
		? [lon, lat]
		: null;
}

export type MappedTask = Pick<Task, 'title' | 'status' | 'priority' | 'assigneeOrgId'> & {
	id: string;
	location: LonLat;
};

export const taskAdapter: EntityAdapter<MappedTask> = {
	read(id, json) {
		const t = json as Partial<Task> | null;
		const location = lonLat(t?.location);
		if (!t || !location) return null;
		return {
			id,
			location,
			title: typeof t.title === 'string' ? t.title : '',
			status: t.status && TASK_STATUSES.includes(t.status) ? t.status : 'new',
			priority: t.priority && TASK_PRIORITIES.includes(t.priority) ? t.priority : 'normal',
			assigneeOrgId: typeof t.assigneeOrgId === 'string' ? t.assigneeOrgId : ''
		};
	},
	geometry: (t, crs) => new Point(lonLatToView(t.location, crs)),
	properties: (t) => ({ title: t.title, status: t.status, priority: t.priority })
};

export type MappedFeed = Pick<Feed, 'name' | 'kind' | 'url'> & { id: string; position: LonLat };

export const feedAdapter: EntityAdapter<MappedFeed> = {
	read(id, json) {
		const f = json as Partial<Feed> | null;
		const position = lonLat(f?.position);
		if (!f || !position) return null;
		return {
			id,
			position,
			name: typeof f.name === 'string' ? f.name : '',
			kind: f.kind ?? 'fixed_camera',
			url: typeof f.url === 'string' ? f.url : ''
		};
	},
	geometry: (f, crs) => new Point(lonLatToView(f.position, crs)),
	properties: (f) => ({ name: f.name })
};

export type MappedPosition = Position & { id: string };

export const positionAdapter: EntityAdapter<MappedPosition> = {
	read(id, json) {
		const p = json as Partial<Position> | null;
		const at = lonLat(p?.lonLat);
		if (!p || !at) return null;
		return { id, lonLat: at, orgId: typeof p.orgId === 'string' ? p.orgId : '', at: String(p.at ?? '') };
	},
	geometry: (p, crs) => new Point(lonLatToView(p.lonLat, crs))
};

export function isFeedHealth(v: unknown): v is (typeof FEED_HEALTH)[number] {
	return typeof v === 'string' && (FEED_HEALTH as readonly string[]).includes(v);
}
