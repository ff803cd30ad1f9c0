/**
 * Sharing my position with the room, only while I say so: started by the person's own tap,
 * stopped by their tap or when they leave the page (never resumed by itself after a reload).
 * Every interval the team's commander or leader chose (team-interval.svelte.ts; the person's own
 * consent is the on/off switch) the phone is asked for a fix (Geolocation API, WGS84; asking at
 * the interval, rather than watching, lets the GPS rest between fixes on a long shift). Each fix
 * goes two ways:
 *
 * - to the incident's `positions` entry of this user (their latest position, with the device's
 *   time of the fix), which everyone in the room sees at once; offline, it waits in the document's
 *   outbox like any change;
 * - to the track queue (track-sender.svelte.ts): every fix, kept on the phone and sent over REST
 *   in batches with its device time, also after hours offline; the map draws the last hours of it.
 */
import type { Actor } from '$lib/domain/actor';
import { DEFAULT_SHARE_INTERVAL_MS } from '$lib/domain/api/positions';
import type { IncidentDoc } from '$lib/domain/incident-doc';
import type { TrackSender } from './track-sender.svelte.ts';

export class PositionSharing {
	#timer: ReturnType<typeof setInterval> | null = null;
	#lastAt = 0;
	#sharing = $state(false);
	#lastFix = $state<string | null>(null);
	#denied = $state(false);
	#intervalMs = $state<number>(DEFAULT_SHARE_INTERVAL_MS);

	constructor(
		private readonly incidentId: string,
		private readonly doc: () => IncidentDoc,
		private readonly actor: () => Actor,
		private readonly track: TrackSender
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
	/** How often a fix is taken: the team's interval, set by the page as it learns it. */
	get intervalMs(): number {
		return this.#intervalMs;
	}
	set intervalMs(ms: number) {
		if (ms === this.#intervalMs) return;
		this.#intervalMs = ms;
		if (this.#sharing) this.#schedule();
	}

	start(): void {
		if (this.#sharing) return;
		if (typeof navigator === 'undefined' || !navigator.geolocation) {
			this.#denied = true;
			return;
		}
		this.#denied = false;
		this.#sharing = true;
		this.#schedule();
	}

	stop(): void {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
		this.#sharing = false;
	}

	#schedule(): void {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = setInterval(() => this.#take(), this.#intervalMs);
		this.#take();
	}

	#take(): void {
		navigator.geolocation.getCurrentPosition(
			(p) => this.#fix(p),
			(err) => {
				if (err.code === err.PERMISSION_DENIED) {
					this.#denied = true;
					this.stop();
				}
				// No fix this time (no satellites in a valley): the next interval asks again.
			},
			{
				enableHighAccuracy: true,
				timeout: Math.min(this.#intervalMs, 30_000),
				maximumAge: Math.min(this.#intervalMs / 2, 30_000)
			}
		);
	}

	#fix(p: GeolocationPosition): void {
		// A fix already taken (the browser's cached one) is not recorded twice.
		const ms = Math.round(p.timestamp);
		if (!this.#sharing || ms <= this.#lastAt) return;
		this.#lastAt = ms;
		// A timestamp turned into text at once, never kept or mutated.
		// eslint-disable-next-line svelte/prefer-svelte-reactivity
		const at = new Date(ms).toISOString();
		const lonLat: [number, number] = [round(p.coords.longitude), round(p.coords.latitude)];
		const { userId, orgId } = this.actor();
		this.doc().positions.set(userId, { lonLat, orgId, at });
		this.#lastFix = at;
		const accuracy = Number.isFinite(p.coords.accuracy) ? Math.round(p.coords.accuracy * 10) / 10 : null;
		void this.track.add({ incidentId: this.incidentId, at: ms, lonLat, accuracy }).catch(() => {
			// IndexedDB refused the write: the latest position still went to the document.
		});
	}
}

function round(v: number): number {
	return Math.round(v * 1e6) / 1e6;
}
