/**
 * One pending "click a point on the map" request at a time. A form calls `request()`; the map
 * resolves it with the clicked point; Escape or a new request cancels the old one with null.
 */
import type { LonLat } from '$lib/domain/incident-doc';

export class MapPick {
	#resolve: ((p: LonLat | null) => void) | null = null;
	#active = $state(false);

	get active(): boolean {
		return this.#active;
	}

	request(): Promise<LonLat | null> {
		this.cancel();
		this.#active = true;
		return new Promise((resolve) => (this.#resolve = resolve));
	}

	/** The map calls this with the clicked point; returns false when nobody was asking. */
	resolve(p: LonLat): boolean {
		if (!this.#resolve) return false;
		this.#finish(p);
		return true;
	}

	cancel(): void {
		if (this.#resolve) this.#finish(null);
	}

	#finish(p: LonLat | null): void {
		const r = this.#resolve;
		this.#resolve = null;
		this.#active = false;
		r?.(p);
	}
}
