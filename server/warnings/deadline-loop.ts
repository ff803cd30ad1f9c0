/**
 * One loop that does what is due and sleeps until the next deadline it is told of, shared by the
 * escalation clock and the webhook outbox. Passes never overlap: a poke during a pass runs one
 * more pass after it. The deadlines live in the database, so the sleep is capped (`maxSleepMs`, a
 * clock that jumps is caught up) and a failed pass is retried in 5 s.
 */
import type { Logger } from '../log.ts';
import type { Clock } from './escalation.ts';

export interface DeadlineWork {
	/** Does what is due at `now` (checking `stopped` between items); answers the next deadline. */
	pass(now: number, stopped: () => boolean): Promise<number | null>;
}

const RETRY_MS = 5_000;

export class DeadlineLoop {
	#timer: unknown = null;
	#running: Promise<void> | null = null;
	#again = false;
	#stopped = false;

	constructor(
		private readonly work: DeadlineWork,
		private readonly opts: { clock: Clock; log: Logger; what: string; maxSleepMs?: number }
	) {}

	/** Runs a pass now and sleeps until the next deadline. */
	poke(): Promise<void> {
		if (this.#stopped) return Promise.resolve();
		if (this.#running) {
			this.#again = true;
			return this.#running;
		}
		this.#running = this.#pass().finally(() => {
			this.#running = null;
			if (this.#again) {
				this.#again = false;
				void this.poke();
			}
		});
		return this.#running;
	}

	/** Resolves once no pass is running (for tests and shutdown). */
	async idle(): Promise<void> {
		while (this.#running) await this.#running;
	}

	stop(): void {
		this.#stopped = true;
		this.#clear();
	}

	#clear(): void {
		if (this.#timer !== null) this.opts.clock.clearTimeout(this.#timer);
		this.#timer = null;
	}

	async #pass(): Promise<void> {
		const { clock, log } = this.opts;
		this.#clear();
		const stopped = () => this.#stopped;
		try {
			const next = await this.work.pass(clock.now(), stopped);
			if (next === null || this.#stopped) return;
			const wait = Math.max(0, Math.min(next - clock.now(), this.opts.maxSleepMs ?? 60_000));
			this.#timer = clock.setTimeout(() => void this.poke(), wait);
		} catch (err) {
			log.error({ err }, `${this.opts.what} pass failed; retrying in 5 s`);
			if (!this.#stopped) this.#timer = clock.setTimeout(() => void this.poke(), RETRY_MS);
		}
	}
}
