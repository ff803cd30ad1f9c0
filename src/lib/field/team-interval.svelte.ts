/**
 * The sharing interval of my team, as its commander or leader chose it (GET
 * /api/teams/share-intervals), remembered on this phone so a phone that opens with no network
 * shares at the team's interval all the same. Asked again every REFRESH_MS and when the browser is
 * back online, so a change reaches a phone that is sharing.
 */
import { DEFAULT_SHARE_INTERVAL_MS, isShareInterval } from '$lib/domain/api/positions';
import { fetchTeamIntervals } from '$lib/api/positions';

const REFRESH_MS = 120_000;
const key = (orgId: string) => `sitroom-team-interval:${orgId}`;

export class TeamInterval {
	#ms = $state(DEFAULT_SHARE_INTERVAL_MS);
	/** Whether someone chose it (false: the default). */
	#chosen = $state(false);
	#timer: ReturnType<typeof setInterval> | null = null;
	readonly #onOnline = () => void this.refresh();

	constructor(readonly orgId: string) {
		try {
			const kept = Number(localStorage.getItem(key(orgId)));
			if (isShareInterval(kept)) {
				this.#ms = kept;
				this.#chosen = true;
			}
		} catch {
			// Storage disabled: the default until the server answers.
		}
	}

	get ms(): number {
		return this.#ms;
	}
	get chosen(): boolean {
		return this.#chosen;
	}

	start(): void {
		if (this.#timer) return;
		addEventListener('online', this.#onOnline);
		this.#timer = setInterval(this.#onOnline, REFRESH_MS);
		void this.refresh();
	}

	stop(): void {
		removeEventListener('online', this.#onOnline);
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
	}

	async refresh(): Promise<void> {
		try {
			const mine = (await fetchTeamIntervals()).find((i) => i.orgId === this.orgId);
			const ms = mine && isShareInterval(mine.intervalMs) ? mine.intervalMs : DEFAULT_SHARE_INTERVAL_MS;
			this.#ms = ms;
			this.#chosen = mine !== undefined;
			try {
				if (mine) localStorage.setItem(key(this.orgId), String(ms));
				else localStorage.removeItem(key(this.orgId));
			} catch {
				// Remembered for this page only.
			}
		} catch {
			// Offline or the server down: the interval last known stands.
		}
	}
}
