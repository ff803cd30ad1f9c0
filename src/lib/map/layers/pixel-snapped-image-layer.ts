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
 * still for a moment, and one image layer of the map per frame; and while the view moves, image
 * layers next to each other are blended onto the map as one merged image (`movement-composite.ts`).
 * A redraw of a layer that has an image takes two frames: the replay is built in the first and
 * drawn in the second (`prebuild`), so neither frame does both.
 */
import ImageCanvas from 'ol/ImageCanvas.js';
import type ImageWrapper from 'ol/Image.js';
import BaseVectorLayer from 'ol/layer/BaseVector.js';
import { inView } from 'ol/layer/Layer.js';
import VectorImageLayer from 'ol/layer/VectorImage.js';
import type OlMap from 'ol/Map.js';
import type { FrameState } from 'ol/Map.js';
import VectorSource from 'ol/source/Vector.js';
import ViewHint from 'ol/ViewHint.js';
import { getForViewAndSize } from 'ol/extent.js';
import CanvasVectorImageLayerRenderer from 'ol/renderer/canvas/VectorImageLayer.js';
import type CanvasVectorLayerRenderer from 'ol/renderer/canvas/VectorLayer.js';
import type { ZIndexContextProxy } from 'ol/render/canvas/ZIndexContext.js';
import { FrameTurns, RedrawSchedule } from './image-redraw.ts';
import {
	CompositeCache,
	placeIn,
	planRuns,
	type CompositePart,
	type DrawnLayer,
	type FramePlan,
	type ImagePlace
} from './movement-composite.ts';

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

/**
 * A layer property: the layer's redraw is cheap (the offline basemap: a few dozen features), so it
 * redraws in any frame, neither waiting for another layer's turn nor taking one.
 */
export const CHEAP_REDRAW = 'sitroom:cheapRedraw';

/** Shared by every image layer: in which frames one of them redrew already. */
const frameTurns = new FrameTurns();

/** Where the view is, as far as the image is concerned. */
function viewKey(frameState: FrameState): string {
	const v = frameState.viewState;
	return `${v.center[0]},${v.center[1]},${v.resolution},${v.rotation},${frameState.size[0]}x${frameState.size[1]},${frameState.pixelRatio}`;
}

/** Who draws what while the view moves, once per frame (frame states are one object per frame). */
const framePlans = new WeakMap<FrameState, FramePlan<object>>();

/**
 * The layers the map draws this frame, in order (OpenLayers sorts `layerStatesArray` by z-index
 * before drawing any layer), with the merge runs among them. A vector layer with nothing in its
 * source draws nothing, so it does not split a run.
 */
function framePlan(frameState: FrameState): FramePlan<object> {
	let plan = framePlans.get(frameState);
	if (plan) return plan;
	const drawn: DrawnLayer<object>[] = [];
	for (const state of frameState.layerStatesArray) {
		const layer = state.layer;
		const sourceState = layer.getSourceState();
		if (!inView(state, frameState.viewState) || (sourceState !== 'ready' && sourceState !== 'undefined'))
			continue;
		if (layer instanceof PixelSnappedVectorImageLayer && layer.hasRenderer()) {
			drawn.push({ key: layer, imageView: (layer.getRenderer() as PixelSnappedRenderer).imageView() });
			continue;
		}
		if (layer instanceof BaseVectorLayer) {
			const source: unknown = layer.getSource();
			if (source instanceof VectorSource && source.isEmpty()) continue;
		}
		drawn.push({ key: layer, imageView: null });
	}
	plan = planRuns(drawn);
	framePlans.set(frameState, plan);
	return plan;
}

class PixelSnappedRenderer extends CanvasVectorImageLayerRenderer {
	private wrapped: { context: Context2D; snapped: Context2D } | null = null;
	private readonly schedule = new RedrawSchedule();
	private timer: ReturnType<typeof setTimeout> | null = null;
	private readonly composite = new CompositeCache();
	/** The merged image this layer draws in place of its own in `compositeFrame`. */
	private compositeImage: ImageCanvas | null = null;
	private compositeFrame: FrameState | null = null;
	/** The view and content whose replay was built in an earlier frame (see `prebuild`); null: none. */
	private prebuilt: string | null = null;

