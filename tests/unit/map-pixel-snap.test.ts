/**
 * The map's image layers are put on whole pixels when drawn unscaled (pixel-snapped-image-layer.ts):
 * a half-pixel offset made the browser resample each whole image every frame.
 */
import { describe, expect, it } from 'vitest';
import { snapTranslations } from '../../src/lib/map/layers/pixel-snapped-image-layer.ts';

/** A stand-in for a 2D context that records what reaches it. */
class RecordingContext {
	calls: Array<[string, unknown[]]> = [];
	globalAlpha = 1;
	setTransform(...args: unknown[]): void {
		this.calls.push(['setTransform', args]);
	}
	drawImage(...args: unknown[]): void {
		this.calls.push(['drawImage', args]);
	}
}

function snapped(): { real: RecordingContext; ctx: RecordingContext } {
	const real = new RecordingContext();
	const ctx = snapTranslations(real as unknown as CanvasRenderingContext2D) as unknown as RecordingContext;
	return { real, ctx };
}

describe('snapTranslations', () => {
	it('rounds the offset of a pure translation to whole pixels', () => {
		const { real, ctx } = snapped();
		ctx.setTransform(1, 0, 0, 1, 10.4, -248.5);
		ctx.setTransform(1, 0, 0, 1, -3.6, 7.5);
		expect(real.calls).toEqual([
			['setTransform', [1, 0, 0, 1, 10, -248]],
			['setTransform', [1, 0, 0, 1, -4, 8]]
		]);
	});

	it('passes scaled or rotated transforms (zoom and rotate animations) on unchanged', () => {
		const { real, ctx } = snapped();
		ctx.setTransform(1.25, 0, 0, 1.25, 10.4, 3.3);
		ctx.setTransform(0.8, 0.6, -0.6, 0.8, 0.5, 0.5);
		expect(real.calls).toEqual([
			['setTransform', [1.25, 0, 0, 1.25, 10.4, 3.3]],
			['setTransform', [0.8, 0.6, -0.6, 0.8, 0.5, 0.5]]
		]);
	});

	it('hands every other call and property to the real context', () => {
		const { real, ctx } = snapped();
		ctx.drawImage('img', 0.5, 0.5);
		ctx.globalAlpha = 0.4;
		expect(real.calls).toEqual([['drawImage', ['img', 0.5, 0.5]]]);
		expect(real.globalAlpha).toBe(0.4);
		expect(ctx.globalAlpha).toBe(0.4);
	});
});
