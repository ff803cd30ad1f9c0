/**
 * What the room's map shows of positions and photos, as pure functions: a fix's age in the map's
 * words, and which photos have a place (a report's photo where it was made, a progress note's where
 * its author attached their position), newest first.
 */
import { describe, expect, it } from 'vitest';
import { ageOf } from '../../src/lib/components/ui/format.ts';
import type { TaskUpdate } from '../../src/lib/domain/incident-doc.ts';
import { photoPoints } from '../../src/lib/state/photo-points.ts';
import type { ReportItem } from '../../src/lib/state/room-model.svelte.ts';
import type { TaskItem } from '../../src/lib/state/tasks.ts';

const NOW = Date.parse('2026-07-12T08:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe('ageOf', () => {
	it('says just now, minutes, hours, and nothing past a day or for an unreadable time', () => {
		expect(ageOf(ago(59_000), NOW)).toEqual({ key: 'map.age.now' });
		expect(ageOf(ago(60_000), NOW)).toEqual({ key: 'map.age.minutes', count: 1 });
		expect(ageOf(ago(59 * 60_000), NOW)).toEqual({ key: 'map.age.minutes', count: 59 });
		expect(ageOf(ago(3 * 3_600_000 + 5), NOW)).toEqual({ key: 'map.age.hours', count: 3 });
		expect(ageOf(ago(25 * 3_600_000), NOW)).toBeNull();
		expect(ageOf('not a time', NOW)).toBeNull();
		// A phone clock slightly ahead: just now, never a negative age.
		expect(ageOf(ago(-30_000), NOW)).toEqual({ key: 'map.age.now' });
	});
});

describe('photoPoints', () => {
	const report = (id: string, over: Partial<ReportItem>): ReportItem => ({
		id,
		kind: 'hazard',
		note: '',
		position: null,
		photo: null,
		createdBy: 'u-1',
		ownerOrgId: 'org-1',
		createdAt: ago(0),
		...over
	});
	const update = (over: Partial<TaskUpdate>): TaskUpdate => ({
		id: 'u',
		by: 'u-2',
		orgId: 'org-2',
		at: ago(0),
		text: 'note',
		...over
	});
	const task = { id: 't1', title: 'G108 管制' } as TaskItem;

	it('lists the photos that have a place, newest first, with what they belong to', () => {
		const points = photoPoints(
			[
				report('r1', { photo: 'photo-a', position: [105.9, 32.6], createdAt: ago(60_000), note: '裂缝' }),
				report('r2', { photo: 'photo-b', position: null }),
				report('r3', { photo: null, position: [105.9, 32.6] })
			],
			[task],
			{
				t1: [
					update({ id: 'x', photo: 'photo-c', position: [105.8, 32.5], at: ago(30_000), text: '已设置' }),
					update({ id: 'y', photo: 'photo-d' }),
					update({ id: 'z', position: [105.8, 32.5] })
				]
			}
		);
		expect(points).toEqual([
			{
				photoId: 'photo-c',
				lonLat: [105.8, 32.5],
				source: { kind: 'task', id: 't1', title: 'G108 管制' },
				by: 'u-2',
				at: ago(30_000),
				note: '已设置'
			},
			{
				photoId: 'photo-a',
				lonLat: [105.9, 32.6],
				source: { kind: 'report', id: 'r1', reportKind: 'hazard' },
				by: 'u-1',
				at: ago(60_000),
				note: '裂缝'
			}
		]);
	});

	it('skips places that are no WGS84 position', () => {
		const bad = report('r1', { photo: 'photo-a', position: [500, 32.6] as unknown as [number, number] });
		expect(photoPoints([bad], [], {})).toEqual([]);
	});
});
