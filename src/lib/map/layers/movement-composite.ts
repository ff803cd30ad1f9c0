/**
 * While the view moves (a drag, a wheel zoom, an animation), the map's image layers (the offline
 * basemap, annotation symbols and labels, tasks) show their last images moved and scaled; none is
 * redrawn. Each frame still blended every one of those images onto the map canvas, and Chromium's
 * software canvas paid about 1.4 ms per full-size image blend, 8-9 ms of main-thread CPU a frame
 * with the basemap's polygon (docs/map-rendering.md).
 *
 * So while the view moves, consecutive image layers (next to each other in the drawing order, no
 * other drawn layer between them) are merged once into one image, and each frame blends that
 * single image: the lowest layer of the run draws it and the others draw nothing. The merged image
 * is in the lowest layer's frame (its extent and resolution); an image drawn for another view (the
 * layers redraw one per frame once the view settles, so a new movement can find them drawn for
 * different views) is placed into it where it belongs, moved and scaled as it would have been on
 * screen. Only what falls outside the lowest layer's image (1.5× the map) is left out. When the
 * view is still every layer draws its own image again, and a layer that redraws (or is shown,
 * hidden, or faded) simply makes the next merge differ.
 *
 * `planRuns` decides, per frame, who draws what (pure); `CompositeCache` merges the images.
 */

/** One layer the map draws this frame, in drawing order. */
export interface DrawnLayer<K> {
	key: K;
	/**
	 * For an image layer that may take part: what images must share to be merged (pixel ratio and
	 * rotation) as a string. Null for any other drawn layer, which ends a run.
	 */
	imageView: string | null;
}

export interface FramePlan<K> {
	/** The lowest layer of each run, with the layers of its run in drawing order (itself first). */
	leads: Map<K, K[]>;
	/** Layers drawn by their run's lead this frame. */
	skipped: Set<K>;
}

/** Groups the drawn layers into runs of two or more image layers whose images can be merged. */
export function planRuns<K>(layers: readonly DrawnLayer<K>[]): FramePlan<K> {
	const plan: FramePlan<K> = { leads: new Map(), skipped: new Set() };
	let run: K[] = [];
	let runView: string | null = null;
	const close = () => {
		if (run.length >= 2) {
			plan.leads.set(run[0]!, run);
			for (const k of run.slice(1)) plan.skipped.add(k);
		}
		run = [];
		runView = null;
	};
	for (const l of layers) {
		if (l.imageView === null) {
			close();
			continue;
		}
		if (runView !== null && l.imageView !== runView) close();
		run.push(l.key);
		runView = l.imageView;
	}
	close();
	return plan;
}

/** What goes into a merged image: a layer's image and its opacity. */
export interface CompositePart {
	/**
	 * Stands for this drawing of the image: OpenLayers redraws a layer into the same canvas, and
	 * wraps each drawing in a new object (its ImageCanvas), which is what tells a redraw here.
	 */
	drawing: object;
	image: HTMLCanvasElement | OffscreenCanvas;
	opacity: number;
	/** Where the image goes in the merged one (its top left corner, in pixels) and its scale. */
	x: number;
	y: number;
	scale: number;
}

/** An image's place on the map: its extent ([minX, minY, maxX, maxY]) and resolution. */
export interface ImagePlace {
	extent: readonly number[];
	resolution: number;
}

/**
 * Where an image drawn at `part` goes within one drawn at `frame` (same pixel ratio, no rotation
 * between them): its top left corner in the frame image's pixels, and its scale. Whole pixels at
 * scale 1, so an image of the same resolution is copied, not resampled.
 */
export function placeIn(
	frame: ImagePlace,
	part: ImagePlace,
	pixelRatio: number
): { x: number; y: number; scale: number } {
	const scale = part.resolution / frame.resolution;
	const x = ((part.extent[0]! - frame.extent[0]!) * pixelRatio) / frame.resolution;
	const y = ((frame.extent[3]! - part.extent[3]!) * pixelRatio) / frame.resolution;
	return scale === 1 ? { x: Math.round(x), y: Math.round(y), scale } : { x, y, scale };
}

/**
 * The merged image of one run, kept until its parts change (a layer redrew, was faded…). One
 * canvas per run, reused: merging costs one blend per part, once per change.
 */
export class CompositeCache {
	#canvas: HTMLCanvasElement | null = null;
	#parts: CompositePart[] = [];

	/** The merged image of `parts`, the size of the first, from the cache when they did not change. */
	merged(parts: readonly CompositePart[]): HTMLCanvasElement | null {
		if (this.#canvas && sameParts(parts, this.#parts)) return this.#canvas;
		const first = parts[0];
		if (!first || typeof document === 'undefined') return null;
		const canvas = (this.#canvas ??= document.createElement('canvas'));
		const { width, height } = first.image;
		if (canvas.width !== width || canvas.height !== height) {
			canvas.width = width;
			canvas.height = height;
		}
		const ctx = canvas.getContext('2d');
		if (!ctx) return null;
		ctx.setTransform(1, 0, 0, 1, 0, 0);
		ctx.globalAlpha = 1;
		ctx.clearRect(0, 0, width, height);
		for (const p of parts) {
			ctx.globalAlpha = p.opacity;
			ctx.setTransform(p.scale, 0, 0, p.scale, p.x, p.y);
			ctx.drawImage(p.image, 0, 0);
		}
		ctx.setTransform(1, 0, 0, 1, 0, 0);
		ctx.globalAlpha = 1;
		this.#parts = parts.map((p) => ({ ...p }));
		return canvas;
	}

	/** Frees the canvas (a layer removed from its map). */
	clear(): void {
		if (this.#canvas) this.#canvas.width = this.#canvas.height = 0;
		this.#canvas = null;
		this.#parts = [];
	}
}

function sameParts(a: readonly CompositePart[], b: readonly CompositePart[]): boolean {
	return (
		a.length === b.length &&
		a.every((p, i) => {
			const q = b[i]!;
			return (
				p.drawing === q.drawing &&
				p.image === q.image &&
				p.opacity === q.opacity &&
				p.x === q.x &&
				p.y === q.y
			);
		})
	);
}
