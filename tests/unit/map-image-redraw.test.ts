/**
 * When the map's image layers redraw (image-redraw.ts): after the view has been still for a
 * moment, content changes at once, and one image layer per frame.
 */
import { describe, expect, it } from 'vitest';
import { FrameTurns, RedrawSchedule, type RedrawInput } from '../../src/lib/map/layers/image-redraw.ts';

const base: RedrawInput = {
	hasImage: true,
	moving: false,
	viewKey: 'v1',
	contentKey: 'c1',
	frameTaken: false,
	now: 0
};

/** A schedule that has drawn view v1 with content c1 at time 0. */
function drawnAtV1(settleMs = 150): RedrawSchedule {
	const s = new RedrawSchedule(settleMs);
	expect(s.decide({ ...base, hasImage: false })).toEqual({ kind: 'draw' });
	s.drawn('v1', 'c1');
	return s;
}

describe('RedrawSchedule', () => {
	it('draws the first image at once, even in a view that just changed', () => {
		const s = new RedrawSchedule(150);
		expect(s.decide({ ...base, hasImage: false, now: 5 })).toEqual({ kind: 'draw' });
	});

	it('leaves a frame with nothing changed to OpenLayers', () => {
		const s = drawnAtV1();
		expect(s.decide({ ...base, now: 1000 })).toEqual({ kind: 'pass' });
	});

	it('never redraws while the view moves', () => {
		const s = drawnAtV1();
		expect(s.decide({ ...base, moving: true, viewKey: 'v2', now: 10 })).toEqual({ kind: 'pass' });
		expect(s.decide({ ...base, moving: true, viewKey: 'v3', contentKey: 'c2', now: 20 })).toEqual({
			kind: 'pass'
		});
	});

	it('waits until the view has been still for the settle time, counted from its last change', () => {
		const s = drawnAtV1(150);
		expect(s.decide({ ...base, moving: true, viewKey: 'v2', now: 100 })).toEqual({ kind: 'pass' });
		// Settled at v2 from t=100 (the last frame that moved was already at v2).
		expect(s.decide({ ...base, viewKey: 'v2', now: 130 })).toEqual({ kind: 'wait', ms: 120 });
		// A programmatic move (no hint) to v3 restarts the wait.
		expect(s.decide({ ...base, viewKey: 'v3', now: 200 })).toEqual({ kind: 'wait', ms: 150 });
		expect(s.decide({ ...base, viewKey: 'v3', now: 349 })).toEqual({ kind: 'wait', ms: 1 });
		expect(s.decide({ ...base, viewKey: 'v3', now: 350 })).toEqual({ kind: 'draw' });
	});

	it('draws a content change in a still view at once', () => {
		const s = drawnAtV1();
		expect(s.decide({ ...base, contentKey: 'c2', now: 1 })).toEqual({ kind: 'draw' });
	});

	it('after drawing, the same view and content pass again', () => {
		const s = drawnAtV1();
		expect(s.decide({ ...base, viewKey: 'v2', now: 10 })).toEqual({ kind: 'wait', ms: 150 });
		expect(s.decide({ ...base, viewKey: 'v2', now: 160 })).toEqual({ kind: 'draw' });
		s.drawn('v2', 'c1');
		expect(s.decide({ ...base, viewKey: 'v2', now: 170 })).toEqual({ kind: 'pass' });
	});

	it('yields to another image layer that redrew in this frame', () => {
		const s = drawnAtV1();
		expect(s.decide({ ...base, contentKey: 'c2', frameTaken: true, now: 1 })).toEqual({ kind: 'next-frame' });
		expect(s.decide({ ...base, viewKey: 'v2', frameTaken: true, now: 2 })).toEqual({ kind: 'wait', ms: 150 });
		expect(s.decide({ ...base, viewKey: 'v2', frameTaken: true, now: 152 })).toEqual({ kind: 'next-frame' });
		expect(s.decide({ ...base, viewKey: 'v2', frameTaken: false, now: 160 })).toEqual({ kind: 'draw' });
	});
});

describe('FrameTurns', () => {
	it('marks a frame as taken for every layer, and only that frame', () => {
		const turns = new FrameTurns();
		const frame1 = {};
		const frame2 = {};
		expect(turns.taken(frame1)).toBe(false);
		turns.take(frame1);
		expect(turns.taken(frame1)).toBe(true);
		expect(turns.taken(frame2)).toBe(false);
	});
});
