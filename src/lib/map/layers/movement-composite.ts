/**
 * While the view moves (a drag, a wheel zoom, an animation), the map's image layers (the offline
 * basemap, annotation symbols and labels, tasks) show their last images moved and scaled; none is
 * redrawn. Each frame still blended every one of those images onto the map canvas, and Chromium's
 * software canvas paid about 1.4 ms per full-size image blend, 8-9 ms of main-thread CPU a frame
 * with the basemap's polygon (docs/map-rendering.md).
 *
 * So while the view moves, consecutive image layers (next to each other in the drawing order, no
 * other drawn layer between them) whose images were drawn for the same view are merged once into
 * one image, and each frame blends that single image: the lowest layer of the run draws it and the
 * others draw nothing. Nothing changes on screen: the same images, in the same order, at the same
 * place. When the view is still every layer draws its own image again, and a layer that redraws
 * (or is shown, hidden, or faded) simply makes the next merge differ.
 *
 * `planRuns` decides, per frame, who draws what (pure); `CompositeCache` merges the images.
 */

/** One layer the map draws this frame, in drawing order. */
export interface DrawnLayer<K> {
	key: K;
	/**
	 * For an image layer that may take part: where its image was drawn (extent, resolution, pixel
	 * ratio, rotation) as a string. Null for any other drawn layer, which ends a run.
	 */
	imageView: string | null;
}

export interface FramePlan<K> {
	/** The lowest layer of each run, with the layers of its run in drawing order (itself first). */
	leads: Map<K, K[]>;
	/** Layers drawn by their run's lead this frame. */
	skipped: Set<K>;
}

/** Groups the drawn layers into runs of two or more image layers with images of the same view. */
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
}

/**
 * The merged image of one run, kept until its parts change (a layer redrew, was faded…). One
 * canvas per run, reused: merging costs one blend per part, once per change.
 */
export class CompositeCache {
	#canvas: HTMLCanvasElement | null = null;
	#parts: CompositePart[] = [];

	/** The merged image of `parts` (all the same size), from the cache when they did not change. */
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
			ctx.drawImage(p.image, 0, 0);
		}
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
	return a.length === b.length && a.every((p, i) => p.drawing === b[i]!.drawing && p.image === b[i]!.image && p.opacity === b[i]!.opacity);
}