	override prepareFrame(frameState: FrameState): boolean {
		const layer = this.getLayer();
		const hints = frameState.viewHints;
		const view = viewKey(frameState);
		const content = `${layer.getRevision()}|${layer.getSource()?.getRevision() ?? -1}`;
		const moving = Boolean(hints[ViewHint.ANIMATING] || hints[ViewHint.INTERACTING]);
		const cheap = layer.get(CHEAP_REDRAW) === true;
		const decision = this.schedule.decide({
			hasImage: this.image !== null,
			moving,
			viewKey: view,
			contentKey: content,
			frameTaken: cheap ? false : frameTurns.taken(frameState),
			now: performance.now()
		});
		this.compositeFrame = null;
		if (moving) this.prebuilt = null;
		if (moving && this.image) {
			const plan = framePlan(frameState);
			if (plan.skipped.has(layer)) {
				// Drawn within the merged image of its run's lowest layer.
				this.keepTransform(frameState);
				return false;
			}
			const run = plan.leads.get(layer);
			if (run && this.prepareComposite(frameState, run)) {
				this.keepTransform(frameState);
				return true;
			}
		}
		if (decision.kind === 'pass') return super.prepareFrame(frameState);
		if (decision.kind === 'draw') {
			const key = `${view}|${content}`;
			if (!cheap && this.prebuilt === null && this.image) {
				// First half of a redraw: build the replay now, draw it in the next frame. Not for the
				// first image: nothing is shown until it is drawn, so it is drawn at once.
				frameTurns.take(frameState);
				this.prebuild(frameState);
				this.prebuilt = key;
				this.ready = false;
				frameState.animate = true;
				if (this.image) this.keepTransform(frameState);
				return !layer.getSource()?.loading && this.image !== null;
			}
			if (!cheap) frameTurns.take(frameState);
			// The second half, or the whole redraw when what was built is out of date already.
			const built = this.prebuilt === key;
			this.prebuilt = null;
			this.schedule.drawn(view, content);
			this.ready = true;
			return built ? this.drawPrebuilt(frameState) : super.prepareFrame(frameState);
		}
		// Keep the previous image (drawn moved and scaled, as during an animation) and come back:
		// until then the map is not "render complete".
		this.ready = false;
		if (decision.kind === 'next-frame') frameState.animate = true;
		else this.renderLater(frameState, decision.ms);
		if (this.image) this.keepTransform(frameState);
		return !layer.getSource()?.loading && this.image !== null;
	}

	/**
	 * The first half of a redraw, in a frame of its own: the wrapped vector renderer builds its
	 * replay (every feature in the image's extent through the style function) for the frame state
	 * OpenLayers' prepareFrame gives it (same extent, resolution and declutter flag, so that call
	 * finds the replay current and only draws it). A redraw of 5,000 annotations was one task of
	 * building and drawing (about 110 ms of CPU); traced after this split, 36 ms to build and 72 ms
	 * to draw (the drawing includes rasterising the image).
	 */
	private prebuild(frameState: FrameState): void {
		const self = this as unknown as { vectorRenderer_: CanvasVectorLayerRenderer; layerImageRatio_: number };
		const pixelRatio = frameState.pixelRatio;
		const viewState = frameState.viewState;
		const canvasWidth = Math.round(frameState.size[0]! * pixelRatio);
		const canvasHeight = Math.round(frameState.size[1]! * pixelRatio);
		const padX = Math.round((canvasWidth * (self.layerImageRatio_ - 1)) / 2);
		const padY = Math.round((canvasHeight * (self.layerImageRatio_ - 1)) / 2);
		const imageSize = [(canvasWidth + 2 * padX) / pixelRatio, (canvasHeight + 2 * padY) / pixelRatio];
		const layerState = frameState.layerStatesArray[frameState.layerIndex]!;
		const imageFrameState: FrameState = {
			...frameState,
			extent: getForViewAndSize(viewState.center, viewState.resolution, viewState.rotation, imageSize),
			size: imageSize,
			layerStatesArray: [{ ...layerState, opacity: 1 }],
			layerIndex: 0,
			// Only whether there is one counts for the replay; OpenLayers gives a fresh one to draw.
			declutter: this.getLayer().getDeclutter() ? {} : null
		};
		self.vectorRenderer_.prepareFrame(imageFrameState);
	}

