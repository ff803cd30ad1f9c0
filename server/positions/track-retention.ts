/**
 * Track retention: position fixes whose device time is older than the retention
 * (`POSITION_RETENTION_DAYS`, 30 by default) are deleted, once shortly after start and then every
 * `everyMs` (an hour by default), in rounds of at most PURGE_BATCH rows so no statement holds the
 * table for long. A failed pass is logged and the next one tries again; passes never overlap.
 * Several nodes on one PostgreSQL database each purge: deleting what another node deleted
 * already deletes nothing.
 */
export const PURGE_BATCH = 5_000;
const FIRST_PASS_AFTER_MS = 5_000;

export interface RetentionRepository {
	purgeBefore(before: number, limit: number): Promise<number>;
}

export interface TrackRetentionDeps {
	repository: RetentionRepository;
	retentionMs: number;
	everyMs?: number;
	/** The first pass, this long after start (default 5 s, off the start's busy moment). */
	firstAfterMs?: number;
	now?: () => number;
	log?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export class TrackRetention {
	#timer: ReturnType<typeof setTimeout> | null = null;
	#running: Promise<number> | null = null;
	#stopped = false;
	readonly #now: () => number;

	constructor(private readonly deps: TrackRetentionDeps) {
		this.#now = deps.now ?? Date.now;
	}

	start(): void {
		this.#stopped = false;
		this.#schedule(this.deps.firstAfterMs ?? FIRST_PASS_AFTER_MS);
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		await this.#running?.catch(() => undefined);
	}

	/** One pass: deletes every fix older than the retention; answers how many went. */
	purge(): Promise<number> {
		this.#running ??= this.#pass().finally(() => (this.#running = null));
		return this.#running;
	}

	async #pass(): Promise<number> {
		const before = this.#now() - this.deps.retentionMs;
		let total = 0;
		for (;;) {
			const n = await this.deps.repository.purgeBefore(before, PURGE_BATCH);
			total += n;
			if (n < PURGE_BATCH || this.#stopped) break;
			// Let other work run between rounds.
			await new Promise((r) => setImmediate(r));
		}
		if (total > 0) {
			this.deps.log?.info(
				{ deleted: total, before: new Date(before).toISOString() },
				'position fixes past their retention deleted'
			);
		}
		return total;
	}

	#schedule(ms: number): void {
		if (this.#stopped) return;
		this.#timer = setTimeout(() => {
			this.#timer = null;
			this.purge().then(
				() => this.#schedule(this.deps.everyMs ?? 3_600_000),
				(err: unknown) => {
					this.deps.log?.warn({ err }, 'the position retention purge failed; trying again later');
					this.#schedule(this.deps.everyMs ?? 3_600_000);
				}
			);
		}, ms);
		this.#timer.unref?.();
	}
}
