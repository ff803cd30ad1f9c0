/**
 * Sharing my position with the room, only while I say so: started by the person's own tap,
 * stopped by their tap or when they leave the page (never resumed by itself after a reload). The
 * phone's fixes (Geolocation API, WGS84) are written to the incident's `positions` entry of this
 * user (their latest position, with the device's time of the fix) at most once per interval.
 * Offline, the newest fix waits in the document and reaches the room with the next sync, with its
 * time; the track of earlier fixes is not kept in the document (ARCHITECTURE.md, Positions).
 */
import type { Actor } from '$lib/domain/actor';
import type { IncidentDoc } from '$lib/domain/incident-doc';

export const SHARE_INTERVALS_MS = [60_000, 300_000, 900_000] as const;

export class PositionSharing {
	#watch: number | null = null;
	#lastWrite = 0;
	#sharing = $state(false);
	#lastFix = $state<string | null>(null);
	#denied = $state(false);
	intervalMs = $state<number>(SHARE_INTERVALS_MS[1]);

	constructor(
		private readonly doc: () => IncidentDoc,
		private readonly actor: () => Actor
	) {}

	get sharing(): boolean {
		return this.#sharing;
	}
	/** Device time of the last fix written, ISO. */
	get lastFix(): string | null {
		return this.#lastFix;
	}
	/** The browser refused (the person did not allow it, or there is no geolocation). */
	get denied(): boolean {
		return this.#denied;
	}

	start(): void {
		if (this.#sharing) return;
		if (typeof navigator === 'undefined' || !navigator.geolocation) {
			this.#denied = true;
			return;
		}
		this.#denied = false;
		this.#sharing = true;
		this.#lastWrite = 0;
		this.#watch = navigator.geolocation.watchPosition(
			(p) => this.#fix(p),
			(err) => {
				if (err.code === err.PERMISSION_DENIED) {
					this.#denied = true;
					this.stop();
				}
			},
			{ enableHighAccuracy: true, maximumAge: 30_000 }
		);
	}

	stop(): void {
		if (this.#watch !== null) navigator.geolocation.clearWatch(this.#watch);
		this.#watch = null;
		this.#sharing = false;
	}

	#fix(p: GeolocationPosition): void {
		if (!this.#sharing || p.timestamp - this.#lastWrite < this.intervalMs) return;
		this.#lastWrite = p.timestamp;
		// A timestamp turned into text at once, never kept or mutated.
		// eslint-disable-next-line svelte/prefer-svelte-reactivity
		const at = new Date(p.timestamp).toISOString();
		const lonLat: [number, number] = [round(p.coords.longitude), round(p.coords.latitude)];
		const { userId, orgId } = this.actor();
		this.doc().positions.set(userId, { lonLat, orgId, at });
		this.#lastFix = at;
	}
}

function round(v: number): number {
	return Math.round(v * 1e6) / 1e6;
}
