/**
 * The photos of an incident that have a place: a field report's photo where the report was made,
 * a progress update's photo where its author attached their position. What the room's map shows
 * as photo markers (a photo without a place is in its task's thread or the report list only).
 */
import type { LonLat, TaskUpdate } from '$lib/domain/incident-doc';
import type { ReportItem } from './room-model.svelte.ts';
import type { TaskItem } from './tasks.ts';

export interface PhotoPoint {
	/** The photo's id in the attachment store. */
	photoId: string;
	lonLat: LonLat;
	/** What it belongs to. */
	source: { kind: 'report'; id: string; reportKind: string } | { kind: 'task'; id: string; title: string };
	/** Who took it (user id), when (ISO), and the note written with it. */
	by: string;
	at: string;
	note: string;
}

function place(v: unknown): LonLat | null {
	if (!Array.isArray(v) || v.length !== 2) return null;
	const [lon, lat] = v as unknown[];
	return typeof lon === 'number' && typeof lat === 'number' && Math.abs(lon) <= 180 && Math.abs(lat) <= 90
		? [lon, lat]
		: null;
}

/** Every located photo, newest first. */
export function photoPoints(
	reports: readonly ReportItem[],
	tasks: readonly TaskItem[],
	threads: Readonly<Record<string, readonly TaskUpdate[]>>
): PhotoPoint[] {
	const points: PhotoPoint[] = [];
	for (const r of reports) {
		const lonLat = place(r.position);
		if (!r.photo || !lonLat) continue;
		points.push({
			photoId: r.photo,
			lonLat,
			source: { kind: 'report', id: r.id, reportKind: r.kind },
			by: r.createdBy,
			at: r.createdAt,
			note: r.note ?? ''
		});
	}
	for (const t of tasks) {
		for (const u of threads[t.id] ?? []) {
			const lonLat = place(u.position);
			if (!u.photo || !lonLat) continue;
			points.push({
				photoId: u.photo,
				lonLat,
				source: { kind: 'task', id: t.id, title: t.title },
				by: u.by,
				at: u.at,
				note: u.text
			});
		}
	}
	return points.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}
