/**
 * A VectorImage layer whose image is put on the map at whole-pixel offsets whenever it is drawn
 * unscaled and unrotated (the view settled, or panning).
 *
 * OpenLayers draws a VectorImage layer's image (imageRatio × the map's size) centred on the view
 * with `setTransform(1, 0, 0, 1, dx, dy)`. When the image's height or width in pixels is odd
 * (994 × 1.5 = 1,491), or after a pan, dx/dy fall between pixels; the canvas then resamples the
 * whole image with bilinear filtering on every frame: in Chromium's software canvas about 13 ms
 * per 1,320 × 994 map for each image layer, against under 1 ms for a whole-pixel copy (measured
 * with three such layers on the room map). Rounding the offset moves the image by at most half a
 * pixel and draws it sharp (the half-pixel resampling also blurred every symbol slightly).
 * Scaled or rotated draws (zoom and rotate animations) are left as they are.
 *
 * The renderer also decides when the image is redrawn (`image-redraw.ts`): once the view has been
 * still for a moment, and one image layer of the map per frame.
 */
import VectorImageLayer from 'ol/layer/VectorImage.js';
import type OlMap from 'ol/Map.js';
import type { FrameState } from 'ol/Map.js';
import ViewHint from 'ol/ViewHint.js';
import CanvasVectorImageLayerRenderer from 'ol/renderer/canvas/VectorImageLayer.js';
import type { ZIndexContextProxy } from 'ol/render/canvas/ZIndexContext.js';
import { FrameTurns, RedrawSchedule } from './image-redraw.ts';

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Whether a canvas transform is a pure translation (no scale, no rotation). */
function isTranslation(a: number, b: number, c: number, d: number): boolean {
	return a === 1 && b === 0 && c === 0 && d === 1;
}

/**
 * The context with `setTransform(a, b, c, d, e, f)` rounding e and f for pure translations; every
 * other call and property goes to the context itself. The context may be OpenLayers' deferred
 * recording context (a Proxy when decluttering), which is why this is a wrapper too.
 */
export function snapTranslations<C extends Context2D>(context: C): C {
	return new Proxy(context, {
		get(target, property) {
			if (property === 'setTransform') {
				return (...args: unknown[]) => {
					if (args.length === 6) {
						const [a, b, c, d, e, f] = args as number[];
						if (isTranslation(a!, b!, c!, d!))
							return target.setTransform(1, 0, 0, 1, Math.round(e!), Math.round(f!));
					}
					return (target.setTransform as (...a: unknown[]) => void)(...args);
				};
			}
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
		},
		set(target, property, value) {
			return Reflect.set(target, property, value, target);
		}
	});
}

/** Shared by every image layer: in which frames one of them redrew already. */
const frameTurns = new FrameTurns();

/** Where the view is, as far as the image is concerned. */
function viewKey(frameState: FrameState): string {
	const v = frameState.viewState;
	return `${v.center[0]},${v.center[1]},${v.resolution},${v.rotation},${frameState.size[0]}x${frameState.size[1]},${frameState.pixelRatio}`;
}

class PixelSnappedRenderer extends CanvasVectorImageLayerRenderer {
	private wrapped: { context: Context2D; snapped: Context2D } | null = null;
	private readonly schedule = new RedrawSchedule();
	private timer: ReturnType<typeof setTimeout> | null = null;

	override prepareFrame(frameState: FrameState): boolean {
		const layer = this.getLayer();
		const hints = frameState.viewHints;
		const view = viewKey(frameState);
		const content = `${layer.getRevision()}|${layer.getSource()?.getRevision() ?? -1}`;
		const decision = this.schedule.decide({
			hasImage: this.image !== null,
			moving: Boolean(hints[ViewHint.ANIMATING] || hints[ViewHint.INTERACTING]),
			viewKey: view,
			contentKey: content,
			frameTaken: frameTurns.taken(frameState),
			now: performance.now()
		});
		if (decision.kind === 'pass') return super.prepareFrame(frameState);
		if (decision.kind === 'draw') {
			frameTurns.take(frameState);
			this.schedule.drawn(view, content);
			this.ready = true;
			return super.prepareFrame(frameState);
		}
		// Keep the previous image (drawn moved and scaled, as during an animation) and come back:
		// until then the map is not "render complete".
		this.ready = false;
		if (decision.kind === 'next-frame') frameState.animate = true;
		else this.renderLater(frameState, decision.ms);
		if (this.image) {
			// What OpenLayers' prepareFrame does when it keeps its image (used by getFeatures).
			(
				this as unknown as { renderedPixelToCoordinateTransform_: number[] }
			).renderedPixelToCoordinateTransform_ = frameState.pixelToCoordinateTransform.slice();
		}
		return !layer.getSource()?.loading && this.image !== null;
	}

	private renderLater(frameState: FrameState, ms: number): void {
		if (this.timer !== null) return;
		frameState.postRenderFunctions.push((map: OlMap) => {
			this.timer ??= setTimeout(() => {
				this.timer = null;
				map.render();
			}, ms);
		});
	}

	override disposeInternal(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
		super.disposeInternal();
	}

	override getRenderContext(frameState: FrameState): ZIndexContextProxy {
		const context: Context2D = super.getRenderContext(frameState);
		if (this.wrapped?.context !== context) this.wrapped = { context, snapped: snapTranslations(context) };
		return this.wrapped.snapped as ZIndexContextProxy;
	}
}

/** `ol/layer/VectorImage` drawn at whole-pixel offsets when unscaled (see the module comment). */
export class PixelSnappedVectorImageLayer extends VectorImageLayer {
	override createRenderer(): CanvasVectorImageLayerRenderer {
		return new PixelSnappedRenderer(this as never);
	}
}