	/**
	 * The second half: OpenLayers' prepareFrame, which finds the replay built and draws it. It
	 * draws only when the replay changed or the image moved, and a replay built in the previous
	 * frame no longer counts as changed; so, for a change of content in place, it is made to see
	 * no image (and given the previous one back if it draws nothing).
	 */
	private drawPrebuilt(frameState: FrameState): boolean {
		const previous = this.image;
		this.image = null;
		super.prepareFrame(frameState);
		if (!this.image) this.image = previous;
		return !this.getLayer().getSource()?.loading && this.image !== null;
	}

	/** What OpenLayers' prepareFrame does when it keeps its image (used by getFeatures). */
	private keepTransform(frameState: FrameState): void {
		(
			this as unknown as { renderedPixelToCoordinateTransform_: number[] }
		).renderedPixelToCoordinateTransform_ = frameState.pixelToCoordinateTransform.slice();
	}

	/** What images must share to be merged with this one's (pixel ratio, rotation); null: none. */
	imageView(): string | null {
		const image = this.image as ImageWrapper | null;
		const canvas = image?.getImage();
		if (!image || !(canvas instanceof HTMLCanvasElement) || !canvas.width) return null;
		return `${image.getPixelRatio()}|${this.renderedRotation}`;
	}

	/** Where this layer's image was drawn. */
	imagePlace(): ImagePlace | null {
		const image = this.image;
		return image ? { extent: image.getExtent(), resolution: image.getResolution() as number } : null;
	}

	/** This layer's image as a part of an image merged in `frame`'s place, or null when it has none. */
	compositePart(frame: ImagePlace, opacity: number): CompositePart | null {
		const drawing = this.image;
		const image = drawing?.getImage();
		const place = this.imagePlace();
		if (!drawing || !place || !(image instanceof HTMLCanvasElement)) return null;
		return { drawing, image, opacity, ...placeIn(frame, place, drawing.getPixelRatio()) };
	}

	/** Merges the images of `run` (this layer first) for this frame; false when it cannot. */
	private prepareComposite(frameState: FrameState, run: readonly object[]): boolean {
		const frame = this.imagePlace();
		if (!frame) return false;
		const parts: CompositePart[] = [];
		for (const member of run) {
			const renderer = (member as PixelSnappedVectorImageLayer).getRenderer() as PixelSnappedRenderer;
			const state = frameState.layerStatesArray.find((s) => s.layer === member);
			const part = renderer.compositePart(frame, state?.opacity ?? 1);
			if (!part) return false;
			parts.push(part);
		}
		const merged = this.composite.merged(parts);
		const own = this.image;
		if (!merged || !own) return false;
		if (this.compositeImage?.getImage() !== merged || this.compositeImage.getExtent() !== own.getExtent())
			this.compositeImage = new ImageCanvas(
				own.getExtent(),
				own.getResolution() as number,
				own.getPixelRatio(),
				merged
			);
		this.compositeFrame = frameState;
		return true;
	}

	override renderFrame(frameState: FrameState, target: HTMLElement): HTMLElement {
		if (this.compositeFrame !== frameState || !this.compositeImage)
			return super.renderFrame(frameState, target);
		// The merged image in place of this layer's own, its parts' opacities already applied.
		const own = this.image;
		const state = frameState.layerStatesArray[frameState.layerIndex]!;
		const opacity = state.opacity;
		this.image = this.compositeImage;
		state.opacity = 1;
		try {
			return super.renderFrame(frameState, target);
		} finally {
			this.image = own;
			state.opacity = opacity;
		}
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
		this.composite.clear();
		this.compositeImage = null;
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
