/**
 * While the view moves, adjacent image layers are blended as one merged image
 * (src/lib/map/layers/movement-composite.ts): which layers merge, and where each image goes.
 */
import { describe, expect, it } from 'vitest';
import { placeIn, planRuns, type DrawnLayer } from '../../src/lib/map/layers/movement-composite.ts';

const image = (key: string, view = '1|0'): DrawnLayer<string> => ({ key, imageView: view });
const other = (key: string): DrawnLayer<string> => ({ key, imageView: null });

describe('planRuns', () => {
	it('merges consecutive image layers: the lowest draws, the others are skipped', () => {
		const plan = planRuns([image('basemap'), image('annotations'), image('tasks'), other('pointers')]);
		expect([...plan.leads.entries()]).toEqual([['basemap', ['basemap', 'annotations', 'tasks']]]);
		expect([...plan.skipped]).toEqual(['annotations', 'tasks']);
	});

	it('never merges across another drawn layer, so the drawing order stays', () => {
		const plan = planRuns([image('basemap'), image('annotations'), other('register'), image('tasks')]);
		expect([...plan.leads.keys()]).toEqual(['basemap']);
		expect(plan.leads.get('basemap')).toEqual(['basemap', 'annotations']);
		expect(plan.skipped.has('tasks')).toBe(false);
	});

	it('leaves a single image layer, and images of another pixel ratio or rotation, on their own', () => {
		expect(planRuns([image('basemap'), other('feeds')]).leads.size).toBe(0);
		const plan = planRuns([image('basemap', '1|0'), image('annotations', '1|0.5'), image('tasks', '1|0.5')]);
		expect([...plan.leads.entries()]).toEqual([['annotations', ['annotations', 'tasks']]]);
		expect(plan.skipped.has('basemap')).toBe(false);
	});
});

describe('placeIn', () => {
	const frame = { extent: [0, 0, 1500, 1000], resolution: 1 };

	it('copies an image of the same view at the origin, unscaled', () => {
		expect(placeIn(frame, frame, 1)).toEqual({ x: 0, y: 0, scale: 1 });
	});

	it('moves an image drawn for a panned view by whole pixels', () => {
		const panned = { extent: [100.4, -50, 1600.4, 950], resolution: 1 };
		expect(placeIn(frame, panned, 1)).toEqual({ x: 100, y: 50, scale: 1 });
		expect(placeIn(frame, panned, 2)).toEqual({ x: 201, y: 100, scale: 1 });
	});

	it('scales an image drawn at another zoom around its own corner', () => {
		const zoomedOut = { extent: [-750, -500, 2250, 1500], resolution: 2 };
		expect(placeIn(frame, zoomedOut, 1)).toEqual({ x: -750, y: -500, scale: 2 });
	});
});
