/**
 * When a map's image layers (VectorImage: annotations, their labels, tasks) redraw their images.
 *
 * OpenLayers redraws such an image on the first frame in which the view is neither animating nor
 * being dragged, and every image layer of the map does so in that same frame. With 5,000
 * annotations one redraw (rebuilding the replay of every feature in view and rasterising it) is
 * the costliest thing the map does, and the render benchmark showed it as the long frames:
 * between two wheel steps or after a drag the view settles for a moment, every image layer
 * redraws in one frame, and the next step throws the result away.
 *
 * So an image layer whose view changed waits until the view has been still for `settleMs`
 * (showing its previous image moved and scaled, as during the animation) and redraws then, and
 * at most one image layer of a map redraws per frame: the others take the next frames. A change
 * of the layer's content (an edit, a selection) with the view still is drawn at once, subject to
 * the one-per-frame rule alone.
 */

/** How long the view must be still before an image layer redraws for a new view (ms). */
export const SETTLE_MS = 150;

export type RedrawDecision =
	/** Let OpenLayers decide: the view is moving (nothing is redrawn) or nothing changed. */
	| { kind: 'pass' }
	/** Redraw now (OpenLayers' own prepareFrame). */
	| { kind: 'draw' }
	/** Keep the previous image this frame and ask for the next frame. */
	| { kind: 'next-frame' }
	/** Keep the previous image and ask for a frame after `ms`. */
	| { kind: 'wait'; ms: number };

export interface RedrawInput {
	/** Whether the layer has an image at all (none: draw as soon as it may). */
	hasImage: boolean;
	/** Whether the view is animating or being interacted with. */
	moving: boolean;
	/** Where the view is (centre, resolution, rotation, size, pixel ratio). */
	viewKey: string;
	/** What the layer shows (its and its source's revisions). */
	contentKey: string;
	/** Whether another image layer of the map redrew in this frame already. */
	frameTaken: boolean;
	now: number;
}

/** One layer's redraw bookkeeping (pure: times and keys are passed in). */
export class RedrawSchedule {
	#drawnView: string | null = null;
	#drawnContent: string | null = null;
	#seenView: string | null = null;
	#viewChangedAt = -Infinity;

	constructor(readonly settleMs = SETTLE_MS) {}

	decide(input: RedrawInput): RedrawDecision {
		if (input.viewKey !== this.#seenView) {
			this.#seenView = input.viewKey;
			this.#viewChangedAt = input.now;
		}
		if (input.moving) return { kind: 'pass' };
		const viewChanged = input.viewKey !== this.#drawnView;
		const contentChanged = input.contentKey !== this.#drawnContent;
		if (input.hasImage && !viewChanged && !contentChanged) return { kind: 'pass' };
		if (input.hasImage && viewChanged) {
			const still = input.now - this.#viewChangedAt;
			if (still < this.settleMs) return { kind: 'wait', ms: Math.ceil(this.settleMs - still) };
		}
		if (input.frameTaken) return { kind: 'next-frame' };
		return { kind: 'draw' };
	}

	/** Records that the layer redrew for this view and content. */
	drawn(viewKey: string, contentKey: string): void {
		this.#drawnView = viewKey;
		this.#drawnContent = contentKey;
	}
}

/**
 * The frames (OpenLayers frame states, one object per frame and map) in which an image layer
 * redrew: the others of the same map wait for the next frame.
 */
export class FrameTurns {
	readonly #taken = new WeakSet<object>();

	taken(frame: object): boolean {
		return this.#taken.has(frame);
	}

	take(frame: object): void {
		this.#taken.add(frame);
	}
}
